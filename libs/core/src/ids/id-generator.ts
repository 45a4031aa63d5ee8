import { randomFillSync } from 'node:crypto';

// UUIDv7 (RFC 9562) written here rather than taken from the uuid package, which libs/core may not import (see
// docs/architecture.md, 'Import rules'). Same layout and same monotonic counter as uuid's v7.

/** Random bytes are drawn 256 at a time: one call into the system's generator per 16 ids. */
const pool = new Uint8Array(256);
let poolOffset = pool.length;
/** Millisecond of the last id, and its 32-bit counter (random at each new millisecond, then +1 per id). */
let lastMs = -Infinity;
let counter = 0;

function random16(): Uint8Array {
  if (poolOffset > pool.length - 16) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  return pool.slice(poolOffset, (poolOffset += 16));
}

/** Time-ordered, globally unique ids (UUIDv7): they sort by creation time, so they double as history cursors. */
export function newTimeOrderedId(): string {
  const random = random16();
  const now = Date.now();
  if (now > lastMs) {
    counter = (random[6] << 23) | (random[7] << 16) | (random[8] << 8) | random[9];
    lastMs = now;
  } else {
    // same millisecond, or the clock went back: keep counting, so ids of this process keep their order
    counter = (counter + 1) | 0;
    if (counter === 0) lastMs++;
  }
  return formatV7(lastMs, counter, random);
}

/** 48 bits of milliseconds, version 7, 12 + 2 + 18 bits of counter (around the variant bits), 42 random bits. */
function formatV7(ms: number, seq: number, random: Uint8Array): string {
  const b = new Uint8Array(16);
  b[0] = (ms / 0x10000000000) & 0xff;
  b[1] = (ms / 0x100000000) & 0xff;
  b[2] = (ms / 0x1000000) & 0xff;
  b[3] = (ms / 0x10000) & 0xff;
  b[4] = (ms / 0x100) & 0xff;
  b[5] = ms & 0xff;
  b[6] = 0x70 | ((seq >>> 28) & 0x0f);
  b[7] = (seq >>> 20) & 0xff;
  b[8] = 0x80 | ((seq >>> 14) & 0x3f);
  b[9] = (seq >>> 6) & 0xff;
  b[10] = ((seq << 2) & 0xff) | (random[10] & 0x03);
  b.set(random.subarray(11, 16), 11);
  const hex = Buffer.from(b).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
