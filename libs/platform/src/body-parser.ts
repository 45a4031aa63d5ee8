import { BadRequestException, HttpException, PayloadTooLargeException } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { checkJsonShape, JsonShapeLimits } from './json-shape';

/**
 * JSON body parsing with errors the client can act on: malformed JSON → 400 MALFORMED_JSON, nested too deep or an
 * array too long → 400 BODY_TOO_DEEP / BODY_ARRAY_TOO_LONG (checked on the text, before parsing), wrong charset or
 * content encoding → 415. Too large → 413 is Fastify's (`bodyLimit`, before the body is read in full). Bodies of any
 * other type are not read: the route answers them (a guard's 401, or validation's 400 naming the missing fields).
 */
export function registerJsonBodyParser(fastify: FastifyInstance, shape: JsonShapeLimits): void {
  // Fastify's own: JSON without these errors, and text/plain, which no route reads
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, raw, done) => {
    try {
      done(null, parseJson(request, raw as Buffer, shape));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
}

function parseJson(request: FastifyRequest, raw: Buffer, shape: JsonShapeLimits): unknown {
  const bytes = decompressed(raw, request.headers['content-encoding'], request.routeOptions.bodyLimit);
  const charset = charsetOf(request.headers['content-type']);
  if (!charset.startsWith('utf-')) throw unsupported(`unsupported charset "${charset.toUpperCase()}"`);
  // UTF-8 (nearly every client) is checked as bytes; other UTF charsets are decoded first
  const text = charset === 'utf-8' ? null : decode(bytes, charset);
  const problem = checkJsonShape(text ?? bytes, shape);
  if (problem) throw new BadRequestException({ ...problem });
  const json = stripBom(text ?? bytes.toString('utf8'));
  // an empty body is a common client mistake: parsed as {}, validation names what is missing
  if (json.length === 0) return {};
  const first = json[firstNonWhitespace(json)];
  if (first !== '{' && first !== '[') throw malformed('expected an object or an array');
  try {
    return JSON.parse(json);
  } catch (error) {
    throw malformed((error as Error).message);
  }
}

/** Index of the first character that is not JSON whitespace (no copy of the body, unlike trimStart). */
function firstNonWhitespace(json: string): number {
  let i = 0;
  while (i < json.length) {
    const c = json.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

const DECOMPRESS: Record<string, typeof gunzipSync> = {
  gzip: gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
};

/** Compressed bodies are inflated up to the body limit (a small body must not become a huge one). */
function decompressed(raw: Buffer, encoding: string | undefined, limit: number): Buffer {
  const name = (encoding ?? 'identity').toLowerCase();
  if (name === 'identity') return raw;
  const decompress = DECOMPRESS[name];
  if (!decompress) throw unsupported(`unsupported content encoding "${name}"`);
  try {
    return decompress(raw, { maxOutputLength: limit });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new PayloadTooLargeException({
        code: 'PAYLOAD_TOO_LARGE',
        message: `request body is larger than ${limit} bytes`,
      });
    }
    throw new BadRequestException({ code: 'BAD_REQUEST', message: `request body is not valid ${name}` });
  }
}

function charsetOf(contentType: string | undefined): string {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '');
  return match ? match[1].toLowerCase() : 'utf-8';
}

function decode(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    throw unsupported(`unsupported charset "${charset.toUpperCase()}"`);
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function malformed(reason: string): HttpException {
  return new BadRequestException({ code: 'MALFORMED_JSON', message: `request body is not valid JSON: ${reason}` });
}

function unsupported(message: string): HttpException {
  return new HttpException({ code: 'UNSUPPORTED_MEDIA_TYPE', message }, 415);
}
