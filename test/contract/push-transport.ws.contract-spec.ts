import { newTimeOrderedId, PushBatch } from '@app/core';
import { freePort, EVENTUALLY_MS, waitFor } from '@app/testing';
import { InternalPushServer, NodeAddressCache, NodeAddresses, WsPushTransport } from '@app/transport';
import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { pushBatch, pushTransportContract } from './suites/push-transport.contract';

const SECRET = randomBytes(24).toString('hex');

/**
 * The split: message-dispatch's transport over one internal WebSocket per node, into the node's InternalPushServer,
 * both over real sockets on 127.0.0.1. Node addresses come through the NodeAddressCache, as in message-dispatch
 * (there over the Redis registry's live nodes; here over the nodes this test started).
 */
describe('PushTransport — internal WebSocket (cluster)', () => {
  const servers: InternalPushServer[] = [];
  const transports: WsPushTransport[] = [];
  const live = new Map<string, NodeAddresses>();

  const startNode = async (onBatch: (batch: PushBatch) => void, port = 0, secret = SECRET) => {
    const server = new InternalPushServer({ port, host: '127.0.0.1', secret }, onBatch);
    servers.push(server);
    return { server, port: await server.listen() };
  };
  const addNode = (id: string, port: number) =>
    live.set(id, {
      id,
      publicUrl: `http://${id}.test:3100`,
      peerUrl: `http://${id}.internal:3100`,
      internalUrl: `ws://127.0.0.1:${port}`,
    });
  const newTransport = (secret = SECRET) => {
    const addresses = new NodeAddressCache(async () => [...live.values()]);
    const transport = new WsPushTransport(async (nodeId) => (await addresses.get(nodeId))?.internalUrl, secret);
    transports.push(transport);
    return transport;
  };

  beforeAll(() => Logger.overrideLogger(['error'])); // a node going away is expected to warn
  afterAll(async () => {
    transports.forEach((t) => t.close());
    await Promise.all(servers.map((s) => s.close()));
  });

  pushTransportContract({
    create: async (onBatch) => {
      const nodeId = `n-${newTimeOrderedId()}`;
      addNode(nodeId, (await startNode(onBatch)).port);
      return { transport: newTransport(), nodeId };
    },
    unknownNode: 'rejects',
    close: async () => undefined,
  });

  describe('between nodes', () => {
    it('sends each node only its own batches, each node in order', async () => {
      const got = new Map<string, string[]>();
      const ids = [`n-${newTimeOrderedId()}`, `n-${newTimeOrderedId()}`, `n-${newTimeOrderedId()}`];
      for (const id of ids) {
        got.set(id, []);
        addNode(id, (await startNode((b) => got.get(id)!.push(b.message.messageId))).port);
      }
      const transport = newTransport();
      const sent = new Map(ids.map((id) => [id, [] as string[]]));
      const deliveries: Promise<void>[] = [];
      for (let i = 0; i < 60; i++) {
        const id = ids[(i * 7) % 3];
        const batch = pushBatch([[`user-${i}`, i + 1]]);
        sent.get(id)!.push(batch.message.messageId);
        deliveries.push(transport.deliver(id, batch));
        if (i % 10 === 9) await Promise.all(deliveries.splice(0));
      }
      await Promise.all(deliveries);
      for (const id of ids) await waitFor(() => got.get(id)!.length >= sent.get(id)!.length, EVENTUALLY_MS, id);
      for (const id of ids) expect(got.get(id)).toEqual(sent.get(id));
    });

    it('reaches a node again after it restarted on its address', async () => {
      const got: string[] = [];
      const id = `n-${newTimeOrderedId()}`;
      const port = await freePort();
      const first = await startNode((b) => got.push(b.message.messageId), port);
      addNode(id, port);
      const transport = newTransport();
      const before = pushBatch([['bob', 1]]);
      await transport.deliver(id, before);
      await waitFor(() => got.includes(before.message.messageId), EVENTUALLY_MS, 'the first batch');

      await first.server.close();
      // while it is down, a delivery fails (or is lost): best effort
      await transport.deliver(id, pushBatch([['bob', 2]])).catch(() => undefined);
      await startNode((b) => got.push(b.message.messageId), port);

      // the transport reconnects on a later delivery: try until one gets through
      const after: string[] = [];
      await waitFor(
        async () => {
          const batch = pushBatch([['bob', 3]]);
          after.push(batch.message.messageId);
          await transport.deliver(id, batch).catch(() => undefined);
          await new Promise((r) => setTimeout(r, 100));
          return after.some((m) => got.includes(m));
        },
        EVENTUALLY_MS,
        'a batch through the new socket',
      );
    });

    it('rejects, delivering nothing, when the node refuses its secret', async () => {
      const got: PushBatch[] = [];
      const id = `n-${newTimeOrderedId()}`;
      addNode(id, (await startNode((b) => got.push(b))).port);
      await expect(newTransport('x'.repeat(48)).deliver(id, pushBatch([['bob', 1]]))).rejects.toThrow(/401/);
      // the same node takes the right secret, so nothing was lost to a broken server
      const ok = pushBatch([['bob', 2]]);
      await newTransport().deliver(id, ok);
      await waitFor(() => got.length > 0, EVENTUALLY_MS, 'the batch with the right secret');
      expect(got).toEqual([ok]);
    });

    it('rejects when a registered node does not listen', async () => {
      const id = `n-${newTimeOrderedId()}`;
      addNode(id, await freePort());
      await expect(newTransport().deliver(id, pushBatch([['bob', 1]]))).rejects.toThrow();
    });
  });
});
