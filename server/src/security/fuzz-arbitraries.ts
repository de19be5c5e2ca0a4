import { randomUUID } from 'node:crypto';
import fc from 'fast-check';

/**
 * Hostile requests for fuzz.test.ts, derived from a route's own Zod schemas: a route's body and
 * query schema is walked (Zod v4's `_zod.def`) into a small description, from which come a
 * valid-looking base, and then that base broken in every way a hostile client could: wrong types,
 * hostile strings, prototype-pollution keys, deep nesting, huge arrays, odd numbers, text that is
 * not JSON. Everything is sent as raw text, so `__proto__` really is an own key of the JSON.
 */

// ---------------------------------------------------------------------------------------------
// Schemas, described

export type Shape =
  | { kind: 'object'; fields: Record<string, { shape: Shape; optional: boolean }> }
  | {
      kind: 'string';
      min: number;
      max: number;
      format: string | undefined;
      pattern: RegExp | undefined;
    }
  | { kind: 'number'; min: number; max: number; int: boolean; coerce: boolean }
  | { kind: 'boolean' }
  | { kind: 'enum'; values: (string | number | boolean | null)[] }
  | { kind: 'array'; element: Shape; min: number; max: number }
  | { kind: 'union'; options: Shape[] }
  | { kind: 'nullable'; inner: Shape }
  | { kind: 'unknown' };

type ZodCheck = {
  _zod?: {
    def?: {
      check?: string;
      format?: string;
      pattern?: RegExp;
      minimum?: number;
      maximum?: number;
      value?: number;
      inclusive?: boolean;
    };
  };
};
type ZodDef = {
  type?: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  element?: unknown;
  in?: unknown;
  options?: unknown[];
  entries?: Record<string, string | number>;
  values?: (string | number | boolean | null)[];
  checks?: ZodCheck[];
  format?: string;
  pattern?: RegExp;
  coerce?: boolean;
};

function defOf(schema: unknown): ZodDef | undefined {
  if (typeof schema !== 'object' || schema === null || !('_zod' in schema)) return undefined;
  const zod = (schema as { _zod?: { def?: ZodDef } })._zod;
  return zod?.def;
}

/** Whether a value is a Zod schema (routes may carry JSON schemas or nothing at all). */
export const isZod = (schema: unknown) => defOf(schema) !== undefined;

function checksOf(def: ZodDef) {
  return (def.checks ?? []).map((c) => c._zod?.def ?? {});
}

/** A Zod v4 schema, described (what is not understood is `unknown`: fuzzed generically). */
export function shapeOf(schema: unknown): Shape {
  const def = defOf(schema);
  if (!def) return { kind: 'unknown' };
  switch (def.type) {
    case 'object': {
      const fields: Record<string, { shape: Shape; optional: boolean }> = {};
      for (const [key, value] of Object.entries(def.shape ?? {})) {
        const inner = defOf(value);
        const optional = inner?.type === 'optional' || inner?.type === 'default';
        fields[key] = { shape: shapeOf(value), optional };
      }
      return { kind: 'object', fields };
    }
    case 'optional':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return shapeOf(def.innerType);
    case 'nullable':
      return { kind: 'nullable', inner: shapeOf(def.innerType) };
    case 'pipe': {
      // A string piped into a format (an email: trimmed, then checked): both sides' rules.
      const a = shapeOf(def.in);
      const b = shapeOf((def as { out?: unknown }).out);
      if (a.kind === 'string' && b.kind === 'string') {
        return {
          kind: 'string',
          min: Math.max(a.min, b.min),
          max: Math.min(a.max, b.max),
          format: a.format ?? b.format,
          pattern: a.pattern ?? b.pattern,
        };
      }
      return a;
    }
    case 'array': {
      let min = 0;
      let max = 20;
      for (const c of checksOf(def)) {
        if (c.check === 'min_length' && c.minimum !== undefined) min = c.minimum;
        if (c.check === 'max_length' && c.maximum !== undefined) max = c.maximum;
      }
      return { kind: 'array', element: shapeOf(def.element), min, max: Math.min(max, 20) };
    }
    case 'union':
      return { kind: 'union', options: (def.options ?? []).map(shapeOf) };
    case 'enum':
      return { kind: 'enum', values: Object.values(def.entries ?? {}) };
    case 'literal':
      return { kind: 'enum', values: def.values ?? [] };
    case 'boolean':
      return { kind: 'boolean' };
    case 'string': {
      let min = 0;
      let max = 1000;
      let pattern: RegExp | undefined;
      for (const c of checksOf(def)) {
        if (c.check === 'min_length' && c.minimum !== undefined) min = c.minimum;
        if (c.check === 'max_length' && c.maximum !== undefined) max = c.maximum;
        if (c.check === 'string_format' && c.format === 'regex') pattern = c.pattern;
      }
      return { kind: 'string', min, max, format: def.format, pattern };
    }
    case 'number':
    case 'int': {
      let min = -1_000_000;
      let max = 1_000_000;
      let int = def.type === 'int';
      for (const c of checksOf(def)) {
        if (c.check === 'greater_than' && c.value !== undefined) {
          min = c.inclusive ? c.value : c.value + 1;
        }
        if (c.check === 'less_than' && c.value !== undefined) {
          max = c.inclusive ? c.value : c.value - 1;
        }
        if (c.check === 'number_format' && (c.format === 'safeint' || c.format === 'int32')) {
          int = true;
        }
      }
      return { kind: 'number', min, max, int, coerce: def.coerce === true };
    }
    default:
      return { kind: 'unknown' };
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile strings

export const SQL = [
  "'; drop table users; --",
  "' or 1=1 --",
  "' OR '1'='1",
  '1; select pg_sleep(0); --',
  "'); delete from relationships; --",
  '" or ""="',
  "\\'; truncate sessions cascade; --",
  '$1',
  '$$; drop table users; $$',
  "E'\\x00'",
  '%',
  '_',
  '\\',
];

export const HTML = [
  '<script>window.__xss=1</script>',
  '<img src=x onerror="window.__xss=1">',
  '"><svg onload=alert(1)>',
  "'><iframe src=javascript:alert(1)>",
  'javascript:alert(1)',
  '<a href="javascript:alert(1)">click</a>',
  '</textarea><script>alert(1)</script>',
  '{{constructor.constructor("alert(1)")()}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection payload, as text
  '${7*7}',
  '<!--',
  ']]>',
  '&lt;script&gt;',
  '<style>*{display:none}</style>',
];

export const UNICODE = [
  '\uD800',
  '\uDFFF',
  'a\uD83Db',
  '\u0000',
  'before\u0000after',
  '\u202Eevil\u202C',
  '\u200D\u200D\u200D',
  '\u200B\uFEFF',
  '👨‍👩‍👧‍👦',
  '🏳️‍🌈',
  'e\u0301\u0301\u0301\u0301\u0301\u0301',
  'Z̸̛̗̰̫͓̩̀͂̆͊a̴̢̛̞͔̦͊̈́l̵̙̓g̶̦̈́o̴̙͂',
  '\r\nSet-Cookie: x=y',
  '\u2028\u2029',
  '\u0085\u001b[31m',
  '\uFFFF\uFFFE',
  '\u{10FFFF}',
  '🧑🏽‍🦱'.repeat(3),
  'ﷺ'.repeat(20),
  '\t',
  ' ',
  '',
];

export const PATHS = [
  '../../etc/passwd',
  '..%2f..%2f',
  '/api/me',
  '%00',
  '%s%s%s%n',
  'null',
  'NaN',
];

const FRAGMENTS = [...SQL, ...HTML, ...UNICODE, ...PATHS, 'a', 'é', '0', '-'];

/** One hostile string: a known payload, a mix of them, random code units, or a very long one. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...FRAGMENTS) },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.constantFrom(...FRAGMENTS), { minLength: 2, maxLength: 8 })
      .map((parts) => parts.join('')),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  // UTF-16 code units of any kind, lone surrogates included.
  {
    weight: 1,
    arbitrary: fc
      .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 30 })
      .map((units) => String.fromCharCode(...units)),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...FRAGMENTS, 'x', '🧑🏽‍🦱'), fc.integer({ min: 200, max: 150_000 }))
      .map(([unit, length]) => unit.repeat(Math.ceil(length / Math.max(unit.length, 1)))),
  },
);

// ---------------------------------------------------------------------------------------------
// Valid-looking values

/**
 * Ids the world can offer for fields that name one (`…Id`, `…Ids`, `ids`): by field name where
 * the world knows what the field names, else any of its ids.
 */
export type Refs = { ids: string[]; byField: Record<string, string[]> };

const DAY = 86_400_000;
const hoursFromNow = (min: number, max: number) =>
  fc.integer({ min, max }).map((hours) => new Date(Date.now() + hours * 3_600_000).toISOString());
/** Times to come by default: most routes schedule things. */
const when = hoursFromNow(24, 60 * 24);
const localDate = fc
  .integer({ min: 0, max: 60 })
  .map((days) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10));

/** Hints by field name, for strings whose rule is a refinement the schema walk cannot see. */
const BY_NAME: Record<string, fc.Arbitrary<unknown>> = {
  time: fc.constantFrom('09:00', '10:30', '16:00', '23:59'),
  timezone: fc.constantFrom('Europe/London', 'UTC', 'America/New_York', 'Asia/Kolkata'),
  timeZone: fc.constantFrom('Europe/London', 'UTC', 'Pacific/Chatham'),
  startsOn: localDate,
  endsOn: localDate,
  // Long enough, and not a common one, so registration gets as far as the database.
  password: fc.uuid().map((u) => `a fuzzed password ${u}`),
  newPassword: fc.uuid().map((u) => `a fuzzed password ${u}`),
  // Things that happened: now (after anything the world made), or in the past.
  at: fc.constant(null).map(() => new Date().toISOString()),
  occurredAt: hoursFromNow(-30 * 24, -1),
  asOf: hoursFromNow(-30 * 24, 0),
};

/** Valid values never sent on purpose: they would end the world the fuzzing runs in. */
const AVOID = new Set<unknown>(['ended']);

function idLike(key: string | undefined): boolean {
  return key !== undefined && /(Id|Ids|^ids)$/.test(key);
}

/** The fields of an object shape that take free text (not ids, times, emails, or hinted). */
export function textFields(shape: Shape): string[] {
  if (shape.kind !== 'object') return [];
  return Object.entries(shape.fields)
    .filter(([key, field]) => {
      const inner = field.shape.kind === 'nullable' ? field.shape.inner : field.shape;
      return (
        inner.kind === 'string' &&
        inner.format === undefined &&
        inner.pattern === undefined &&
        !idLike(key) &&
        !BY_NAME[key]
      );
    })
    .map(([key]) => key);
}

/** A value that the shape accepts (or very nearly: refinements are unknown to the walk). */
export function valid(shape: Shape, refs: Refs, key?: string): fc.Arbitrary<unknown> {
  const hint = key ? BY_NAME[key] : undefined;
  if (hint && shape.kind === 'string') return hint;
  switch (shape.kind) {
    case 'object': {
      // Required fields always; optional ones half the time, and an optional reference to
      // another object only when the world says which objects it may name.
      const entries = Object.entries(shape.fields).filter(
        ([k, f]) => !f.optional || !idLike(k) || refs.byField[k] !== undefined,
      );
      return fc
        .tuple(
          ...entries.map(([k, f]) =>
            f.optional
              ? fc.option(valid(f.shape, refs, k), { nil: undefined })
              : valid(f.shape, refs, k),
          ),
        )
        .map((values) =>
          Object.fromEntries(
            entries.flatMap(([k], i) => (values[i] === undefined ? [] : [[k, values[i]]])),
          ),
        );
    }
    case 'string': {
      const named = key === undefined ? undefined : refs.byField[key];
      if (named?.length) return fc.constantFrom(...named);
      if (idLike(key) || shape.format === 'uuid') {
        return fc.oneof(fc.constantFrom(...refs.ids), fc.uuid());
      }
      if (shape.format === 'datetime') return when;
      if (shape.format === 'date') return localDate;
      if (shape.format === 'email') {
        return fc.nat().map((n) => `fuzz-${n}-${randomUUID().slice(0, 8)}@example.test`);
      }
      if (shape.pattern) return fc.stringMatching(shape.pattern, { maxLength: shape.max });
      const min = Math.max(shape.min, 1);
      return fc
        .string({ minLength: min, maxLength: Math.max(min, Math.min(shape.max, 30)) })
        .map((s) => (s.trim().length >= min ? s : `${s}${'x'.repeat(min)}`).slice(0, shape.max));
    }
    case 'number':
      return shape.int
        ? fc.integer({ min: shape.min, max: shape.max })
        : fc.double({ min: shape.min, max: shape.max, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'enum': {
      const values = shape.values.filter((v) => !AVOID.has(v));
      return values.length ? fc.constantFrom(...values) : fc.constant(null);
    }
    case 'array':
      return fc.array(valid(shape.element, refs, key), {
        minLength: shape.min,
        maxLength: Math.max(shape.min, Math.min(shape.max, 3)),
      });
    case 'union':
      return shape.options.length
        ? fc.oneof(...shape.options.map((o) => valid(o, refs, key)))
        : fc.constant(null);
    case 'nullable':
      return fc.oneof(fc.constant(null), valid(shape.inner, refs, key));
    case 'unknown':
      return fc.constant({});
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile values

const WEIRD_NUMBERS = [
  1e308,
  -1e308,
  -0,
  0.5,
  -1,
  2 ** 53 + 2,
  -(2 ** 31) - 1,
  Number.MIN_VALUE,
  Number.EPSILON,
];
/** Numbers as JSON text can write them and JSON.stringify cannot. */
const RAW_NUMBERS = ['1e999', '-1e999', '1e-400', '123456789012345678901234567890', '-0.0', '0e0'];

const deep = (depth: number, leaf: unknown): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
};

/** A value of some JSON type the shape does not accept. */
export function wrongType(shape: Shape): fc.Arbitrary<unknown> {
  const all: [string, fc.Arbitrary<unknown>][] = [
    ['string', hostileString],
    ['number', fc.constantFrom(...WEIRD_NUMBERS, 0, 7)],
    ['boolean', fc.boolean()],
    ['null', fc.constant(null)],
    ['array', fc.array(fc.oneof(hostileString, fc.integer()), { maxLength: 5 })],
    ['object', fc.dictionary(fc.constantFrom('a', 'constructor', 'toString', 'valueOf'), fc.nat())],
    [
      'nan-as-string',
      fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e308', '-0', 'true', 'null'),
    ],
    ['deep', fc.integer({ min: 10, max: 2000 }).map((d) => deep(d, 'x'))],
  ];
  const kind = shape.kind === 'nullable' ? shape.inner.kind : shape.kind;
  const bad = all.filter(([k]) => {
    if (kind === 'string' || kind === 'enum') return k !== 'string' && k !== 'nan-as-string';
    if (kind === 'number') return k !== 'number';
    if (kind === 'boolean') return k !== 'boolean';
    if (kind === 'array') return k !== 'array';
    if (kind === 'object') return k !== 'object';
    return true;
  });
  return fc.oneof(...bad.map(([, arb]) => arb));
}

/** A value of the right type made hostile: hostile strings, odd numbers, huge arrays. */
function hostileOfType(shape: Shape, refs: Refs, key: string): fc.Arbitrary<unknown> {
  switch (shape.kind) {
    case 'string':
      return hostileString;
    case 'number':
      return fc.constantFrom(...WEIRD_NUMBERS, shape.min - 1, shape.max + 1, shape.min, shape.max);
    case 'nullable':
      return hostileOfType(shape.inner, refs, key);
    case 'array':
      return fc.oneof(
        fc.array(hostileOfType(shape.element, refs, key), { maxLength: 4 }),
        fc
          .tuple(fc.integer({ min: 51, max: 60_000 }), valid(shape.element, refs, key))
          .map(([n, item]) => Array.from({ length: n }, () => item)),
      );
    case 'object':
      return fc.oneof(valid(shape, refs), fc.constant([]), fc.constant([{}]));
    default:
      return wrongType(shape);
  }
}

// ---------------------------------------------------------------------------------------------
// Whole requests

/** One hostile body: the raw text sent and its content type (null: no content-type header). */
export type BodyCase = {
  label: string;
  payload: string | undefined;
  contentType: string | null;
  /** A hostile value put in place of the path's ids, when set. */
  pathId?: string;
};

const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'];
const POLLUTER = '{"polluted":"yes","isAdmin":true,"role":"therapist","toString":"x"}';

/** A summary of a case for fast-check's report: the texts may be 150k characters long. */
function summarise<T extends { label: string }>(value: T, ...texts: (string | undefined)[]): T {
  const short = texts
    .filter((t) => t !== undefined)
    .map((t) => {
      const s = JSON.stringify(t) ?? '';
      return s.length > 400 ? `${s.slice(0, 400)}… (${t?.length} chars)` : s;
    });
  Object.defineProperty(value, fc.toStringMethod, {
    value: () => `${value.label}: ${short.join(' ')}`,
    enumerable: false,
  });
  return value;
}

function json(label: string, value: unknown): BodyCase {
  const payload = JSON.stringify(value) ?? 'null';
  return summarise({ label, payload, contentType: 'application/json' }, payload);
}

/** Puts a raw JSON text in as the value of `key` (or as a new key) of an object's JSON text. */
function withRawKey(base: unknown, key: string, rawValue: string): string {
  const text = JSON.stringify(base);
  const pair = `${JSON.stringify(key)}:${rawValue}`;
  if (text === undefined || !text.startsWith('{')) return `{${pair}}`;
  return text === '{}' ? `{${pair}}` : `{${pair},${text.slice(1)}`;
}

const INVALID_JSON = [
  '{',
  '}',
  '{"a":',
  '[1,2',
  'undefined',
  'NaN',
  '{"a":NaN}',
  "{'a':1}",
  '{"a":1,}',
  '{a:1}',
  '\uFEFF{}',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  '"unterminated',
  '{"a":1}{"b":2}',
  '{"a":1} trailing',
  '\u0000',
  '//comment\n{}',
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"a":{"__proto__":{"polluted":"yes"}}}',
  '[{"__proto__":{"polluted":"yes"}}]',
];

/** Bodies that are not JSON at all, sent with the content types a hostile client would pick. */
export const rawBody: fc.Arbitrary<BodyCase> = fc.oneof(
  fc
    .constantFrom(...INVALID_JSON)
    .map((payload) =>
      summarise(
        { label: 'invalid or hostile JSON text', payload, contentType: 'application/json' },
        payload,
      ),
    ),
  fc
    .tuple(
      fc.constantFrom(
        'text/plain',
        'text/html',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/jsonx',
        'application/json; charset=utf-16',
        'application/json; charset=latin1',
        'APPLICATION/JSON',
        'application/json;;;',
        '*/*',
        '',
        null,
      ),
      fc.constantFrom(
        '{}',
        'a=1&__proto__[polluted]=yes',
        '<script>window.__xss=1</script>',
        '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
        '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
        '',
      ),
    )
    .map(([contentType, payload]) =>
      summarise({ label: `content-type ${contentType}`, payload, contentType }, payload),
    ),
  fc.integer({ min: 1_000, max: 60_000 }).map((depth) => {
    const payload = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    return summarise(
      { label: `nested ${depth} deep`, payload, contentType: 'application/json' },
      payload,
    );
  }),
  fc.integer({ min: 1_000, max: 30_000 }).map((depth) => {
    const payload = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    return summarise(
      { label: `objects ${depth} deep`, payload, contentType: 'application/json' },
      payload,
    );
  }),
  fc.constantFrom(1_100_000, 2_000_000).map((size) => {
    const payload = JSON.stringify({ text: 'x'.repeat(size) });
    return summarise(
      {
        label: `${size} characters (over the 1 MiB limit)`,
        payload,
        contentType: 'application/json',
      },
      payload,
    );
  }),
  fc.integer({ min: 10_000, max: 150_000 }).map((n) => {
    const payload = `[${Array.from({ length: n }, (_, i) => i).join(',')}]`;
    return summarise(
      { label: `array of ${n} numbers`, payload, contentType: 'application/json' },
      payload,
    );
  }),
  fc
    .constantFrom('null', 'true', '0', '"string"', '[]', '[{}]', '1e308', '-0', ...RAW_NUMBERS)
    .map((payload) =>
      summarise(
        { label: 'a JSON value that is not an object', payload, contentType: 'application/json' },
        payload,
      ),
    ),
);

/** The case with a hostile value for the path's ids too. */
function withPathId(c: BodyCase, pathId: string): BodyCase {
  return summarise({ ...c, pathId }, c.payload, `path id ${pathId}`);
}

/**
 * Hostile bodies for a route's body shape: built on a valid base, so the one broken thing is what
 * the route sees. Some also put a hostile value in place of the path's ids (SQL, not a uuid…).
 */
export function bodyCases(shape: Shape, refs: Refs): fc.Arbitrary<BodyCase> {
  const base = valid(shape, refs);
  const object = shape.kind === 'object' ? shape : undefined;
  const keys = object ? Object.keys(object.fields) : [];
  const arbs: fc.Arbitrary<BodyCase>[] = [rawBody];
  arbs.push(
    fc
      .tuple(
        base,
        fc.constantFrom(...POLLUTION_KEYS),
        fc.constantFrom(POLLUTER, `{"prototype":${POLLUTER}}`, `[${POLLUTER}]`, '"polluted"'),
      )
      .map(([value, key, raw]) => {
        const payload = withRawKey(value, key, raw);
        return summarise(
          { label: `own key ${key}`, payload, contentType: 'application/json' },
          payload,
        );
      }),
    fc
      .tuple(base, fc.constantFrom(...POLLUTION_KEYS), fc.integer({ min: 1, max: 6 }))
      .map(([value, key, depth]) => {
        let raw = POLLUTER;
        for (let i = 0; i < depth; i++)
          raw = `{${JSON.stringify(i % 2 ? 'prototype' : key)}:${raw}}`;
        const payload = withRawKey(value, 'nested', raw);
        return summarise(
          { label: `nested ${key}`, payload, contentType: 'application/json' },
          payload,
        );
      }),
    fc
      .tuple(
        base,
        fc.constantFrom(
          'unknownField',
          'id',
          'clientId',
          'userId',
          'role',
          'isAdmin',
          'toString',
          'hasOwnProperty',
        ),
        hostileString,
      )
      .map(([value, key, extra]) =>
        json(
          `extra field ${key}`,
          typeof value === 'object' && value && !Array.isArray(value)
            ? { ...value, [key]: extra }
            : { [key]: extra },
        ),
      ),
    base.map((value) => json('valid-looking base', value)),
    fc
      .tuple(base, hostileString)
      .map(([value, id]) => withPathId(json('hostile id in the path', value), id)),
    fc
      .constantFrom(
        "'; drop table users; --",
        "00000000-0000-0000-0000-000000000000' or '1'='1",
        'x'.repeat(101),
        'not-a-uuid',
        '%00',
        '..',
        '__proto__',
        '\uD800',
        '1e308',
        '-1',
        '<script>window.__xss=1</script>',
      )
      .chain((id) => base.map((value) => withPathId(json('hostile id', value), id))),
  );
  if (object && keys.length > 0) {
    const key = fc.constantFrom(...keys);
    arbs.push(
      // Wrong types, one field at a time.
      fc
        .tuple(base, key)
        .chain(([value, k]) =>
          wrongType(object.fields[k]!.shape).map((bad) =>
            json(`wrong type for ${k}`, { ...(value as object), [k]: bad }),
          ),
        ),
      // The right type, made hostile (strings, boundaries, huge arrays), one field at a time…
      fc
        .tuple(base, key)
        .chain(([value, k]) =>
          hostileOfType(object.fields[k]!.shape, refs, k).map((bad) =>
            json(`hostile ${k}`, { ...(value as object), [k]: bad }),
          ),
        ),
      // …and every string field at once (the base keeps the rest valid, so these get stored).
      fc
        .tuple(base, fc.array(hostileString, { minLength: keys.length, maxLength: keys.length }))
        .map(([value, strings]) => {
          const body: Record<string, unknown> = { ...(value as object) };
          const texts = textFields(object);
          keys.forEach((k, i) => {
            const field = object.fields[k]!.shape;
            const inner = field.kind === 'nullable' ? field.inner : field;
            if (texts.includes(k) && inner.kind === 'string') {
              body[k] = strings[i]!.slice(0, inner.max);
            }
          });
          return json('every text field hostile, within its length', body);
        }),
      // Raw numbers JSON.stringify cannot write.
      fc.tuple(base, key, fc.constantFrom(...RAW_NUMBERS)).map(([value, k, raw]) => {
        const rest = { ...(value as Record<string, unknown>) };
        delete rest[k];
        const payload = withRawKey(rest, k, raw);
        return summarise(
          { label: `raw number for ${k}`, payload, contentType: 'application/json' },
          payload,
        );
      }),
      // Required fields missing.
      base.map((value) =>
        json(
          'required field missing',
          Object.fromEntries(Object.entries(value as object).slice(1)),
        ),
      ),
      // An array where the object is expected.
      base.map((value) => json('array of the body', [value, value])),
    );
  } else {
    arbs.push(
      fc.jsonValue({ maxDepth: 4 }).map((value) => json('any JSON', value)),
      hostileString.map((s) => json('a hostile string', { [s.slice(0, 50) || 'k']: s })),
    );
  }
  return fc.oneof(...arbs);
}

// ---------------------------------------------------------------------------------------------
// Query strings

export type QueryCase = { label: string; query: string };

export const enc = (s: string) => {
  try {
    return encodeURIComponent(s);
  } catch {
    // A lone surrogate cannot be encoded: send its code units raw-escaped as garbage.
    return [...s].map((c) => `%${(c.charCodeAt(0) & 0xff).toString(16).padStart(2, '0')}`).join('');
  }
};

const RAW_QUERIES = [
  '%',
  '%ZZ',
  '%00',
  '%C0%AF',
  '%ED%A0%80',
  '%FF%FE',
  '&&&',
  '=',
  '==',
  '?',
  '#',
  '__proto__[polluted]=yes',
  '__proto__.polluted=yes',
  'constructor[prototype][polluted]=yes',
  'constructor.prototype.polluted=yes',
  '__proto__=x',
  'a[]=1&a[]=2',
  'a[b][c]=1',
];

/** Hostile query strings for a route's querystring shape (known keys broken, unknown ones added). */
export function queryCases(shape: Shape, refs: Refs): fc.Arbitrary<QueryCase> {
  const object = shape.kind === 'object' ? shape : undefined;
  const keys = object ? Object.keys(object.fields) : [];
  const value = fc.oneof(
    hostileString.map((s) => s.slice(0, 8_000)),
    fc.constantFrom('', 'NaN', '1e308', '-0', '-1', '0', '0x10', '1.5', 'true', 'null', '[]', '{}'),
    fc.constantFrom(...refs.ids),
  );
  const arbs: fc.Arbitrary<QueryCase>[] = [
    fc.constantFrom(...RAW_QUERIES).map((query) => ({ label: 'raw query', query })),
    fc
      .array(
        fc.tuple(fc.constantFrom('x', '__proto__', 'constructor', 'toString', ...keys), value),
        {
          minLength: 1,
          maxLength: 4,
        },
      )
      .map((pairs) =>
        summarise(
          { label: 'pairs', query: pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&') },
          pairs.map(([k, v]) => `${k}=${v}`).join('&'),
        ),
      ),
  ];
  if (keys.length > 0) {
    arbs.push(
      // Every known key, repeated (an array where a string is expected).
      fc
        .constantFrom(...keys)
        .map((k) => ({ label: `repeated ${k}`, query: `${k}=1&${k}=2&${k}=3` })),
      // A valid base with one key hostile.
      fc.tuple(valid(shape, refs), fc.constantFrom(...keys), value).map(([base, k, v]) => {
        const pairs = Object.entries(base as object).filter(([key]) => key !== k);
        pairs.push([k, v]);
        const query = pairs.map(([key, val]) => `${enc(key)}=${enc(String(val))}`).join('&');
        return summarise({ label: `hostile ${k}`, query }, `${k}=${v}`);
      }),
    );
  }
  return fc.oneof(...arbs);
}
