// Arbitraries for the fuzzer: hostile strings and values, malformed bodies, and request bodies
// derived from the JSON schemas the server publishes (so most cases get past JSON decoding and
// reach validation, permission checks and the services).
import fc from 'fast-check';

export type JsonSchema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
};

/** Strings attackers and unlucky clients send. */
export const NASTY_STRINGS = [
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '" OR ""="',
  '1; SELECT pg_sleep(30)--',
  "admin'--",
  '%',
  '_',
  '\\',
  "\\'",
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}}',
  '${7*7}',
  '${jndi:ldap://x/a}',
  '../../../../etc/passwd',
  '..%2f..%2fetc%2fpasswd',
  '%00',
  '\u0000',
  'a\u0000b',
  '\uFEFF',
  '\u202Eevil',
  '\u200B',
  'ﬀ',
  'İ',
  'ß',
  'a\u0301',
  '👩‍👩‍👧‍👦',
  '𝕳𝖊𝖑𝖑𝖔',
  '\uD800',
  '\uDFFF',
  '\uFFFF',
  '\r\n\r\nX-Injected: 1',
  ' ',
  '',
  '\t',
  'null',
  'undefined',
  'true',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e309',
  '0x10',
  '9'.repeat(40),
  '-9223372036854775809',
  '18446744073709551616',
  '1.5',
  '__proto__',
  'constructor',
  'prototype',
  '[]',
  '{}',
  '%ZZ',
  '%C0%AF',
  'http://169.254.169.254/latest/meta-data/',
  'file:///etc/passwd',
  'user@',
  '@example.com',
  'a@b',
  '+',
  '+41 79 000 00 00 ext. 5',
  '2026-13-45T25:61:61Z',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999999999Z',
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'A'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 5_000 }).map((n) => 'é👍\u0000'.repeat(n)) },
);

/** Deep nesting of objects or arrays: stack depth in parsers and validators. */
export const deepJson: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 20, max: 3_000 }), fc.constantFrom('object', 'array'))
  .map(([depth, kind]) => {
    let v: unknown = 'x';
    for (let i = 0; i < depth; i++) v = kind === 'object' ? { a: v } : [v];
    return v;
  });

export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 2 ** 53 + 1, 1e300, -1e300, 0.5) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: deepJson },
);

/** Valid-typed values for a schema, with a share of wrong ones at every level. */
export class SchemaArbitraries {
  private readonly cache = new Map<string, fc.Arbitrary<unknown>>();

  constructor(
    private readonly components: Record<string, JsonSchema>,
    /** Values that make good ids: real ones from the fixture, so cases reach past "not found". */
    private readonly ids: fc.Arbitrary<string>,
  ) {}

  of(schema: JsonSchema | undefined, depth = 0, key = ''): fc.Arbitrary<unknown> {
    const right = this.valid(schema ?? {}, depth, key);
    return fc.oneof({ weight: 6, arbitrary: right }, { weight: 1, arbitrary: wrongValue });
  }

  private valid(schema: JsonSchema, depth: number, key: string): fc.Arbitrary<unknown> {
    if (schema.$ref) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      if (depth > 4) return fc.constant({});
      const cacheKey = `${name}@${depth}`;
      let arb = this.cache.get(cacheKey);
      if (!arb) {
        arb = fc.constant(null).chain(() => this.valid(this.components[name] ?? {}, depth + 1, key));
        this.cache.set(cacheKey, arb);
      }
      return arb;
    }
    if (schema.enum) return fc.oneof(fc.constantFrom(...schema.enum), fc.integer({ min: -2, max: 40 }));
    switch (schema.type) {
      case 'object': {
        if (schema.properties && Object.keys(schema.properties).length) {
          const model: Record<string, fc.Arbitrary<unknown>> = {};
          for (const [k, v] of Object.entries(schema.properties)) model[k] = this.of(v, depth, k);
          const record = fc.record(model, { requiredKeys: [] });
          // Sometimes a key the message does not have.
          return fc.oneof(
            { weight: 9, arbitrary: record },
            {
              weight: 1,
              arbitrary: fc.tuple(record, hostileString, wrongValue).map(([r, k, v]) => ({ ...(r as object), [k]: v })),
            },
          );
        }
        if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
          return fc.dictionary(hostileString, this.of(schema.additionalProperties, depth + 1), { maxKeys: 3 });
        }
        return fc.jsonValue({ maxDepth: 2 });
      }
      case 'array':
        return fc.array(this.of(schema.items, depth + 1), { maxLength: depth > 2 ? 1 : 3 });
      case 'string':
        if (schema.format === 'int64' || schema.format === 'uint64') {
          return fc.oneof(
            fc.bigInt({ min: -(2n ** 64n), max: 2n ** 65n }).map(String),
            fc.constantFrom('0', '1', '100', '-1'),
          );
        }
        if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
        if (/id$/i.test(key))
          return fc.oneof({ weight: 3, arbitrary: this.ids }, { weight: 1, arbitrary: hostileString });
        return fc.oneof(
          { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
          { weight: 1, arbitrary: hostileString },
        );
      case 'integer':
        return fc.oneof(
          fc.integer({ min: -5, max: 1_000 }),
          fc.integer(),
          fc.constantFrom(4294967295, 4294967296, -2147483649),
        );
      case 'number':
        return fc.double();
      case 'boolean':
        return fc.boolean();
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  }
}

/** A body as bytes on the wire: JSON of a value, or something that is not JSON at all. */
export type WireBody =
  | { kind: 'json'; value: unknown }
  | { kind: 'raw'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'oversized' }
  | { kind: 'none' };

export function wireBody(structured: fc.Arbitrary<unknown>): fc.Arbitrary<WireBody> {
  return fc.oneof(
    { weight: 30, arbitrary: structured.map((value): WireBody => ({ kind: 'json', value })) },
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value): WireBody => ({ kind: 'json', value })) },
    { weight: 2, arbitrary: deepJson.map((value): WireBody => ({ kind: 'json', value })) },
    {
      weight: 3,
      arbitrary: fc
        .oneof(
          fc.constantFrom(
            '{',
            '{"a":',
            '[',
            '{"a":1,"a":2}',
            'nul',
            '\u0000',
            '{"a":"\\ud800"}',
            '{"a":1e999}',
            '{"__proto__":{"x":1}}',
            ")]}'",
            '\uFEFF{}',
            '{}garbage',
          ),
          fc.string({ maxLength: 200 }),
        )
        .map((text): WireBody => ({ kind: 'raw', text })),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes): WireBody => ({ kind: 'bytes', bytes })) },
    { weight: 1, arbitrary: fc.constant<WireBody>({ kind: 'none' }) },
    // Beyond the 4 MiB body limit.
    { weight: 1, arbitrary: fc.constant<WireBody>({ kind: 'oversized' }) },
  );
}

const OVERSIZED = Buffer.from(JSON.stringify({ padding: 'x'.repeat(5 * 1024 * 1024) }));

export function encode(body: WireBody): Uint8Array | string | undefined {
  switch (body.kind) {
    case 'json':
      return JSON.stringify(body.value) ?? 'null';
    case 'raw':
      return body.text;
    case 'bytes':
      return body.bytes;
    case 'oversized':
      return OVERSIZED;
    case 'none':
      return undefined;
  }
}
