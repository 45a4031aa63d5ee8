/*
 * How evenly the consistent hash ring (libs/cluster) spreads users over push nodes, per virtual-node count.
 *
 *   TS_NODE_TRANSPILE_ONLY=true node -r ts-node/register -r tsconfig-paths/register bench/hash-ring-balance.ts
 *
 * Optional env: KEYS=100000 (user ids), TRIALS=20 (node-name sets per cell), BUILD_REPEAT=20.
 *
 * One set of node names is one draw of the ring's layout, so each cell is averaged over TRIALS sets of names
 * (`t{trial}-node-{i}`): a deployment gets one of those draws, which is why the worst trial is shown too.
 * Columns: max/mean = load of the busiest node over the average (1.00 is perfect), mean and worst trial;
 * cv = coefficient of variation of node loads; moved = fraction of all users that move when the busiest node is
 * removed (ideal 1/N); stray = users of surviving nodes that moved (must be 0); build = one setNodes();
 * lookup = one nodeFor() on a 36-character id, hashing included.
 */
import { HashRing, ringPoint } from '@app/cluster';
import { newTimeOrderedId } from '@app/core';

const KEY_COUNT = Number(process.env.KEYS ?? 100_000);
const TRIALS = Number(process.env.TRIALS ?? 20);
const BUILD_REPEAT = Number(process.env.BUILD_REPEAT ?? 20);
const NODE_COUNTS = [2, 3, 5, 10];
const VIRTUAL_NODES = [1, 10, 40, 80, 160, 320, 640];

interface Trial {
  maxOverMean: number;
  cv: number;
  moved: number;
  stray: number;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

function trial(points: Uint32Array, ids: string[], virtualNodes: number): Trial {
  const ring = new HashRing(virtualNodes);
  ring.setNodes(ids);
  const owner = Array.from(points, (p) => ring.nodeAt(p)!);
  const load = new Map(ids.map((id) => [id, 0]));
  for (const id of owner) load.set(id, load.get(id)! + 1);
  const avg = points.length / ids.length;
  const [busiest, max] = [...load].reduce((a, b) => (b[1] > a[1] ? b : a));

  // removing the busiest node is the worst single failure
  ring.setNodes(ids.filter((id) => id !== busiest));
  let moved = 0;
  let stray = 0;
  points.forEach((p, i) => {
    if (ring.nodeAt(p) === owner[i]) return;
    moved++;
    if (owner[i] !== busiest) stray++;
  });

  const sd = Math.sqrt(mean([...load.values()].map((l) => (l - avg) ** 2)));
  return { maxOverMean: max / avg, cv: sd / avg, moved: moved / points.length, stray };
}

function timings(keys: string[], nodeCount: number, virtualNodes: number): { buildMs: number; lookupNs: number } {
  const ids = Array.from({ length: nodeCount }, (_, i) => `node-${i}`);
  const ring = new HashRing(virtualNodes);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < BUILD_REPEAT; i++) ring.setNodes(ids);
  const t1 = process.hrtime.bigint();
  let sink = 0;
  for (const k of keys) sink += ring.nodeFor(k)!.length;
  const t2 = process.hrtime.bigint();
  if (sink === 0) throw new Error('unreachable');
  return { buildMs: Number(t1 - t0) / 1e6 / BUILD_REPEAT, lookupNs: Number(t2 - t1) / keys.length };
}

const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;

function main(): void {
  const keys = Array.from({ length: KEY_COUNT }, () => newTimeOrderedId());
  const points = Uint32Array.from(keys, ringPoint);
  timings(keys.slice(0, 20_000), 3, 40); // JIT warm-up

  console.log(`${KEY_COUNT} UUIDv7 user ids, ${TRIALS} node-name sets per cell, node ${process.version}\n`);
  const head = [
    'nodes',
    'vnodes',
    'max/mean',
    'max/mean worst',
    'cv',
    'moved',
    'ideal 1/N',
    'stray',
    'build ms',
    'lookup ns',
  ];
  console.log(row(head));
  console.log(row(head.map(() => '---')));
  for (const n of NODE_COUNTS) {
    for (const v of VIRTUAL_NODES) {
      const trials = Array.from({ length: TRIALS }, (_, t) =>
        trial(
          points,
          Array.from({ length: n }, (_, i) => `t${t}-node-${i}`),
          v,
        ),
      );
      const { buildMs, lookupNs } = timings(keys, n, v);
      console.log(
        row([
          n,
          v,
          mean(trials.map((t) => t.maxOverMean)).toFixed(3),
          Math.max(...trials.map((t) => t.maxOverMean)).toFixed(3),
          mean(trials.map((t) => t.cv)).toFixed(3),
          mean(trials.map((t) => t.moved)).toFixed(3),
          (1 / n).toFixed(3),
          trials.reduce((s, t) => s + t.stray, 0),
          buildMs.toFixed(3),
          lookupNs.toFixed(0),
        ]),
      );
    }
  }
}

main();
