import { WS_ENTRY_PATH, WsForwarder } from '@app/transport';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * socket.io's long-polling through `/ws` (its upgrades are `WsForwarder.attach`'s): the request is taken from Fastify
 * in its first hook, before anything reads the body, which the push node must get exactly as it was sent.
 */
export function routeWsEntry(app: NestFastifyApplication, forwarder: WsForwarder): void {
  const forward = (request: FastifyRequest, reply: FastifyReply) => {
    reply.hijack();
    forwarder.handleHttp(request.raw, reply.raw);
  };
  for (const url of [WS_ENTRY_PATH, `${WS_ENTRY_PATH}/*`]) {
    // the handler is never reached: the route's onRequest hook answers
    app
      .getHttpAdapter()
      .getInstance()
      .all(url, { onRequest: forward }, () => undefined);
  }
}
