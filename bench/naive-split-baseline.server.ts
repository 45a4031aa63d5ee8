/**
 * The naive baseline of the split benchmark (see docs/architecture.md, 'Cost per message'): one socket.io process of
 * several behind @socket.io/redis-adapter. `POST /send {to, body, id}` emits the message to the room of user `to` (on
 * whichever process holds them) and answers 201; no auth, storage, ordering or acks beyond reading them off the socket.
 *
 *   PORT=4001 REDIS_URL=redis://127.0.0.1:6379/9 CHANNEL=naive-1 node -r ts-node/register bench/naive-split-baseline.server.ts
 */
import { createAdapter } from '@socket.io/redis-adapter';
import Redis from 'ioredis';
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.env.PORT ?? 4001);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const pub = new Redis(redisUrl);
const sub = pub.duplicate();

const http = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') return void res.writeHead(200).end('ok');
  if (req.method !== 'POST' || req.url !== '/send') return void res.writeHead(404).end();
  let raw = '';
  req.on('data', (chunk) => (raw += chunk));
  req.on('end', () => {
    const { to, body, id } = JSON.parse(raw) as { to: string; body: string; id: string };
    io.to(`user:${to}`).emit('message', { id, body, createdAt: Date.now() });
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id }));
  });
});
const io = new Server(http, {
  transports: ['websocket'],
  adapter: createAdapter(pub, sub, { key: process.env.CHANNEL ?? 'naive-baseline' }),
});
io.on('connection', (socket) => {
  void socket.join(`user:${String(socket.handshake.auth.userId)}`);
  socket.on('ack', () => undefined);
});
// longer than any pause of the load: a keep-alive socket closed under a request reads as a failed send
http.keepAliveTimeout = 60_000;
http.listen(port, '127.0.0.1', () => console.log(`naive baseline on ${port}`));
process.on('SIGTERM', () => {
  void io.close();
  pub.disconnect();
  sub.disconnect();
  process.exit(0);
});
