import {
  ApiErrorBody,
  directConversationId,
  PushErrorCode,
  PushErrorEvent,
  PushMessage,
  WireType,
} from '@app/protocol';
import { SwitchboardClient } from '@switchboard/client';
import { EVENTUALLY_MS, waitFor } from '@app/testing';
import * as jwt from 'jsonwebtoken';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { io, Socket } from 'socket.io-client';
import { befriend, collect, newUser, RunningStandalone, startStandalone } from './standalone-harness';

interface Answer {
  status: number;
  body: ApiErrorBody & Record<string, unknown>;
}

/**
 * Hostile and malformed input: every case is a 4xx with `{statusCode, error, code, message}` naming the problem,
 * never a 500, and a refused request leaves nothing behind.
 */
describe('bad input on the one-process server', () => {
  let server: RunningStandalone;
  let alice: SwitchboardClient;
  let bob: SwitchboardClient;
  const clients: SwitchboardClient[] = [];
  const sockets: Socket[] = [];
  const statuses: number[] = [];
  const MISSING = '00000000-0000-7000-8000-000000000000';

  const user = async () => {
    const c = await newUser(server.baseUrl, 'bad');
    clients.push(c);
    return c;
  };

  /** Plain HTTP: `json` is serialized, `raw` is sent byte for byte; the token defaults to alice's, `null` sends none. */
  async function call(
    method: string,
    path: string,
    options: { json?: unknown; raw?: string; token?: string | null; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const token = options.token === undefined ? alice.http.token : options.token;
    const headers: Record<string, string> = { ...(token && { authorization: `Bearer ${token}` }) };
    let body: string | undefined;
    if (options.raw !== undefined || options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = options.raw ?? JSON.stringify(options.json);
    }
    const res = await fetch(`${server.baseUrl}${path.startsWith('/health') ? '' : '/api/v1'}${path}`, {
      method,
      headers: { ...headers, ...options.headers },
      body,
    });
    const text = await res.text();
    statuses.push(res.status);
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  const messageOf = (body: ApiErrorBody) => (Array.isArray(body.message) ? body.message.join('; ') : body.message);

  /** A 4xx in the one error format, optionally with a given code and a message naming the problem. */
  function expectProblem(
    answer: Answer,
    status: number,
    expected: { code?: string; mentions?: (string | RegExp)[] } = {},
  ) {
    expect({ status: answer.status, body: answer.body }).toMatchObject({
      status,
      body: {
        statusCode: status,
        error: expect.any(String),
        code: expected.code ?? expect.any(String),
        message: expect.anything(),
        // the correlation id, even for a body the parser refused before any route ran
        requestId: expect.stringMatching(/^[\w.:-]+$/),
      },
    });
    for (const m of expected.mentions ?? []) expect(messageOf(answer.body)).toMatch(m);
  }

  const send = (body: unknown, options: { to?: string; clientMsgId?: string } = {}) =>
    call('POST', '/messages', {
      json: { to: { userId: options.to ?? bob.userId }, body, clientMsgId: options.clientMsgId ?? randomUUID() },
    });
  /** Builds the JSON by hand so that `bodyJson` (already JSON text) reaches the server exactly as written. */
  const sendRaw = (bodyJson: string) =>
    call('POST', '/messages', {
      raw: `{"to":{"userId":"${bob.userId}"},"body":${bodyJson},"clientMsgId":"${randomUUID()}"}`,
    });

  const jwtSecret = () => readFileSync(join(server.dataDir, 'jwt-secret'), 'utf8').trim();
  const claimsOf = (c: SwitchboardClient) => ({
    sub: c.userId,
    usr: c.session!.user.username,
    node: c.session!.node.id,
    jti: randomUUID(),
  });

  function openSocket(auth?: Record<string, unknown>): Socket {
    const socket = io(server.baseUrl, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      ...(auth && { auth }),
    });
    sockets.push(socket);
    return socket;
  }

  /** Connects with `auth` and expects a 202 error event followed by a server disconnect. */
  function refusal(auth?: Record<string, unknown>): Promise<PushErrorEvent> {
    const socket = openSocket(auth);
    return new Promise((resolve, reject) => {
      let error: PushErrorEvent | undefined;
      const timer = setTimeout(
        () => reject(new Error(`no refusal within ${EVENTUALLY_MS} ms (error: ${JSON.stringify(error)})`)),
        EVENTUALLY_MS,
      );
      socket.on('error', (e: PushErrorEvent) => (error = e));
      socket.on('connected', () => reject(new Error('the node accepted the connection')));
      socket.on('connect_error', (e) => reject(e));
      socket.on('disconnect', (reason) => {
        clearTimeout(timer);
        if (!error) return reject(new Error(`disconnected (${reason}) without a 202 error event`));
        expect(reason).toBe('io server disconnect');
        resolve(error);
      });
    });
  }

  const nextEvent = <T>(socket: Socket, event: string, timeoutMs = EVENTUALLY_MS) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no '${event}' event within ${timeoutMs} ms`)), timeoutMs);
      socket.once(event, (payload: T) => (clearTimeout(timer), resolve(payload)));
    });

  beforeAll(async () => {
    server = await startStandalone({ LOG_LEVEL: 'error' });
    [alice, bob] = [await user(), await user()];
    await befriend(alice, bob);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.disconnect());
    clients.forEach((c) => c.disconnect());
    await server.destroy();
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    for (const raw of ['{"to": ', '{bad json}', "{'body': 'x'}", '{"body": "x",}', 'null', '"just a string"', '42']) {
      expectProblem(await call('POST', '/messages', { raw }), 400, { code: 'MALFORMED_JSON', mentions: [/JSON/] });
    }
    expectProblem(await call('POST', '/auth/login', { raw: '{"username":', token: null }), 400, {
      code: 'MALFORMED_JSON',
    });
  });

  it('refuses deeply nested JSON and huge arrays with 400 naming the problem, with or without a token', async () => {
    // nested ~1,500 deep (the array one is 3 KB): used to be a 500, a stack overflow in the validation pipe
    const deepObject = '{"a":'.repeat(1500) + '1' + '}'.repeat(1500);
    const deepArray = '['.repeat(1500) + ']'.repeat(1500);
    for (const raw of [deepArray, `{"username":${deepArray}}`, deepObject]) {
      expectProblem(await call('POST', '/auth/register', { raw, token: null }), 400, {
        code: 'BODY_TOO_DEEP',
        mentions: [/deep/],
      });
      expectProblem(await call('POST', '/messages', { raw }), 400, { code: 'BODY_TOO_DEEP', mentions: [/deep/] });
    }
    const wide = JSON.stringify({ to: { userId: bob.userId }, body: 'x', clientMsgId: 'c', many: Array(5000).fill(0) });
    expectProblem(await call('POST', '/messages', { raw: wide }), 400, {
      code: 'BODY_ARRAY_TOO_LONG',
      mentions: [/array/],
    });
  });

  it('names wrong types', async () => {
    expectProblem(await send(123), 400, { code: 'VALIDATION_FAILED', mentions: [/body/] });
    expectProblem(await send({ text: 'hi' }), 400, { mentions: [/body/] });
    expectProblem(await send(['hi']), 400, { mentions: [/body/] });
    expectProblem(await call('POST', '/messages', { json: { to: 'x', body: 'hi', clientMsgId: 'c1' } }), 400, {
      mentions: [/\bto\b/],
    });
    expectProblem(await call('POST', '/messages', { json: { to: null, body: 'hi', clientMsgId: 'c1' } }), 400, {
      mentions: [/\bto\b/],
    });
    expectProblem(
      await call('POST', '/messages', { json: { to: { userId: 42 }, body: 'hi', clientMsgId: 'c1' } }),
      400,
      { mentions: [/to\.userId/] },
    );
    expectProblem(
      await call('POST', '/messages', { json: { to: { userId: 'not-a-uuid' }, body: 'hi', clientMsgId: 'c1' } }),
      400,
      { mentions: [/to\.userId/] },
    );
    expectProblem(
      await call('POST', '/messages', { json: { to: { userId: bob.userId }, body: 'hi', clientMsgId: {} } }),
      400,
      { mentions: [/clientMsgId/] },
    );
    expectProblem(
      await call('POST', '/messages', {
        json: { to: { userId: bob.userId }, body: 'hi', clientMsgId: 'has spaces and ✓' },
      }),
      400,
      { mentions: [/clientMsgId/] },
    );
    expectProblem(
      await call('POST', '/messages', { json: [{ to: { userId: bob.userId }, body: 'hi', clientMsgId: 'c1' }] }),
      400,
    );
    expectProblem(
      await call('POST', '/auth/register', { json: { username: ['a'], password: 12345678 }, token: null }),
      400,
      { mentions: [/username/, /password/] },
    );
    expectProblem(await call('POST', '/friends/requests', { json: { userId: bob.userId, message: 7 } }), 400, {
      mentions: [/message/],
    });
  });

  it('names unknown fields instead of dropping them', async () => {
    const ok = { to: { userId: bob.userId }, body: 'hi', clientMsgId: 'c1' };
    expectProblem(await call('POST', '/messages', { json: { ...ok, senderId: alice.userId } }), 400, {
      mentions: [/senderId/],
    });
    expectProblem(await call('POST', '/messages', { json: { ...ok, to: { userId: bob.userId, admin: true } } }), 400, {
      mentions: [/admin/],
    });
    expectProblem(
      await call('POST', '/auth/register', {
        json: { username: 'someone_new', password: 'password-123', role: 'admin' },
        token: null,
      }),
      400,
      { mentions: [/role/] },
    );
    expectProblem(await call('POST', '/inbox/ack', { json: { seq: 0, extra: 1 } }), 400, { mentions: [/extra/] });
    expectProblem(await call('GET', `/inbox?after=0&sneaky=1`), 400, { mentions: [/sneaky/] });
  });

  it('names missing fields', async () => {
    expectProblem(await call('POST', '/messages', { json: {} }), 400, {
      code: 'VALIDATION_FAILED',
      mentions: [/\bto\b/, /body/, /clientMsgId/],
    });
    expectProblem(await call('POST', '/messages', { json: { to: {}, body: 'hi', clientMsgId: 'c1' } }), 400, {
      mentions: [/to\.userId/],
    });
    expectProblem(await call('POST', '/auth/register', { json: {}, token: null }), 400, {
      mentions: [/username/, /password/],
    });
    expectProblem(await call('POST', '/auth/login', { json: { username: 'x' }, token: null }), 400, {
      mentions: [/password/],
    });
    expectProblem(await call('POST', '/friends/requests', { json: {} }), 400, { mentions: [/userId/] });
    expectProblem(await call('POST', '/inbox/ack', { json: {} }), 400, { mentions: [/seq/] });
    expectProblem(await call('GET', '/users'), 400, { mentions: [/search/] });
    expectProblem(await call('GET', '/messages/search'), 400, { mentions: [/\bq\b/] });
  });

  it('refuses empty bodies: an empty message text, an empty request, a non-JSON request', async () => {
    expectProblem(await send(''), 400, { mentions: [/body/] });
    expectProblem(await call('POST', '/messages', { raw: '' }), 400, { mentions: [/body/] });
    const plain = await call('POST', '/messages', { headers: { 'content-type': 'text/plain' }, raw: 'hello' });
    expect(plain.status).toBeGreaterThanOrEqual(400);
    expect(plain.status).toBeLessThan(500);
    expectProblem(
      await call('POST', '/messages', {
        raw: '{"body":"x"}',
        headers: { 'content-type': 'application/json; charset=latin1' },
      }),
      415,
    );
  });

  it('limits sizes: a 2 MB request is 413, a 5,000-character message 400; 4,000 characters pass', async () => {
    expectProblem(await send('x'.repeat(2 * 1024 * 1024)), 413, { code: 'PAYLOAD_TOO_LARGE' });
    expectProblem(await send('y'.repeat(5000)), 400, { mentions: [/body/, /4000/] });
    expectProblem(await send('y'.repeat(4001)), 400, { mentions: [/body/] });
    expect((await send('z'.repeat(4000))).status).toBe(201);
  });

  it('refuses a lone surrogate and control characters, naming the field', async () => {
    expectProblem(await sendRaw('"half \\ud800 a pair"'), 400, { mentions: [/body/] });
    expectProblem(await sendRaw('"\\udc00"'), 400, { mentions: [/body/] });
    expectProblem(await sendRaw('"nul \\u0000 inside"'), 400, { mentions: [/body/] });
    expectProblem(await send('bell \u0007'), 400, { mentions: [/body/] });
    expectProblem(
      await call('POST', '/friends/requests', { raw: `{"userId":"${bob.userId}","message":"\\ud83d"}` }),
      400,
      { mentions: [/message/] },
    );
    expectProblem(
      await call('POST', '/auth/register', {
        raw: '{"username":"surrogate_user","password":"password-123","nickname":"\\ud800"}',
        token: null,
      }),
      400,
      { mentions: [/nickname/] },
    );
    expectProblem(await call('GET', `/messages/search?q=${encodeURIComponent('a\u0000b')}`), 400, {
      mentions: [/\bq\b/],
    });
  });

  it('accepts RTL, zero-width, emoji and combining characters and returns them exactly, live and in history', async () => {
    const texts = [
      'שלום עולם · مرحبا بالعالم · \u202Eevil\u202C \u200F',
      'zero\u200Bwidth\u200C non\u200Djoiner \uFEFF bom \u2060 wj',
      '👩‍👩‍👧‍👦 🏳️‍🌈 🇯🇵 👍🏽 😀 𝕳𝖊𝖑𝖑𝖔 𠜎',
      `e\u0301 vs é, n\u0303, Z\u0351\u0364\u0300\u0334a\u0308\u0316lgo${'a\u0300\u0301\u0302'.repeat(50)}`,
      'tab\there\nnew line\r\nand \u2028 separators \u2029 end',
    ];
    const seen: PushMessage[] = collect(bob);
    await bob.connect();
    const sent: Answer['body'][] = [];
    for (const text of texts) {
      const answer = await send(text);
      expect(answer.status).toBe(201);
      sent.push(answer.body);
    }
    const mine = () => seen.filter((m) => sent.some((s) => s.messageId === m.messageId));
    await waitFor(() => mine().length === texts.length, EVENTUALLY_MS, 'bob receives every text');
    const live = mine();
    expect(live.map((m) => m.body)).toEqual(texts);
    const history = await alice.history(directConversationId(alice.userId, bob.userId), { limit: texts.length });
    expect(history.items.map((m) => m.body).reverse()).toEqual(texts);
    for (const [i, text] of texts.entries())
      expect(Buffer.from(live[i].body!, 'utf8').equals(Buffer.from(text, 'utf8'))).toBe(true);
    bob.disconnect();
  });

  it('answers 404 for ids that do not exist and 400 for path ids that are not UUIDs', async () => {
    expectProblem(await send('hi', { to: MISSING }), 404, { code: 'USER_NOT_FOUND' });
    expectProblem(await call('POST', '/friends/requests', { json: { userId: MISSING } }), 404, {
      code: 'USER_NOT_FOUND',
    });
    expectProblem(await call('POST', `/friends/requests/${MISSING}/accept`), 404, { code: 'FRIEND_REQUEST_NOT_FOUND' });
    expectProblem(await call('POST', `/friends/requests/${MISSING}/reject`), 404, { code: 'FRIEND_REQUEST_NOT_FOUND' });
    expectProblem(await call('DELETE', `/friends/${MISSING}`), 404, { code: 'USER_NOT_FOUND' });
    expectProblem(await call('POST', `/blocks/${MISSING}`), 404, { code: 'USER_NOT_FOUND' });
    expectProblem(
      await call('GET', `/conversations/${encodeURIComponent(directConversationId(MISSING, randomUUID()))}/messages`),
      404,
      { code: 'CONVERSATION_NOT_FOUND' },
    );
    expectProblem(await call('GET', '/conversations/nonsense/messages'), 404, { code: 'CONVERSATION_NOT_FOUND' });
    expectProblem(await call('GET', '/no/such/route'), 404);
    expectProblem(await call('GET', '/conversations/%E0%A4%A/messages'), 400);
    expectProblem(await call('POST', '/friends/requests/%ZZ/accept'), 400);

    for (const [method, path] of [
      ['POST', '/friends/requests/not-a-uuid/accept'],
      ['POST', '/friends/requests/123/reject'],
      ['DELETE', '/friends/abc'],
      ['POST', '/blocks/abc'],
      ['DELETE', '/blocks/%27%20OR%201%3D1'],
    ]) {
      expectProblem(await call(method, path), 400, { mentions: [/UUID/i] });
    }
    expectProblem(
      await call(
        'GET',
        `/conversations/${encodeURIComponent(directConversationId(alice.userId, bob.userId))}/messages?before=abc`,
      ),
      400,
      { mentions: [/before/] },
    );
  });

  it('refuses forged, garbage, expired and missing tokens with 401', async () => {
    const me = (token: string | null, headers?: Record<string, string>) => call('GET', '/users/me', { token, headers });
    const forged = jwt.sign(claimsOf(alice), 'another-secret-that-is-long-enough-to-look-real', {
      algorithm: 'HS256',
      expiresIn: 3600,
    });
    expectProblem(await me(forged), 401, { code: 'UNAUTHENTICATED', mentions: [/invalid/] });
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    expectProblem(
      await me(`${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claimsOf(alice), exp: 4102444800 })}.`),
      401,
      { code: 'UNAUTHENTICATED' },
    );
    expectProblem(await me('garbage'), 401, { code: 'UNAUTHENTICATED' });
    expectProblem(await me('a.b.c'), 401, { code: 'UNAUTHENTICATED' });
    const expired = jwt.sign({ ...claimsOf(alice), exp: Math.floor(Date.now() / 1000) - 60 }, jwtSecret(), {
      algorithm: 'HS256',
    });
    expectProblem(await me(expired), 401, { code: 'UNAUTHENTICATED', mentions: [/expired/] });
    const { node: _node, ...noNode } = claimsOf(alice);
    expectProblem(await me(jwt.sign(noNode, jwtSecret(), { expiresIn: 60 })), 401, { code: 'UNAUTHENTICATED' });
    // well signed, but for nobody: refused at the edge, not by a foreign key deep in storage (found by the fuzz suite)
    const nobody = jwt.sign({ ...claimsOf(alice), sub: randomUUID() }, jwtSecret(), { expiresIn: 60 });
    expectProblem(await me(nobody), 401, { code: 'UNAUTHENTICATED', mentions: [/does not exist/] });
    expectProblem(await call('POST', '/groups', { json: { name: 'ghost town' }, token: nobody }), 401, {
      code: 'UNAUTHENTICATED',
    });
    expectProblem(await me(null), 401, { code: 'UNAUTHENTICATED', mentions: [/Authorization/] });
    expectProblem(await me(null, { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }), 401, {
      code: 'UNAUTHENTICATED',
    });
    expectProblem(await me(null, { authorization: 'Bearer' }), 401, { code: 'UNAUTHENTICATED' });
    expect((await me(alice.http.token!)).status).toBe(200);
  });

  it('validates inbox queries and acks', async () => {
    expectProblem(await call('GET', '/inbox?after=-1'), 400, { mentions: [/after/] });
    expectProblem(await call('GET', '/inbox?after=abc'), 400, { mentions: [/after/] });
    expectProblem(await call('GET', '/inbox?after=1.5'), 400, { mentions: [/after/] });
    expectProblem(await call('GET', '/inbox?after=1&after=2'), 400, { mentions: [/after/] });
    expectProblem(await call('GET', '/inbox?after[gt]=1'), 400, { mentions: [/after/] });
    expectProblem(await call('GET', '/users?search[]=a'), 400, { mentions: [/search/] });
    expectProblem(await call('GET', '/messages/search?q[$ne]=x'), 400, { mentions: [/\bq\b/] });
    expectProblem(await call('GET', '/inbox?limit=0'), 400, { mentions: [/limit/] });
    expectProblem(await call('GET', '/inbox?limit=100000'), 400, { mentions: [/limit/] });
    expectProblem(await call('POST', '/inbox/ack', { json: { seq: 'x' } }), 400, { mentions: [/seq/] });
    expectProblem(await call('POST', '/inbox/ack', { json: { seq: -1 } }), 400, { mentions: [/seq/] });
    expectProblem(await call('POST', '/inbox/ack', { json: { seq: 2.5 } }), 400, { mentions: [/seq/] });
    expectProblem(await call('POST', '/inbox/ack', { json: { seq: null } }), 400, { mentions: [/seq/] });
    expect((await call('GET', '/inbox?after=0&limit=1')).status).toBe(200);
  });

  it('refuses bad push handshakes with a 202 error event, then disconnects', async () => {
    const token = alice.http.token!;
    expect(await refusal()).toMatchObject({
      type: WireType.ConnectionError,
      code: PushErrorCode.TokenMissing,
      message: expect.any(String),
    });
    expect(await refusal({ token: '' })).toMatchObject({ code: PushErrorCode.TokenMissing });
    expect(await refusal({ token: 12345 })).toMatchObject({ code: PushErrorCode.TokenMissing });
    expect(await refusal({ token: 'garbage' })).toMatchObject({
      type: WireType.ConnectionError,
      code: PushErrorCode.TokenInvalid,
    });
    const forged = jwt.sign(claimsOf(alice), 'another-secret-that-is-long-enough-to-look-real', { expiresIn: 60 });
    expect(await refusal({ token: forged })).toMatchObject({ code: PushErrorCode.TokenInvalid });
    const expired = jwt.sign({ ...claimsOf(alice), exp: Math.floor(Date.now() / 1000) - 60 }, jwtSecret());
    expect(await refusal({ token: expired })).toMatchObject({
      code: PushErrorCode.TokenInvalid,
      message: expect.stringMatching(/expired/),
    });
    const foreign = jwt.sign({ ...claimsOf(alice), node: 'other-node' }, jwtSecret(), { expiresIn: 60 });
    expect(await refusal({ token: foreign })).toMatchObject({
      type: WireType.ConnectionError,
      code: PushErrorCode.TokenWrongNode,
    });
    for (const lastSeq of [-5, 'abc', 1.5, { $gt: 0 }, '7', 2 ** 60]) {
      expect(await refusal({ token, lastSeq })).toMatchObject({
        type: WireType.ConnectionError,
        code: PushErrorCode.BadRequest,
      });
    }
  });

  it('answers a bad ack with a BAD_REQUEST error event and keeps the socket usable', async () => {
    const [carol, dave] = [await user(), await user()];
    await befriend(carol, dave);
    const socket = openSocket({ token: dave.http.token, lastSeq: (await dave.inbox(0)).headSeq });
    await nextEvent(socket, 'connected');
    for (const payload of ['garbage', { seq: 'x' }, { seq: -1 }, { seq: 1.5 }, null, [1]]) {
      const error = nextEvent<PushErrorEvent>(socket, 'error');
      socket.emit('ack', payload);
      expect(await error).toMatchObject({
        type: WireType.ConnectionError,
        code: PushErrorCode.BadRequest,
        message: expect.stringMatching(/seq/),
      });
    }
    expect(socket.connected).toBe(true);
    const pushed = nextEvent<PushMessage>(socket, 'message');
    const sent = await carol.sendToUser(dave.userId, 'still listening?');
    const message = await pushed;
    expect(message).toMatchObject({ messageId: sent.messageId, body: 'still listening?' });
    socket.emit('ack', { seq: message.seq });
    await waitFor(
      async () => (await dave.inbox(0)).watermark === message.seq,
      EVENTUALLY_MS,
      'the valid ack is stored',
    );
    socket.disconnect();
  });

  it('leaves no trace of a refused send: inbox, seqs and history are unchanged', async () => {
    const [erin, frank] = [await user(), await user()];
    await befriend(erin, frank);
    const conversationId = directConversationId(erin.userId, frank.userId);
    const [frankBefore, erinBefore] = [await frank.inbox(0), await erin.inbox(0)];
    const as = (sender: SwitchboardClient, raw: string) => call('POST', '/messages', { token: sender.http.token, raw });
    const envelope = (bodyJson: string, clientMsgId: string = randomUUID()) =>
      `{"to":{"userId":"${frank.userId}"},"body":${bodyJson},"clientMsgId":"${clientMsgId}"}`;

    expectProblem(await as(erin, envelope(JSON.stringify('x'.repeat(2 * 1024 * 1024)))), 413);
    expectProblem(await as(erin, envelope(JSON.stringify('y'.repeat(5000)))), 400);
    expectProblem(await as(erin, envelope('"\\ud800"')), 400);
    expectProblem(await as(erin, envelope('"a\\u0000b"')), 400);
    expectProblem(await as(erin, envelope('"fine"').replace('}', ',"x":1}')), 400);
    expectProblem(await as(erin, envelope('"cut short', 'reused-id')), 400);

    expect(await frank.inbox(0)).toEqual(frankBefore);
    expect(await erin.inbox(0)).toEqual(erinBefore);
    expect((await erin.history(conversationId)).items).toEqual([]);

    // the next good send takes the very next seq on both sides, and a clientMsgId used by a refused send is free
    const ok = await erin.sendToUser(frank.userId, 'the only message', 'reused-id');
    expect(ok.seq).toBe(erinBefore.headSeq + 1);
    const after = await frank.inbox(0);
    expect(after.headSeq).toBe(frankBefore.headSeq + 1);
    expect(after.entries.filter((e) => e.type === WireType.FriendMessage).map((e) => e.body)).toEqual([
      'the only message',
    ]);
    expect((await erin.history(conversationId)).items.map((m) => m.body)).toEqual(['the only message']);
  });

  it('never answered 5xx and is still healthy', async () => {
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    const health = await call('GET', '/health', { token: null });
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok' });
  });
});
