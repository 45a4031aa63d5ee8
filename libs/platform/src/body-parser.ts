import { BadRequestException, HttpException, PayloadTooLargeException } from '@nestjs/common';
import { json } from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { checkJsonShape, JsonShapeLimits, JsonShapeProblem } from './json-shape';

/** Thrown from the parser's verify hook: carries the shape problem out to `toHttpError`. */
class JsonShapeError extends Error {
  readonly type = 'json.shape';
  constructor(readonly problem: JsonShapeProblem) {
    super(problem.message);
  }
}

/**
 * JSON body parsing with errors the client can act on: malformed JSON → 400 MALFORMED_JSON, nested too deep or an
 * array too long → 400 BODY_TOO_DEEP / BODY_ARRAY_TOO_LONG (checked on the text, before parsing), too large → 413,
 * wrong charset → 415. Installed instead of Nest's parser (apps are created with `bodyParser: false`).
 */
export function jsonBodyParser(limit: string, shape: JsonShapeLimits): RequestHandler {
  const parse = json({
    limit,
    verify: (_req, _res, buffer, encoding) => {
      // UTF-8 (nearly every client) is checked as bytes; other UTF charsets are decoded first
      const utf8 = !encoding || /^utf-?8$/i.test(encoding);
      const problem = checkJsonShape(utf8 ? buffer : new TextDecoder(encoding).decode(buffer), shape);
      if (problem) throw new JsonShapeError(problem);
    },
  });
  return (req: Request, res: Response, next: NextFunction) =>
    parse(req, res, (error?: unknown) => (error ? next(toHttpError(error as ParserError, limit)) : next()));
}

type ParserError = { type?: string; status?: number; message?: string; problem?: JsonShapeProblem };

function toHttpError(error: ParserError, limit: string): HttpException {
  switch (error.type) {
    case 'json.shape':
      return new BadRequestException({ ...error.problem });
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
