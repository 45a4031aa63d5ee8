import { xxHash32 } from 'js-xxhash';

/**
 * 32-bit position on the ring. XXH32 is a published, fixed algorithm (seed 0, UTF-8 input), so every gateway,
 * whatever its machine or Node version, places nodes and users at the same points.
 */
export function ringPoint(key: string): number {
  // Buffer.from is the same UTF-8 as js-xxhash's own TextEncoder path, about twice as fast on Node 20
  return xxHash32(Buffer.from(key, 'utf8'), 0);
}

// point * 2^21 + node index stays below 2^53, so one numeric sort orders by point, then by node id
const MAX_NODES = 2 ** 21;
const INDEX_SPAN = 2 ** 21;

/**
 * Consistent hash ring with virtual nodes (see docs/architecture.md, 'The cluster'): a user's node changes only when
 * that node joins or leaves.
 */
export class HashRing {
  private points = new Uint32Array(0);
  private owners: string[] = [];
  private ids: string[] = [];

  constructor(private readonly virtualNodes: number) {
    if (!Number.isInteger(virtualNodes) || virtualNodes < 1) {
      throw new RangeError(`virtualNodes must be a positive integer, got ${virtualNodes}`);
    }
  }

  /** Rebuilds the ring; the result depends only on the set of ids, not their order or duplicates. */
  setNodes(ids: Iterable<string>): void {
    const nodes = [...new Set(ids)].sort();
    if (nodes.length >= MAX_NODES) throw new RangeError(`too many nodes: ${nodes.length}`);
    const packed = new Float64Array(nodes.length * this.virtualNodes);
    let n = 0;
    nodes.forEach((id, index) => {
      for (let v = 0; v < this.virtualNodes; v++) packed[n++] = ringPoint(`${id}#${v}`) * INDEX_SPAN + index;
    });
    packed.sort();
    const points = new Uint32Array(packed.length);
    const owners = new Array<string>(packed.length);
    let size = 0;
    for (const p of packed) {
      const point = Math.floor(p / INDEX_SPAN);
      // on a collision the smaller node id keeps the point, whichever order the ids came in
      if (size > 0 && points[size - 1] === point) continue;
      points[size] = point;
      owners[size++] = nodes[p % INDEX_SPAN];
    }
    this.points = points.slice(0, size);
    this.owners = owners.slice(0, size);
    this.ids = nodes;
  }

  /** Node owning the first point at or after the key's point (wrapping around); undefined on an empty ring. */
  nodeFor(key: string): string | undefined {
    return this.nodeAt(ringPoint(key));
  }

  /** nodeFor() for a key already hashed with ringPoint() (lets callers hash once for several rings). */
  nodeAt(h: number): string | undefined {
    const { points } = this;
    if (points.length === 0) return undefined;
    let lo = 0;
    let hi = points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (points[mid] < h) lo = mid + 1;
      else hi = mid;
    }
    return this.owners[lo === points.length ? 0 : lo];
  }

  /** Node ids on the ring, sorted. */
  get nodes(): readonly string[] {
    return this.ids;
  }
}
