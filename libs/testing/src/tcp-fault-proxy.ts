import { createServer, Server, Socket } from 'node:net';
import { freePort } from './free-port';

/**
 * A TCP relay on 127.0.0.1 between an app and one engine, for outage tests that must not stop the shared engine
 * itself (other suites run against it at the same time). `cut()` resets every relayed connection and closes the
 * listener, so the app sees what a dead engine looks like: reset connections, then connection refused. `restore()`
 * listens again on the same port.
 */
export class TcpFaultProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpFaultProxy> {
    const proxy = new TcpFaultProxy(await freePort(), target);
    await proxy.restore();
    return proxy;
  }

  /** `host:port` of the relay, for a connection setting (DATABASE_URL's host, ELASTICSEARCH_URL). */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async restore(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => this.relay(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
    await closed;
  }

  stop(): Promise<void> {
    return this.cut();
  }

  private relay(client: Socket): void {
    const upstream = new Socket();
    this.sockets.add(client).add(upstream);
    const drop = () => {
      this.sockets.delete(client);
      this.sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    upstream.connect(this.target.port, this.target.host, () => {
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }
}
