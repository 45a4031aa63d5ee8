import { ManualTimeline } from '@app/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDatabase } from './embedded-database';
import { SqliteInboxStore } from './inbox.sqlite';

// a fan-out's payload is stored once (writeNewNow); these pin what every member still sees, on the real SQLite
describe('SqliteInboxStore — shared fan-out payloads', () => {
  const retentionMs = 3600_000;
  let db: EmbeddedDatabase;
  let timeline: ManualTimeline;
  let inbox: SqliteInboxStore;
  const members = ['m1', 'm2', 'm3', 'm4', 'm5'];
  const payloadRows = () => db.db.prepare('SELECT count(*) FROM inbox_payload').pluck().get() as number;
  const write = (userIds: string[], body: string) =>
    db.writes.submit(() => inbox.writeNewNow(userIds, JSON.stringify({ body }), timeline.now()));
  const bodies = async (userId: string) =>
    (await inbox.read(userId, 0, 100)).entries.map((e) => (e.payload === null ? null : JSON.parse(e.payload).body));

  beforeEach(() => {
    db = new EmbeddedDatabase(':memory:');
    timeline = new ManualTimeline();
    inbox = new SqliteInboxStore(db, { retentionMs }, timeline);
  });
  afterEach(() => db.close());

  it('stores a fan-out payload once and gives every member it with their own seq', async () => {
    await write(['m1'], 'before'); // m1's seqs are ahead of the others'
    const allocations = await write(members, 'hello all');
    expect(allocations).toEqual([{ userId: 'm1', seq: 2 }, ...members.slice(1).map((userId) => ({ userId, seq: 1 }))]);
    expect(payloadRows()).toBe(1);
    for (const m of members.slice(1)) expect(await bodies(m)).toEqual(['hello all']);
    expect(await bodies('m1')).toEqual(['before', 'hello all']);
  });

  it('keeps a 1:1 payload inline', async () => {
    await write(['a', 'b'], 'just us');
    expect(payloadRows()).toBe(0);
    expect(await bodies('a')).toEqual(['just us']);
  });

  it("drops a member's entries on their ack and leaves the others' untouched", async () => {
    await write(members, 'one');
    await write(members, 'two');
    expect(await inbox.ack('m2', 1)).toEqual({ watermark: 1 });
    expect(await bodies('m2')).toEqual(['two']);
    expect(await bodies('m3')).toEqual(['one', 'two']);
    // a shared entry counts as written: a late settle of its seq finds it published and does not burn it
    expect(await inbox.settle([{ userId: 'm3', seq: 1 }])).toBe('published');
    expect(await bodies('m3')).toEqual(['one', 'two']);
  });

  it('deletes shared payloads past retention on a later fan-out, and only those', async () => {
    await write(members, 'old');
    await timeline.passTo(timeline.now() + retentionMs);
    await write(members, 'new');
    expect(payloadRows()).toBe(1);
    expect(await bodies('m4')).toEqual(['new']);
  });
});

// a seq allocated with its entry (writeNewNow) is kept in memory and in the entry, not in inbox_user.head: these pin
// that the head survives every way entries leave, across a reopen of the file
describe('SqliteInboxStore — heads recovered after a restart', () => {
  const retentionMs = 3600_000;
  let dir: string;
  let db: EmbeddedDatabase | undefined;
  let timeline: ManualTimeline;
  let inbox: SqliteInboxStore;
  const reopen = () => {
    db?.close();
    db = new EmbeddedDatabase(join(dir, 'messages.sqlite'));
    inbox = new SqliteInboxStore(db, { retentionMs }, timeline);
  };
  const write = (userIds: string[]) =>
    db!.writes.submit(() => inbox.writeNewNow(userIds, JSON.stringify({ body: 'x' }), timeline.now()));
  const seqOf = async (userId: string) => (await write([userId]))[0].seq;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'inbox-heads-'));
    timeline = new ManualTimeline();
    reopen();
  });
  afterEach(() => {
    db?.close();
    db = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('continues after unread entries, for 1:1 and shared fan-out entries alike', async () => {
    await write(['a', 'b']);
    await write(['a', 'b', 'c', 'd']);
    reopen();
    expect(await write(['a', 'b', 'c'])).toEqual([
      { userId: 'a', seq: 3 },
      { userId: 'b', seq: 3 },
      { userId: 'c', seq: 2 },
    ]);
    expect((await inbox.read('d', 0, 10)).headSeq).toBe(1);
  });

  it('continues after every entry was acked', async () => {
    await write(['a']);
    await write(['a']);
    expect(await inbox.ack('a', 99)).toEqual({ watermark: 2 });
    reopen();
    expect(await seqOf('a')).toBe(3);
  });

  it('continues after every entry expired and a read deleted it', async () => {
    await write(['a']);
    await write(['a']);
    await timeline.passTo(timeline.now() + retentionMs + 1);
    expect(await inbox.read('a', 0, 10)).toMatchObject({ entries: [], headSeq: 2, watermark: 0 });
    reopen();
    expect((await inbox.read('a', 0, 10)).headSeq).toBe(2);
    expect(await seqOf('a')).toBe(3);
  });

  it('hands out again the seqs of a rolled-back write', async () => {
    await write(['a']);
    await expect(
      db!.writes.submit(() => {
        inbox.writeNewNow(['a'], '{}', timeline.now());
        throw new Error('the rest of the send failed');
      }),
    ).rejects.toThrow('the rest of the send failed');
    expect(await seqOf('a')).toBe(2);
    reopen();
    expect(await seqOf('a')).toBe(3);
  });
});
