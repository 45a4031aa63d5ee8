// Prints the gzipped size of the JavaScript the first page load needs (index.html's entry and its static imports).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = new URL('../../../dist/web/', import.meta.url).pathname;
const html = readFileSync(join(dir, 'index.html'), 'utf8');
const initial = [...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="\/([^"]+\.js)"/g)].map((m) => m[1]);
const LIMIT = 500 * 1024;
let total = 0;
for (const file of initial) {
  const size = gzipSync(readFileSync(join(dir, file))).length;
  total += size;
  console.log(`  ${file}: ${(size / 1024).toFixed(1)} KB gzipped`);
}
console.log(`web: initial JavaScript ${(total / 1024).toFixed(1)} KB gzipped (limit ${LIMIT / 1024} KB)`);
if (total > LIMIT) {
  console.error('web: the initial JavaScript is over the limit');
  process.exit(1);
}
