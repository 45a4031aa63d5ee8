import { Clock } from './clock';

/**
 * Ids that each stop counting at their own expiry (epoch ms, on the given clock): the in-memory mirror of revoked
 * tokens. An expired id is dropped when it is met, and all of them are swept whenever the set has doubled, so it never
 * outgrows the live ones by more than twice.
 */
export class ExpiringSet {
  private readonly expiries = new Map<string, number>();
  private sweepAtSize = 1024;

  constructor(private readonly clock: Clock) {}

  add(id: string, expiresAt: number): void {
    const now = this.clock.now();
    if (expiresAt <= now) return;
    this.expiries.set(id, expiresAt);
    if (this.expiries.size >= this.sweepAtSize) this.sweep(now);
  }

  has(id: string): boolean {
    const expiresAt = this.expiries.get(id);
    if (expiresAt === undefined) return false;
    if (expiresAt > this.clock.now()) return true;
    this.expiries.delete(id);
    return false;
  }

  private sweep(now: number): void {
    for (const [id, expiresAt] of this.expiries) if (expiresAt <= now) this.expiries.delete(id);
    this.sweepAtSize = Math.max(1024, this.expiries.size * 2);
  }
}
