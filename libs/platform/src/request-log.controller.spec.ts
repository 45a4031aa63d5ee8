import fastify from 'fastify';
import pino, { Level } from 'pino';
import { Writable } from 'node:stream';
import { LazyChildLogger } from './lazy-child.logger';
import { RequestLogController } from './request-log.controller';

/** Fastify with the request logging of createHttpApp; returns what it wrote and how many child loggers it built. */
async function logsOf(level: Level, urls: string[]) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) });
  const logger = pino({ level }, sink);
  const child = jest.spyOn(logger, 'child');
  const app = fastify({
    loggerInstance: logger,
    logController: new RequestLogController(logger),
    childLoggerFactory: (parent, bindings, options) => new LazyChildLogger(parent as pino.Logger, bindings, options),
  });
  app.get('/ok', async () => 'ok');
  app.get('/health', async () => 'ok');
  app.get('/boom', async () => {
    throw new Error('boom');
  });
  const built = child.mock.calls.length; // Fastify's own, at start
  for (const url of urls) await app.inject({ url });
  await app.close();
  return {
    lines: lines.filter((l) => l.msg !== 'Server listening'),
    childrenPerRequest: child.mock.calls.length - built,
  };
}

describe('RequestLogController', () => {
  it('writes nothing and builds no request logger for a success below its level', async () => {
    const { lines, childrenPerRequest } = await logsOf('info', ['/ok', '/ok']);
    expect(lines).toEqual([]);
    expect(childrenPerRequest).toBe(0);
  });

  it('writes a 4xx at warn and a 5xx at error, with the request id', async () => {
    const { lines } = await logsOf('info', ['/missing', '/boom']);
    const completed = lines.filter((l) => String(l.msg).startsWith('request'));
    expect(completed).toEqual([
      expect.objectContaining({ level: 40, requestId: expect.any(String), res: { statusCode: 404 } }),
      expect.objectContaining({ level: 50, requestId: expect.any(String), res: { statusCode: 500 } }),
    ]);
  });

  it('writes successes at debug, except health and metrics scrapes', async () => {
    const { lines } = await logsOf('debug', ['/ok', '/health']);
    expect(lines.filter((l) => l.msg === 'request completed')).toEqual([
      expect.objectContaining({ level: 20, req: expect.objectContaining({ method: 'GET', url: '/ok' }) }),
    ]);
  });
});
