import { SwitchboardClient } from '@app/sdk';
import { PushMessage } from '@app/protocol';
import { waitFor } from '@app/testing';
import { FuzzCase, OpenApiDocument, OpenApiFuzzer } from './openapi-fuzzer';
import { befriend, collect, newUser, RunningStandalone, startStandalone } from './standalone-harness';

/** CI runs a bounded fuzz; `npm run fuzz` a larger one (FUZZ_CASES, FUZZ_SEED). */
const CASES = Number(process.env.FUZZ_CASES ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const CONCURRENCY = 8;

/**
 * Issue 10 item 2: requests generated from `/docs-json` (every operation), mutated, against the one-process server:
 * never a 5xx, every 4xx in the error format, and afterwards the server still answers and a normal send delivers.
 */
describe('fuzzing the one-process server from its OpenAPI document', () => {
  let server: RunningStandalone;
  let alice: SwitchboardClient;
  let bob: SwitchboardClient;

  beforeAll(async () => {
    server = await startStandalone({ LOG_LEVEL: 'fatal' });
    [alice, bob] = [await newUser(server.baseUrl, 'fz'), await newUser(server.baseUrl, 'fz')];
    await befriend(alice, bob);
  }, 120_000);
  afterAll(async () => {
    alice.disconnect();
    bob.disconnect();
    await server.destroy();
  }, 60_000);

  async function run(c: FuzzCase): Promise<{ status: number; text: string }> {
    const res = await fetch(`${server.baseUrl}${c.path}`, {
      method: c.method,
      headers: {
        authorization: `Bearer ${alice.http.token}`,
        ...(c.body !== undefined && { 'content-type': 'application/json' }),
      },
      body: c.body,
    });
    return { status: res.status, text: await res.text() };
  }

  it(`answers ${CASES} generated cases (seed ${SEED}) without a 5xx, every 4xx in the error format`, async () => {
    const doc = (await (await fetch(`${server.baseUrl}/docs-json`)).json()) as OpenApiDocument;
    const group = await alice.createGroup('fuzz');
    const { messageId } = await alice.sendToUser(bob.userId, 'seed message');
    const known = [alice.userId, bob.userId, group.id, messageId, `d:${[alice.userId, bob.userId].sort().join(':')}`];
    // logout would end the fuzzing session; it is covered by its own tests
    const fuzzer = new OpenApiFuzzer(doc, SEED, known, (method, path) => method === 'POST' && /logout$/.test(path));
    expect(fuzzer.operations().length).toBeGreaterThan(30);

    const failures: string[] = [];
    const seenOps = new Set<string>();
    const cases = fuzzer.cases(CASES);
    const worker = async () => {
      for (let next = cases.next(); !next.done; next = cases.next()) {
        const c = next.value;
        seenOps.add(`${c.method} ${c.path.split('?')[0]}`);
        const { status, text } = await run(c);
        const name = `${c.method} ${c.path.slice(0, 120)} [${c.label}] → ${status} ${text.slice(0, 200)}`;
        if (status >= 500) failures.push(name);
        else if (status >= 400) {
          let body: Record<string, unknown> = {};
          try {
            body = JSON.parse(text) as Record<string, unknown>;
          } catch {
            failures.push(`not JSON: ${name}`);
            continue;
          }
          const shaped =
            body.statusCode === status &&
            typeof body.error === 'string' &&
            typeof body.code === 'string' &&
            body.message !== undefined &&
            typeof body.requestId === 'string';
          if (!shaped) failures.push(`bad error shape: ${name}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(failures.slice(0, 20)).toEqual([]);

    // still alive, and a normal send still delivers
    expect((await fetch(`${server.baseUrl}/health`)).status).toBe(200);
    const received: PushMessage[] = collect(bob);
    await bob.connect();
    const sent = await alice.sendToUser(bob.userId, 'after the fuzz');
    await waitFor(() => received.some((m) => m.messageId === sent.messageId), 30_000, 'the send after the fuzz');
  }, 900_000);
});
