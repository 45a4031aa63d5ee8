/**
 * Generates hostile requests from the server's own OpenAPI document (`/docs-json`): every operation, with path
 * params, query and body built from the schemas, then mutated (wrong types, missing and extra fields, huge and odd
 * Unicode strings, deep nesting, numbers at their limits). Seeded: the same seed gives the same cases.
 */

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
};

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface FuzzCase {
  method: string;
  path: string;
  /** Already-serialized JSON (or raw text) for the body, if any. */
  body?: string;
  /** What was done, to name a failing case. */
  label: string;
}

/** mulberry32: small, fast, seeded. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\udfff\ud800',
  '\u202e\u202dRTL',
  '\u200b\u200c\u200d\ufeff',
  '😀'.repeat(2000),
  'Z̷̧̛͓̈́a̸͍͆l̵̰̊g̴̱̓o̶̬͝'.repeat(50),
  'x'.repeat(70_000),
  '%00%ff%',
  '../../etc/passwd',
  "' OR 1=1 --",
  '{"$gt":""}',
  '__proto__',
  'constructor',
  '\r\n\r\nHTTP/1.1 200 OK',
  '\u{10ffff}',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
];
const ODD_NUMBERS = [
  0,
  -0,
  -1,
  1,
  0.5,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_SAFE_INTEGER,
  1e308,
  -1e308,
  5e-324,
  2 ** 31,
  2 ** 32,
  2 ** 63,
];

export class OpenApiFuzzer {
  private readonly random: () => number;

  constructor(
    private readonly doc: OpenApiDocument,
    seed: number,
    /** Real ids worth hitting (users, groups, conversations …) alongside random ones. */
    private readonly knownIds: string[] = [],
    /** Operations to leave alone (e.g. logout, which would end the fuzzing session). */
    private readonly skip: (method: string, path: string) => boolean = () => false,
  ) {
    this.random = seededRandom(seed);
  }

  operations(): { method: string; path: string; op: Operation }[] {
    return Object.entries(this.doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .filter(([method]) => !this.skip(method.toUpperCase(), path))
        .map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
    );
  }

  /** `count` cases, round-robin over every operation so each gets its share. */
  *cases(count: number): Generator<FuzzCase> {
    const ops = this.operations();
    for (let i = 0; i < count; i++) yield this.caseFor(ops[i % ops.length]);
  }

  private caseFor({ method, path, op }: { method: string; path: string; op: Operation }): FuzzCase {
    const labels: string[] = [];
    const params = op.parameters ?? [];
    const url = path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      const p = params.find((x) => x.name === name);
      return encodeURIComponent(String(this.pathValue(p?.schema, labels)));
    });
    const query = new URLSearchParams();
    for (const p of params.filter((x) => x.in === 'query')) {
      if (!p.required && this.chance(0.3)) continue;
      const value = this.chance(0.5) ? this.valueFor(p.schema, 0) : this.mutant(0);
      query.append(p.name, typeof value === 'string' ? value : JSON.stringify(value));
    }
    if (this.chance(0.1)) (query.append('unknownParam', this.pick(ODD_STRINGS)), labels.push('extra query'));
    const schema = op.requestBody?.content?.['application/json']?.schema;
    let body: string | undefined;
    if (schema || this.chance(0.05)) {
      const value = this.mutate(this.valueFor(schema, 0), schema, labels);
      body = value === undefined ? undefined : this.serialize(value, labels);
    }
    const qs = query.toString();
    return {
      method,
      path: `/api/v1${url.replace(/^\/api\/v1/, '')}${qs ? `?${qs}` : ''}`,
      body,
      label: labels.join(', '),
    };
  }

  private serialize(value: unknown, labels: string[]): string {
    const text = JSON.stringify(value) ?? 'null';
    if (this.chance(0.03)) return (labels.push('deep nesting'), '['.repeat(2000) + ']'.repeat(2000));
    if (this.chance(0.02)) return (labels.push('truncated JSON'), text.slice(0, Math.floor(text.length / 2)));
    return text;
  }

  private pathValue(schema: Schema | undefined, labels: string[]): unknown {
    if (this.knownIds.length && this.chance(0.4)) return this.pick(this.knownIds);
    if (this.chance(0.3)) return (labels.push('odd path param'), this.pick([...ODD_STRINGS, ...ODD_NUMBERS]));
    return this.valueFor(schema, 0);
  }

  /** A value that fits the schema (as far as the schema says). */
  valueFor(schema: Schema | undefined, depth: number): unknown {
    const s = this.resolve(schema);
    if (!s || depth > 6) return this.random() < 0.5 ? 'x' : 1;
    if (s.enum?.length) return this.pick(s.enum);
    const variants = s.oneOf ?? s.anyOf;
    if (variants?.length) return this.valueFor(this.pick(variants), depth + 1);
    if (s.allOf?.length) return Object.assign({}, ...s.allOf.map((x) => this.valueFor(x, depth + 1) as object));
    switch (s.type) {
      case 'integer':
      case 'number':
        return Math.floor(this.random() * 100);
      case 'boolean':
        return this.chance(0.5);
      case 'array':
        return Array.from({ length: Math.floor(this.random() * 3) }, () => this.valueFor(s.items, depth + 1));
      case 'string':
        if (s.format === 'uuid' || /id$/i.test(s.format ?? '')) return this.uuid();
        if (s.format === 'date-time') return new Date(this.random() * 2e12).toISOString();
        return this.knownIds.length && this.chance(0.2)
          ? this.pick(this.knownIds)
          : `fz${Math.floor(this.random() * 1e9)}`;
      default: {
        if (!s.properties) return {};
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(s.properties)) out[k] = this.valueFor(v, depth + 1);
        return out;
      }
    }
  }

  /** Breaks a valid value: one mutation at the top, sometimes one in a field. */
  private mutate(value: unknown, schema: Schema | undefined, labels: string[]): unknown {
    const roll = this.random();
    if (roll < 0.15) return value;
    if (roll < 0.25) return (labels.push('whole body replaced'), this.mutant(0));
    const s = this.resolve(schema);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return this.mutant(0);
    const object = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(object);
    const key = keys.length ? this.pick(keys) : undefined;
    if (roll < 0.4 && key) return (labels.push(`missing ${key}`), delete object[key], object);
    if (roll < 0.5)
      return (
        labels.push('extra field'),
        (object[this.pick(['extra', '__proto__', 'constructor', 'x'.repeat(300)])] = this.mutant(0)),
        object
      );
    if (key) {
      labels.push(`mutated ${key}`);
      object[key] =
        this.chance(0.2) && s?.properties?.[key] ? this.mutate(object[key], s.properties[key], labels) : this.mutant(0);
    }
    return object;
  }

  /** A value of any type, chosen to hurt. */
  private mutant(depth: number): unknown {
    const roll = this.random();
    if (roll < 0.3) return this.pick(ODD_STRINGS);
    if (roll < 0.5) return this.pick(ODD_NUMBERS);
    if (roll < 0.6) return this.pick([null, true, false, [], {}]);
    if (roll < 0.7 && depth < 3) return [this.mutant(depth + 1), this.mutant(depth + 1)];
    if (roll < 0.8 && depth < 3)
      return { [this.pick(['a', 'userId', 'groupId', '__proto__'])]: this.mutant(depth + 1) };
    if (roll < 0.85) return Array(this.pick([0, 999, 1001, 5000])).fill(0);
    if (roll < 0.9) return JSON.parse('{"a":'.repeat(40) + '1' + '}'.repeat(40)) as unknown;
    return this.uuid();
  }

  private resolve(schema: Schema | undefined): Schema | undefined {
    for (let s = schema, hops = 0; s; hops++) {
      if (!s.$ref || hops > 10) return s;
      s = this.doc.components?.schemas?.[s.$ref.split('/').pop()!];
      if (!s?.$ref) return s;
    }
    return undefined;
  }

  private uuid(): string {
    const hex = () => Math.floor(this.random() * 16).toString(16);
    const part = (n: number) => Array.from({ length: n }, hex).join('');
    return `${part(8)}-${part(4)}-7${part(3)}-8${part(3)}-${part(12)}`;
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }
}
