import { SwitchboardApiError } from '@switchboard/client';
import { TcpFaultProxy, EVENTUALLY_MS, waitFor } from '@app/testing';
import { DedicatedRocketMq } from './dedicated-rocketmq';
import { befriend, chatBodies, collectMessages, SplitCluster, TestUser } from './split-cluster';

/**
 * The split when PostgreSQL, RocketMQ or Elasticsearch goes away while it runs: 503s on the send path, never a 201 for
 * a message that was not published, and every app recovers by itself. The outage is this cluster's alone, while the
 * other suites keep the shared engines: PostgreSQL and Elasticsearch are reached through a TcpFaultProxy that is cut,
 * and RocketMQ is a broker of this suite's own that is SIGKILLed and started again.
 */
describe('the split when an engine goes away while running', () => {
  let cluster: SplitCluster;
  let postgres: TcpFaultProxy;
  let rocketmq: DedicatedRocketMq;
  let elasticsearch: TcpFaultProxy;

  beforeAll(async () => {
    [postgres, elasticsearch, rocketmq] = await Promise.all([
      TcpFaultProxy.start({ host: '127.0.0.1', port: 5432 }),
      TcpFaultProxy.start({ host: '127.0.0.1', port: Number(new URL(esUrl()).port || 9200) }),
      DedicatedRocketMq.start(),
    ]);
    cluster = await SplitCluster.start({
      env: { PUBLISH_TIMEOUT_MS: '2000' },
      via: { postgres: postgres.address, elasticsearch: elasticsearch.address },
      rocketmq: { endpoints: rocketmq.endpoints, namesrvPort: rocketmq.namesrvPort },
    });
  }, 240_000);

  afterEach(async () => {
    // a failed test must not leave the next one without its engines
    await Promise.all([postgres.restore(), elasticsearch.restore(), rocketmq.up()]);
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
    await Promise.all([postgres?.stop(), elasticsearch?.stop(), rocketmq?.stop()]);
  }, 60_000);

  function esUrl(): string {
    return process.env.ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
  }

  async function pair(): Promise<[TestUser, TestUser]> {
    const [alice, bob] = [await cluster.user('outage'), await cluster.user('outage')];
    await befriend(alice, bob);
    return [alice, bob];
  }

  const unavailable = { status: 503, body: { statusCode: 503, code: 'DEPENDENCY_UNAVAILABLE' } };

  /** /health is 503 in the one error format, naming the dependency that is down. */
  async function expectHealthDown(dependency: string): Promise<void> {
    const health = await fetch(`${cluster.gatewayUrl}/health`);
    expect(health.status).toBe(503);
    const body = (await health.json()) as { code: string; message: string; details: Record<string, unknown> };
    expect(body).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', details: { [dependency]: { status: 'down' } } });
    expect(body.message).toContain(dependency);
    expect(body.details.redis).toEqual({ status: 'up' });
  }

  /** Retries `call` until it succeeds: what a client does after a 503. */
  async function eventually<T>(call: () => Promise<T>, what: string, timeoutMs = 60_000): Promise<T> {
    let result: T | undefined;
    let last: unknown;
    await waitFor(
      async () => {
        try {
          result = await call();
          return true;
        } catch (error) {
          last = error;
          return false;
        }
      },
      timeoutMs,
      what,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last error: ${String(last)}`);
    });
    return result as T;
  }

  it('RocketMQ: every send answers 503 — never 201 — while the broker is down; sends and storage recover by themselves', async () => {
    const [alice, bob] = await pair();
    const seen = collectMessages(bob);
    await bob.connect();
    await alice.sendToUser(bob.userId, 'before');
    await waitFor(() => chatBodies(seen).includes('before'), EVENTUALLY_MS, 'before');

    await rocketmq.kill();
    for (let i = 0; i < 3; i++) {
      await expect(alice.sendToUser(bob.userId, `lost ${i}`, `mq-outage-${i}`)).rejects.toMatchObject(unavailable);
    }
    await rocketmq.up();
    // the restarted broker's JVM runs with up.sh's default timer slack on every thread (INFRA_TIMER_SLACK_NS)
    expect(new Set(rocketmq.brokerTimerSlacksNs())).toEqual(new Set([20_000_000]));

    const after = await eventually(() => alice.sendToUser(bob.userId, 'after', 'mq-after'), 'a send succeeds again');
    await waitFor(() => chatBodies(seen).includes('after'), EVENTUALLY_MS, 'after delivered');
    // the refused sends never show up anywhere: their seqs were burnt, and the client moved past them
    expect(chatBodies(seen)).toEqual(['before', 'after']);
    // the push of 'after' and the resync over the burnt seqs may both carry it: shown once all the same
    expect(new Set(seen.map((m) => m.seq)).size).toBe(seen.length);
    // a refused clientMsgId is free again: the retry is a new message, not the 503 replayed
    const retried = await alice.sendToUser(bob.userId, 'lost 0, retried', 'mq-outage-0');
    expect(retried.seq).toBeGreaterThan(after.seq);
    // both consumer groups of the storage-worker came back too: history and the offline inbox
    await waitFor(
      async () => (await bob.history(after.conversationId)).items.some((m) => m.messageId === retried.messageId),
      45_000,
      'history indexed after the outage',
    );
    bob.disconnect();
    const offline = await alice.sendToUser(bob.userId, 'while bob is offline');
    await waitFor(
      async () => (await bob.inbox(bob.lastSeq)).entries.some((e) => e.messageId === offline.messageId),
      45_000,
      'offline inbox written after the outage',
    );
  }, 240_000);

  it('Elasticsearch: sends still succeed, history and search answer 503, and what was sent meanwhile is indexed when it returns', async () => {
    const [alice, bob] = await pair();
    const seen = collectMessages(bob);
    await bob.connect();

    await elasticsearch.cut();
    const sent = await alice.sendToUser(bob.userId, 'quince while the index is down');
    await waitFor(
      () => chatBodies(seen).includes('quince while the index is down'),
      EVENTUALLY_MS,
      'live despite the outage',
    );
    await expect(bob.history(sent.conversationId)).rejects.toMatchObject(unavailable);
    await expect(bob.search('quince')).rejects.toMatchObject(unavailable);
    await expectHealthDown('elasticsearch');

    await elasticsearch.restore();
    // the history consumer did not ack: the broker hands the message back after the invisible duration
    const found = await eventually(async () => {
      const hits = await bob.search('quince', sent.conversationId);
      if (!hits.some((m) => m.messageId === sent.messageId)) throw new Error('not indexed yet');
      return hits;
    }, 'indexed after Elasticsearch returned');
    expect(found.filter((m) => m.messageId === sent.messageId)).toHaveLength(1);
    expect((await fetch(`${cluster.gatewayUrl}/health`)).status).toBe(200);
  }, 150_000);

  it('PostgreSQL: calls that need it answer 503, never 500, and succeed again when it returns', async () => {
    const [alice, bob] = await pair();

    await postgres.cut();
    await expect(alice.friends()).rejects.toMatchObject(unavailable);
    const send = await alice.sendToUser(bob.userId, 'needs the social graph').catch((e: unknown) => e);
    expect(send).toBeInstanceOf(SwitchboardApiError);
    expect(send).toMatchObject(unavailable);
    await expectHealthDown('postgres');

    await postgres.restore();
    const friends = await eventually(() => alice.friends(), 'the pool reconnects');
    expect(friends.map((f) => f.id)).toEqual([bob.userId]);
    const ok = await alice.sendToUser(bob.userId, 'the graph is back');
    expect(ok.messageId).toEqual(expect.any(String));
    await waitFor(
      async () => (await fetch(`${cluster.gatewayUrl}/health`)).status === 200,
      EVENTUALLY_MS,
      'healthy again',
    );
  }, 120_000);

  it('no app exited by itself through the outages above', () => {
    expect(cluster.crashes).toEqual([]);
  });
});
