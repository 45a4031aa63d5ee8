import { LocalStorageLastSeqStore, MemoryLastSeqStore, WebStorageLike } from './last-seq-store';

/** A Web Storage stand-in (Node has no localStorage). */
function webStorage(): WebStorageLike & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return { items, getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v) };
}

describe('lastSeq stores', () => {
  it('keeps one seq per user in memory', () => {
    const store = new MemoryLastSeqStore();
    expect(store.load('u1')).toBeUndefined();
    store.save('u1', 7);
    store.save('u2', 3);
    expect(store.load('u1')).toBe(7);
    expect(store.load('u2')).toBe(3);
  });

  it('keeps one key per user in Web Storage, and ignores what is not a positive integer', () => {
    const storage = webStorage();
    const store = new LocalStorageLastSeqStore(storage);
    store.save('u1', 42);
    expect(storage.items.get('switchboard:lastSeq:u1')).toBe('42');
    expect(new LocalStorageLastSeqStore(storage).load('u1')).toBe(42);
    for (const junk of ['', 'abc', '-3', '1.5', '0']) {
      storage.items.set('switchboard:lastSeq:u2', junk);
      expect(store.load('u2')).toBeUndefined();
    }
  });

  it('says so when there is no localStorage to default to', () => {
    expect(() => new LocalStorageLastSeqStore()).toThrow(/no localStorage/);
  });
});
