/**
 * The naive baseline (see docs/architecture.md, 'Cost per message'), run as its own process by the benches: socket.io
 * with @socket.io/redis-adapter, a client joins its user's room from `auth.userId`, and `POST /send {to, body}` emits
 * to that room. No auth, storage or acks (a client's `ack` is received and ignored). It answers `GET /health` so the
 * benches can wait for it.
 *
 *   PORT=3979 REDIS_URL=redis://127.0.0.1:6379 node -r ts-node/register/transpile-only bench/naive-baseline.server.ts
 */
import { createAdapter } from '@socket.io/redis-adapter';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const PORT = Number(process.env.PORT ?? 3979);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const pub = new Redis(REDIS_URL);
const sub = pub.duplicate();
const http = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') return void res.end('ok');
  if (req.method !== 'POST' || req.url !== '/send') return void ((res.statusCode = 404), res.end());
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const { to, body } = JSON.parse(Buffer.concat(chunks).toString()) as { to: string; body: string };
    io.to(`user:${to}`).emit('message', { body, createdAt: new Date().toISOString() });
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
});
// a channel prefix of its own: pub/sub channels are shared by every database of the Redis server
const io = new Server(http, { adapter: createAdapter(pub, sub, { key: `bench-naive-${randomBytes(4).toString('hex')}` }) });
io.on('connection', (socket) => {
  void socket.join(`user:${String((socket.handshake.auth as { userId?: unknown }).userId)}`);
  socket.on('ack', () => undefined);
});
http.listen(PORT, '127.0.0.1');
process.on('SIGTERM', () => {
  io.close();
  pub.disconnect();
  sub.disconnect();
  process.exit(0);
});
