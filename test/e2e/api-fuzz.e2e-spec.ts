import { directConversationId } from '@app/protocol';
import { SwitchboardClient } from '@switchboard/client';
import * as fc from 'fast-check';
import * as jwt from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiFuzzer, FuzzOperation, FuzzRequest, OpenApiDocument, operationsOf } from './api-fuzz';
import { befriend, newUser, RunningStandalone, startStandalone } from './standalone-harness';

/**
 * Every operation of the published API document (`/docs-json`), driven with generated requests: wrong types, values at
 * and past their bounds, unknown keys, hostile strings, malformed and deeply nested bodies, bad tokens and ids of real
 * and missing things. Whatever comes in, the answer is never a 5xx, and every refusal is in the one error format with a
 * correlation id and no stack trace. Seeded: FUZZ_SEED replays a run, FUZZ_RUNS (cases per operation) makes it longer.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 64);

interface Answer {
  status: number;
  text: string;
}

/** Why an answer breaks the contract, or undefined when it keeps it. */
function breachOf({ status, text }: Answer): string | undefined {
  if (status >= 500) return `answered ${status}: ${text.slice(0, 300)}`;
  if (/\n\s+at [\w.<]/.test(text) || /\.(ts|js):\d+/.test(text))
    return `a stack trace reached the client: ${text.slice(0, 300)}`;
  if (status < 400) return undefined;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    return `refusal ${status} is not JSON: ${text.slice(0, 100)}`;
  }
  const message = body.message;
  const messageOk =
    typeof message === 'string' || (Array.isArray(message) && message.every((m) => typeof m === 'string'));
  if (body.statusCode !== status) return `statusCode ${String(body.statusCode)} differs from ${status}`;
  if (typeof body.error !== 'string' || typeof body.code !== 'string' || !/^[A-Z][A-Z_]*$/.test(body.code))
    return `error/code missing or malformed: ${text.slice(0, 200)}`;
  if (!messageOk) return `message missing: ${text.slice(0, 200)}`;
  if (typeof body.requestId !== 'string' || !body.requestId) return `no requestId: ${text.slice(0, 200)}`;
  return undefined;
}

describe('fuzzing every operation of /docs-json on the one-process server', () => {
  let server: RunningStandalone;
  let alice: SwitchboardClient;
  let bob: SwitchboardClient;
  let carol: SwitchboardClient;
  let sentId: string;

  beforeAll(async () => {
    // refusals are logged at warn: thousands of them would bury the test output
    server = await startStandalone({ LOG_LEVEL: 'error' });
    [alice, bob, carol] = [
      await newUser(server.baseUrl, 'fz'),
      await newUser(server.baseUrl, 'fz'),
      await newUser(server.baseUrl, 'fz'),
    ];
    await befriend(alice, bob);
    sentId = (await alice.sendToUser(bob.userId, 'before the fuzz')).messageId;
  });

  afterAll(async () => {
    for (const c of [alice, bob, carol]) c?.disconnect();
    await server?.destroy();
  });

  async function send(request: FuzzRequest): Promise<Answer> {
    const res = await fetch(`${server.baseUrl}${request.url}`, {
      method: request.method,
      headers: request.headers,
      body: request.method === 'GET' ? undefined : request.body,
    });
    return { status: res.status, text: await res.text() };
  }

  it(
    'answers every generated request with a 2xx or a well-formed 4xx, and keeps what was stored',
    async () => {
      const doc = (await (await fetch(`${server.baseUrl}/docs-json`)).json()) as OpenApiDocument;
      // logging out revokes the caller's token: do it last so the other operations get past authentication
      const operations = operationsOf(doc).sort(
        (a, b) => Number(a.path.endsWith('/logout')) - Number(b.path.endsWith('/logout')),
      );
      expect(operations.length).toBeGreaterThanOrEqual(40);

      const group = await alice.createGroup('fuzzed');
      await alice.invite(group.id, bob.userId);
      const friendRequest = await carol.requestFriend(alice.userId, 'hi');
      const joinRequest = await carol.requestToJoin(group.id, 'let me in');
      const secret = readFileSync(join(server.dataDir, 'jwt-secret'), 'utf8').trim();
      const claims = {
        sub: alice.userId,
        usr: alice.session!.user.username,
        node: alice.session!.node.id,
        jti: randomUUID(),
      };
      const fuzzer = new ApiFuzzer(doc, {
        ids: [alice.userId, bob.userId, carol.userId, group.id, sentId, friendRequest.id, joinRequest.id, randomUUID()],
        tokens: [alice.http.token!, alice.http.token!, bob.http.token!, carol.http.token!],
        badTokens: [
          jwt.sign(claims, 'another-secret-that-is-long-enough-to-look-real', { expiresIn: 3600 }),
          jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }, secret),
          jwt.sign({ ...claims, sub: randomUUID() }, secret, { expiresIn: 3600 }),
          'a.b.c',
        ],
      });

      const breaches: string[] = [];
      const statuses = new Map<string, Map<number, number>>();
      let cases = 0;
      for (const op of operations) {
        const seen = new Map<number, number>();
        statuses.set(`${op.method} ${op.path}`, seen);
        const result = await fc.check(
          fc.asyncProperty(fuzzer.requests(op), async (request) => {
            const answer = await send(request);
            cases++;
            seen.set(answer.status, (seen.get(answer.status) ?? 0) + 1);
            const breach = breachOf(answer);
            if (breach) throw new Error(breach);
          }),
          { seed: SEED, numRuns: RUNS_PER_OPERATION },
        );
        if (result.failed) breaches.push(describeFailure(op, result));
      }

      expect(breaches).toEqual([]);
      expect(cases).toBeGreaterThanOrEqual(operations.length * RUNS_PER_OPERATION);
      // the cases reached past authentication on every protected operation, and some were accepted
      const neverAuthenticated = operations
        .filter((op) => op.authenticated)
        .map((op) => `${op.method} ${op.path}`)
        .filter((key) => [...statuses.get(key)!.keys()].every((status) => status === 401));
      expect(neverAuthenticated).toEqual([]);
      const accepted = [...statuses.values()].reduce(
        (n, seen) => n + [...seen].filter(([s]) => s < 300).reduce((m, [, c]) => m + c, 0),
        0,
      );
      expect(accepted).toBeGreaterThan(0);

      // still up, and what was stored before is intact
      expect((await fetch(`${server.baseUrl}/health`)).status).toBe(200);
      await bob.login(bob.session!.user.username, 'password-123'); // the fuzzed logout revoked bob's token
      const page = await bob.history(directConversationId(alice.userId, bob.userId));
      expect(page.items.map((m) => m.messageId)).toContain(sentId);
    },
    120_000 + RUNS_PER_OPERATION * 50 * 50,
  );
});

function describeFailure(op: FuzzOperation, result: fc.RunDetails<[FuzzRequest]>): string {
  const [request] = result.counterexample ?? [undefined];
  const reason = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
  return `${op.method} ${op.path}: ${reason}\n  replay: FUZZ_SEED=${result.seed} path ${result.counterexamplePath}\n  request: ${JSON.stringify(request)?.slice(0, 600)}`;
}
