import { createServer, IncomingMessage, Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Server, Socket } from 'socket.io';
import { io as connect, Socket as ClientSocket } from 'socket.io-client';
import { keepUpgradeResponse, releaseUpgradeRequest } from './upgrade-request';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Whether the object behind `ref` survives full collections (WeakRefs clear only between jobs: awaited in between). */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 5 && ref.deref(); i++) {
    await new Promise((r) => setImmediate(r));
    gc();
  }
  return ref.deref() === undefined;
}

/** A real socket.io server and client over loopback, as a push node and a client hold them. */
describe('releaseUpgradeRequest', () => {
  let http: HttpServer;
  let server: Server;
  let client: ClientSocket | undefined;
  let onConnection: (socket: Socket) => void;

  beforeEach(async () => {
    http = createServer();
    server = new Server(http, { transports: ['websocket'], perMessageDeflate: false });
    server.engine.use(keepUpgradeResponse);
    server.on('connection', (socket) => onConnection(socket));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    client?.disconnect();
    await new Promise((resolve) => server.close(resolve));
  });

  const open = async (release: boolean) => {
    const seen = new Promise<{ request: WeakRef<IncomingMessage>; socket: Socket }>((resolve) => {
      onConnection = (socket) => {
        const request = new WeakRef(socket.conn.request);
        if (release) releaseUpgradeRequest(socket);
        resolve({ request, socket });
      };
    });
    const { port } = http.address() as AddressInfo;
    client = connect(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      auth: { token: 'a-token' },
      reconnection: false,
    });
    return seen;
  };

  it('lets the upgrade request go while the connection stays open, and keeps only the address', async () => {
    const { request, socket } = await open(true);
    expect(await collected(request)).toBe(true);
    expect(socket.connected).toBe(true);
    expect(socket.handshake.address).toMatch(/127\.0\.0\.1/);
    expect(socket.handshake.auth).toEqual({});
    expect(socket.handshake.headers).toEqual({});
    // the connection still works both ways
    const echoed = new Promise((resolve) => client!.once('pong-back', resolve));
    socket.on('ping-here', (body: string) => socket.emit('pong-back', body));
    client!.emit('ping-here', 'hi');
    await expect(echoed).resolves.toBe('hi');
  });

  it('(without it, the engine holds the request for as long as the connection lasts)', async () => {
    const { request, socket } = await open(false);
    (socket.conn as unknown as { request: unknown }).request = null; // what the gateway used to do
    expect(await collected(request)).toBe(false);
  });
});
