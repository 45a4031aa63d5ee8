import { HashRing, ringPoint } from './hash-ring';

// deterministic keys keep the statistical bounds below from ever flaking
const KEYS = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);
const NODES = ['node-a', 'node-b', 'node-c', 'node-d', 'node-e'];

function ring(nodes: string[], virtualNodes = 160): HashRing {
  const r = new HashRing(virtualNodes);
  r.setNodes(nodes);
  return r;
}

function assign(r: HashRing): string[] {
  return KEYS.map((k) => r.nodeFor(k)!);
}

describe('HashRing', () => {
  it('hashes with standard XXH32 (seed 0), so every process computes the same points', () => {
    expect(ringPoint('')).toBe(0x02cc5d05);
    expect(ringPoint('abc')).toBe(0x32d153ff);
  });

  it('keeps the placement of known keys (changing it would move every user on a rolling deploy)', () => {
    const r = ring(['node-a', 'node-b', 'node-c']);
    const keys = ['alice', 'bob', 'carol', 'dave', 'erin', '0190a3e2-7b1c-7def-8abc-0123456789ab'];
    expect(keys.map((k) => r.nodeFor(k))).toEqual(['node-a', 'node-a', 'node-b', 'node-a', 'node-b', 'node-c']);
  });

  it('returns undefined on an empty ring', () => {
    const r = new HashRing(160);
    expect(r.nodeFor('alice')).toBeUndefined();
    r.setNodes(['node-a']);
    r.setNodes([]);
    expect(r.nodeFor('alice')).toBeUndefined();
  });

  it('maps every key to the only node of a one-node ring', () => {
    const r = ring(['solo']);
    expect(new Set(assign(r))).toEqual(new Set(['solo']));
  });

  it('maps the same key to the same node', () => {
    const r = ring(NODES);
    for (const k of KEYS.slice(0, 100)) expect(r.nodeFor(k)).toBe(r.nodeFor(k));
  });

  it('agrees across instances, whatever the order of ids or duplicates', () => {
    const a = ring(NODES);
    const b = ring([...NODES].reverse().concat(NODES[0]));
    expect(assign(b)).toEqual(assign(a));
    expect(b.nodes).toEqual([...NODES].sort());
  });

  it('uses every node', () => {
    expect(new Set(assign(ring(NODES)))).toEqual(new Set(NODES));
  });

  it('moves only the removed node’s keys when a node leaves', () => {
    const before = assign(ring(NODES));
    const after = assign(ring(NODES.filter((n) => n !== 'node-c')));
    const moved = before.filter((node) => node === 'node-c').length;
    expect(after.filter((node, i) => before[i] !== 'node-c' && node !== before[i])).toEqual([]);
    expect(after).not.toContain('node-c');
    expect(moved / KEYS.length).toBeLessThanOrEqual(1 / NODES.length + 0.05);
  });

  it('moves about 1/(N+1) of the keys, all to the new node, when a node joins', () => {
    const before = assign(ring(NODES));
    const after = assign(ring([...NODES, 'node-f']));
    const movedTo = after.filter((node, i) => node !== before[i]);
    expect(new Set(movedTo)).toEqual(new Set(['node-f']));
    const moved = movedTo.length;
    const expected = 1 / (NODES.length + 1);
    expect(Math.abs(moved / KEYS.length - expected)).toBeLessThanOrEqual(0.05);
  });

  it('rejects a virtual-node count that is not a positive integer', () => {
    expect(() => new HashRing(0)).toThrow(RangeError);
    expect(() => new HashRing(1.5)).toThrow(RangeError);
  });
});
