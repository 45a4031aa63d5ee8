import { BadRequestException, HttpException, PayloadTooLargeException } from '@nestjs/common';
import { json } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * JSON body parsing with errors the client can act on: malformed JSON → 400 MALFORMED_JSON, too large → 413,
 * wrong charset → 415. Installed instead of Nest's parser (apps are created with `bodyParser: false`).
 */
export function jsonBodyParser(limit: string): RequestHandler {
  const parse = json({ limit });
  return (req: Request, res: Response, next: NextFunction) =>
    parse(req, res, (error?: unknown) =>
      error ? next(toHttpError(error as { type?: string; status?: number; message?: string }, limit)) : next(),
    );
}

function toHttpError(error: { type?: string; status?: number; message?: string }, limit: string): HttpException {
  switch (error.type) {
    case 'entity.parse.failed':
      return new BadRequestException({
        code: 'MALFORMED_JSON',
        message: `request body is not valid JSON: ${error.message}`,
      });
    case 'entity.too.large':
      return new PayloadTooLargeException({
        code: 'PAYLOAD_TOO_LARGE',
        message: `request body is larger than ${limit}`,
      });
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new HttpException(
        { code: 'UNSUPPORTED_MEDIA_TYPE', message: error.message ?? 'unsupported encoding' },
        415,
      );
    default:
      return new BadRequestException({ code: 'BAD_REQUEST', message: error.message ?? 'bad request body' });
  }
}
