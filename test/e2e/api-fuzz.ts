import * as fc from 'fast-check';

/** The parts of an OpenAPI 3 document the fuzzer reads. */
export interface OpenApiSchema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: OpenApiSchema;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  allOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
  anyOf?: OpenApiSchema[];
}

interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: OpenApiSchema;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: OpenApiSchema }> };
  security?: unknown[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, OpenApiSchema> };
}

/** One operation of the document, as the fuzzer drives it. */
export interface FuzzOperation {
  method: string;
  path: string;
  pathParams: string[];
  query: OpenApiParameter[];
  body?: OpenApiSchema;
  authenticated: boolean;
}

/** One generated request. */
export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** Values the server knows (ids of real users, groups, messages…), so that cases get past "not found" too. */
export interface FuzzWorld {
  ids: string[];
  /** Tokens of the acting users; the first is the usual caller. */
  tokens: string[];
  /** Tokens the server must refuse (expired, foreign key, malformed). */
  badTokens: string[];
}

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Every operation of the document, in document order. */
export function operationsOf(doc: OpenApiDocument): FuzzOperation[] {
  const operations: FuzzOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method)) continue;
      const parameters = op.parameters ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters.filter((p) => p.in === 'query'),
        body: op.requestBody?.content?.['application/json']?.schema,
        authenticated: (op.security ?? []).length > 0,
      });
    }
  }
  return operations;
}

/** Strings that have broken parsers, query builders and full-text engines before. */
const NASTY_STRINGS = [
  '',
  ' ',
  '0',
  '-1',
  '1e309',
  'NaN',
  'null',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  '\u0000',
  '\uFEFF',
  '\u202Eevil',
  '../../../../etc/passwd',
  "' OR '1'='1' --",
  '"',
  '*',
  '^',
  '-',
  'NEAR(a b)',
  'a AND',
  'OR',
  '"unterminated',
  'col:val',
  '%',
  '%00',
  '<script>alert(1)</script>',
  '${7*7}',
  '😀👍🏽',
  '𝕊𝕨𝕚𝕥𝕔𝕙',
  'd:',
  'g:',
  'd:a:b',
  'x'.repeat(5000),
];

const nastyString = fc.constantFrom(...NASTY_STRINGS);

/** What a client can put in a header at all (printable ASCII), shaped like a credential or not. */
const headerText = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  fc.constantFrom('Bearer', 'Bearer ', 'Bearer  x', 'Basic YTpi', 'bearer a.b.c', 'Bearer eyJhbGciOiJub25lIn0.e30.'),
);

/** Any JSON value, shallow. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 40 }),
  nastyString,
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constant(null)), { maxLength: 4 }),
  fc.dictionary(
    fc.oneof(fc.string({ maxLength: 8 }), nastyString),
    fc.oneof(fc.integer(), fc.string({ maxLength: 8 })),
    {
      maxKeys: 3,
    },
  ),
);

/** `undefined` four times in five. */
const rarely = <T>(value: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: value });

/** Builds request arbitraries for one document and one world. */
export class ApiFuzzer {
  private readonly knownId: fc.Arbitrary<string>;
  private readonly idLike: fc.Arbitrary<string>;

  constructor(
    private readonly doc: OpenApiDocument,
    private readonly world: FuzzWorld,
  ) {
    this.knownId = fc.constantFrom(...world.ids);
    this.idLike = fc.oneof(
      { weight: 4, arbitrary: this.knownId },
      { weight: 2, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
      { weight: 1, arbitrary: nastyString },
      { weight: 1, arbitrary: fc.integer().map(String) },
      { weight: 1, arbitrary: fc.tuple(this.knownId, this.knownId).map(([a, b]) => `d:${a}:${b}`) },
      { weight: 1, arbitrary: this.knownId.map((id) => `g:${id}`) },
    );
  }

  /** Requests for one operation: mostly well-formed with wrong details, sometimes wholly malformed. */
  requests(op: FuzzOperation): fc.Arbitrary<FuzzRequest> {
    const path = fc
      .tuple(...op.pathParams.map(() => this.idLike))
      .map((values) =>
        op.pathParams.reduce((p, name, i) => p.replace(`{${name}}`, encodeURIComponent(values[i])), op.path),
      );
    const query = fc
      .tuple(
        ...op.query.map((param) =>
          fc.option(this.queryValue(param.schema), { nil: undefined, freq: param.required ? 6 : 2 }),
        ),
        rarely(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 }))),
      )
      .map((values) => {
        const params = new URLSearchParams();
        op.query.forEach((param, i) => values[i] !== undefined && params.append(param.name, values[i] as string));
        const extra = values[op.query.length] as [string, string] | undefined;
        if (extra) params.append(extra[0], extra[1]);
        const text = params.toString();
        return text ? `?${text}` : '';
      });
    const auth = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...this.world.tokens).map((t) => `Bearer ${t}`) },
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom(...this.world.badTokens).map((t) => `Bearer ${t}`) },
      { weight: 1, arbitrary: headerText },
    );
    return fc.record({ path, query, auth, body: this.body(op) }).map(({ path, query, auth, body }) => ({
      method: op.method,
      url: `${path}${query}`,
      headers: {
        ...(auth !== undefined && { authorization: auth }),
        ...(body !== undefined && { 'content-type': body.contentType }),
      },
      body: body?.text,
    }));
  }

  private body(op: FuzzOperation): fc.Arbitrary<{ contentType: string; text: string } | undefined> {
    const json = (value: fc.Arbitrary<unknown>) =>
      value.map((v) => ({ contentType: 'application/json', text: JSON.stringify(v) ?? 'null' }));
    const malformed = fc.oneof(
      json(anyJson),
      fc.string({ maxLength: 60 }).map((text) => ({ contentType: 'application/json', text })),
      fc
        .constantFrom('{', '{"a":', '[1,2', '{"a":1}}', 'nul', '"\\ud800"', '{"__proto__":{"admin":true}}')
        .map((text) => ({
          contentType: 'application/json',
          text,
        })),
      fc.integer({ min: 33, max: 3000 }).map((depth) => ({
        contentType: 'application/json',
        text: '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
      })),
      fc
        .integer({ min: 1001, max: 5000 })
        .map((n) => ({ contentType: 'application/json', text: JSON.stringify(new Array(n).fill(0)) })),
      fc.string({ maxLength: 60 }).map((text) => ({ contentType: 'text/plain', text })),
      fc.constant({ contentType: 'application/x-www-form-urlencoded', text: 'a=1&b=2' }),
    );
    if (!op.body)
      return fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: malformed });
    return fc.oneof(
      { weight: 6, arbitrary: json(this.value(op.body, 0)) },
      { weight: 2, arbitrary: malformed },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
  }

  private queryValue(schema: OpenApiSchema | undefined): fc.Arbitrary<string> {
    const resolved = schema ? this.resolve(schema) : {};
    const typed =
      resolved.type === 'integer' || resolved.type === 'number'
        ? fc.oneof(fc.integer({ min: -5, max: 1000 }).map(String), fc.double().map(String))
        : this.idLike;
    return fc.oneof(
      { weight: 3, arbitrary: typed },
      { weight: 1, arbitrary: nastyString },
      { weight: 1, arbitrary: fc.string() },
    );
  }

  /** A value for a schema: usually of its type near its bounds, sometimes of any other type. */
  private value(schema: OpenApiSchema, depth: number): fc.Arbitrary<unknown> {
    const resolved = this.resolve(schema);
    const typed = this.typed(resolved, depth);
    return fc.oneof({ weight: 5, arbitrary: typed }, { weight: 1, arbitrary: anyJson });
  }

  private typed(schema: OpenApiSchema, depth: number): fc.Arbitrary<unknown> {
    const variants = schema.oneOf ?? schema.anyOf;
    if (variants?.length) return fc.oneof(...variants.map((v) => this.value(v, depth + 1)));
    if (schema.enum?.length)
      return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 1, arbitrary: nastyString });
    switch (schema.type) {
      case 'string':
        return this.stringNear(schema);
      case 'integer':
      case 'number': {
        const min = schema.minimum ?? -1000;
        const max = schema.maximum ?? 1_000_000;
        return fc.oneof(
          fc.integer({ min: Math.max(min - 2, -(2 ** 31)), max: Math.min(max + 2, 2 ** 31) }),
          fc.constantFrom(min - 1, min, max, max + 1, 0, -1, 2 ** 53, 1e308, 0.5),
          fc.integer().map(String),
        );
      }
      case 'boolean':
        return fc.oneof(fc.boolean(), fc.constantFrom('true', 0, 1));
      case 'array':
        return depth > 3 ? fc.constant([]) : fc.array(this.value(schema.items ?? {}, depth + 1), { maxLength: 6 });
      default:
        return this.object(schema, depth);
    }
  }

  private stringNear(schema: OpenApiSchema): fc.Arbitrary<string> {
    const max = schema.maxLength ?? 200;
    const min = schema.minLength ?? 0;
    const around = [min - 1, min, max, max + 1].filter((n) => n >= 0);
    return fc.oneof(
      { weight: 3, arbitrary: fc.string({ minLength: min, maxLength: Math.min(max, 64) }) },
      {
        weight: 2,
        arbitrary: schema.format === 'uuid' || /id$/i.test(schema.format ?? '') ? this.knownId : this.idLike,
      },
      { weight: 1, arbitrary: fc.constantFrom(...around).map((n) => 'x'.repeat(n)) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
      { weight: 1, arbitrary: nastyString },
    );
  }

  private object(schema: OpenApiSchema, depth: number): fc.Arbitrary<unknown> {
    const properties = Object.entries(schema.properties ?? {});
    if (!properties.length || depth > 3) return anyJson;
    const required = new Set(schema.required ?? []);
    // each property present, absent, or present when it is not expected; an unknown key now and then
    return fc
      .tuple(
        ...properties.map(([name, prop]) =>
          fc.option(this.value(prop, depth + 1), { nil: undefined, freq: required.has(name) ? 8 : 2 }),
        ),
        rarely(fc.tuple(fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), nastyString), anyJson)),
      )
      .map((values) => {
        const object: Record<string, unknown> = {};
        properties.forEach(([name], i) => values[i] !== undefined && (object[name] = values[i]));
        const extra = values[properties.length] as [string, unknown] | undefined;
        if (extra) object[extra[0]] = extra[1];
        return object;
      });
  }

  private resolve(schema: OpenApiSchema): OpenApiSchema {
    let current = schema;
    for (let hops = 0; current.$ref && hops < 10; hops++) {
      const name = current.$ref.replace('#/components/schemas/', '');
      current = this.doc.components?.schemas?.[name] ?? {};
    }
    if (current.allOf?.length) {
      return current.allOf
        .map((part) => this.resolve(part))
        .reduce((a, b) => ({
          ...a,
          ...b,
          properties: { ...a.properties, ...b.properties },
          required: [...(a.required ?? []), ...(b.required ?? [])],
        }));
    }
    return current;
  }
}
