import { HttpException } from '@nestjs/common';
import fastify, { FastifyError, FastifyInstance } from 'fastify';
import { gzipSync } from 'node:zlib';
import { registerJsonBodyParser } from './body-parser';

/** A bare Fastify with the parser: answers the parsed body, or the refusal's status and body. */
function server(): FastifyInstance {
  const app = fastify({ bodyLimit: 1024 });
  registerJsonBodyParser(app, { maxDepth: 4, maxArrayLength: 3 });
  app.post('/', async (request) => ({ body: request.body ?? null }));
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error instanceof HttpException) return reply.code(error.getStatus()).send(error.getResponse());
    return reply.code(error.statusCode ?? 500).send({ fastify: error.code });
  });
  return app;
}

describe('registerJsonBodyParser', () => {
  const app = server();
  afterAll(() => app.close());
  const post = (payload: string | Buffer, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/', payload, headers: { 'content-type': 'application/json', ...headers } });

  it('parses JSON objects and arrays, with or without a BOM, and an empty body as {}', async () => {
    expect((await post('{"a":[1,2]}')).json()).toEqual({ body: { a: [1, 2] } });
    expect((await post('\uFEFF[1]')).json()).toEqual({ body: [1] });
    expect((await post('')).json()).toEqual({ body: {} });
    expect((await post(' \r\n\t{"a":1}')).json()).toEqual({ body: { a: 1 } });
  });

  it('refuses malformed JSON and bare values with 400 MALFORMED_JSON', async () => {
    for (const raw of ['{"a":', 'null', '"text"', '42', '   ', ' \n 42']) {
      const res = await post(raw);
      expect([raw, res.statusCode, res.json().code]).toEqual([raw, 400, 'MALFORMED_JSON']);
    }
  });

  it('refuses deep or wide bodies before parsing them', async () => {
    expect((await post('[[[[[1]]]]]')).json()).toMatchObject({ code: 'BODY_TOO_DEEP' });
    expect((await post('{"a":[1,2,3,4]}')).json()).toMatchObject({ code: 'BODY_ARRAY_TOO_LONG' });
  });

  it('answers 415 for a charset that is not UTF or an unknown content encoding', async () => {
    const latin1 = await post('{}', { 'content-type': 'application/json; charset=latin1' });
    expect([latin1.statusCode, latin1.json().code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const unknown = await post('{}', { 'content-encoding': 'compress' });
    expect([unknown.statusCode, unknown.json().code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });

  it('decodes UTF-16 and inflates gzip, refusing what inflates past the limit with 413', async () => {
    const utf16 = Buffer.from('{"a":"é"}', 'utf16le');
    expect((await post(utf16, { 'content-type': 'application/json; charset=utf-16le' })).json()).toEqual({
      body: { a: 'é' },
    });
    expect((await post(gzipSync('{"a":1}'), { 'content-encoding': 'gzip' })).json()).toEqual({ body: { a: 1 } });
    const bomb = await post(gzipSync(`{"a":"${'x'.repeat(10_000)}"}`), { 'content-encoding': 'gzip' });
    expect([bomb.statusCode, bomb.json().code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it('leaves bodies of other types unread', async () => {
    expect((await post('hello', { 'content-type': 'text/plain' })).json()).toEqual({ body: null });
  });
});
