import { createServer } from 'node:net';

/** Binds 127.0.0.1:`port` (0: any) and lets it go; resolves with the port bound, or undefined if it is taken. */
function probe(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });
}

// Below the kernel's ephemeral range (32768+ here): a port handed out there is free again between this probe and the
// app's bind, and any outgoing connection on the box (an app's pool to PostgreSQL, a gRPC channel) may take it in that
// gap — a CI run lost a netty-node to EADDRINUSE that way. Nothing picks ports down here by itself. The RocketMQ
// brokers' own range (10909–10912) is left out; DedicatedRocketMq picks from 20000 up.
// Jest workers (CI runs two) draw from separate quarters, so two suites starting apps at once cannot pick alike.
const [LOW, HIGH] = ((): [number, number] => {
  const [from, to] = [11_000, 20_000];
  const worker = Number(process.env.JEST_WORKER_ID);
  if (!Number.isInteger(worker) || worker < 1) return [from, to];
  const quarter = (to - from) / 4;
  const start = from + ((worker - 1) % 4) * quarter;
  return [start, start + quarter];
})();
// handed out by this process: free again after the probe, so a later draw must not return it before its app binds
const handedOut = new Set<number>();

/** A TCP port free on 127.0.0.1 right now, never one this process handed out before. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if ((await probe(port)) !== undefined) return port;
  }
  throw new Error(`no free TCP port on 127.0.0.1 between ${LOW} and ${HIGH}`);
}

/** Whether `port` can be bound on 127.0.0.1 right now. */
export async function isPortFree(port: number): Promise<boolean> {
  return (await probe(port)) !== undefined;
}
