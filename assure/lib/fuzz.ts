// Fuzzing Xinyu's HTTP API from its own OpenAPI document (issue 7, parts 1 and 2).
//
// Requests are generated with fast-check from each operation's JSON schemas, seeded, so a run is
// repeatable: valid ones (path ids harvested from the demo data the caller can see, bodies and
// queries from the schemas) and invalid ones (missing fields, wrong types, huge values, odd strings
// — unicode, RTL, NUL, emoji, SQL and script fragments, a CRLF + forged JSON log line, path
// traversal —, long and negative numbers, dates out of range, duplicated keys, deep nesting,
// malformed JSON, wrong content types, prototype keys). Each answer goes through the oracles: no 5xx;
// the answer matches the schema the route declares for its status (else the error shape
// {error:{code,message}}); no stack trace, SQL text, file path or driver message. Mass-assignment
// probes add fields such as schoolId or role to a valid body: each must be refused with 400 naming
// the field, and no table may change.
//
// The same harness runs small inside `npm test` (packages/server/src/http/fuzz.test.ts, app.inject)
// and large in `npm run assure` (assure/checks/20-fuzz.ts, over HTTP against a real server whose log
// is checked line by line).
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { objectBranches, operationsOf, type JsonSchema, type OpenApiDocument, type Operation } from './openapi.js';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../packages/server/src/db/client.js';
import { BODY_LIMIT_BYTES } from '../../packages/server/src/app.js';

export { operationsOf, type Operation, type OpenApiDocument };

// ---------------------------------------------------------------------------------------------
// transport

export interface WireRequest {
  method: Operation['method'];
  /** path and query, e.g. /api/v1/alerts?page=1 */
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

export interface WireResponse {
  status: number;
  contentType: string;
  body: string;
  /** the Set-Cookie headers (a sign-in's session) */
  setCookies?: string[];
}

export type Send = (req: WireRequest) => Promise<WireResponse>;

/** A signed-in account the harness sends requests as. */
export interface FuzzSession {
  username: string;
  accountId: string;
  permissions: Set<string>;
  cookie: string;
  csrf: string;
  /** signs in again (after a fuzzed logout or a revoked session) */
  relogin(): Promise<void>;
}

/** What a route declared it needs (collected by buildApp's access hook). */
export type DeclaredAccess = string | readonly string[];

// ---------------------------------------------------------------------------------------------
// strings and numbers that have broken servers before

/** A forged log record: if this ever stands on its own line of the server's log, a log line was forged. */
export const FORGED_MESSAGE = 'FORGED-LOG-LINE-xinyu-fuzz';
const FORGED_RECORD = `{"level":30,"time":1,"pid":1,"hostname":"fuzz","msg":"${FORGED_MESSAGE}"}`;

export const ODD_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\r\n' + FORGED_RECORD + '\r\n',
  '\n' + FORGED_RECORD,
  '\u202Eevil\u202C‮ טקסט עברי العربية',
  '😀👨‍👩‍👧‍👦🏳️‍🌈',
  'Z͑ͫ̓ͪ̂ͫ̽͏̴̙̤̞͉͚̯̞̠͍A̴̵̜̰͔ͫ͗͢L̠ͨͧͩ͘G̴̻͈͍͔̹̑͗̎̅͛́Ǫ̵̹̻̝̳͂̌̌͘',
  '\uD800',
  '\uFFFF\uFFFE',
  "' OR '1'='1' --",
  "'; DROP TABLE students; --",
  '1) UNION ALL SELECT NULL,NULL--',
  '$1',
  '%s%s%s%n',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '{{7*7}}${7*7}',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%00%2e%2e%2f',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e999',
  '9'.repeat(400),
  '__proto__',
  '心'.repeat(5000),
];

const ODD_PATH_VALUES: readonly string[] = [
  '0', '-1', '1.5', '99999999999999999999999', '1e999', 'NaN', 'Infinity', 'null', ' 1', '0x10', '١٢٣',
  '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '12345678-1234-0234-0234-123456789012',
  "1' OR '1'='1", '..%2F..%2Fetc%2Fpasswd', '%00', '%E2%80%AE', '%F0%9F%98%80', 'x'.repeat(3000),
  encodeURIComponent('\r\n' + FORGED_RECORD),
];

const ODD_DATES: readonly string[] = ['0000-01-01', '9999-12-31', '2026-02-30', '2026-13-01', '1900-01-01', '+275760-09-13', '-000001-01-01', '2026-11-25T25:61:00Z', '20261125', ''];
const ODD_NUMBERS_RAW: readonly string[] = ['-1', '0', '1.5', '-2147483649', '2147483648', '9223372036854775808', '1e308', '-1e308', '1' + '0'.repeat(400), '9007199254740993', '1e-400', '-0.0'];

// mass assignment: fields that would change scope, ownership or privilege if a route took them
export const MASS_FIELDS: Readonly<Record<string, unknown>> = {
  schoolId: 1, orgUnitId: 1, regionId: 1, districtId: 1, role: 'system_admin', roles: ['system_admin'], level: 'red',
  accountId: '00000000-0000-4000-8000-000000000001', createdBy: '00000000-0000-4000-8000-000000000001',
  id: '00000000-0000-4000-8000-000000000001', isAdmin: true, orgPath: '/', status: 'closed',
  permissions: ['audit.read'], ownerId: '00000000-0000-4000-8000-000000000001', createdAt: '2000-01-01T00:00:00Z',
};

// ---------------------------------------------------------------------------------------------
// ids of real records, harvested from what the signed-in callers can list

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ALIASES: Record<string, string[]> = {
  unitId: ['orgUnitId', 'schoolId', 'classId'],
  orgUnitId: ['schoolId', 'classId', 'unitId'],
  schoolId: ['orgUnitId'],
  classId: ['orgUnitId'],
  memberId: ['accountId', 'staffId'],
  taskId: ['id'],
};

export class IdPool {
  private byName = new Map<string, Set<string | number>>();
  private byPath = new Map<string, Set<string | number>>();
  /** never fed to a route: the fuzzing accounts and their role assignments (a fuzzed disable would end the run) */
  readonly exclude = new Set<string>();

  add(name: string, value: string | number): void {
    if (this.exclude.has(String(value))) return;
    let s = this.byName.get(name);
    if (!s) this.byName.set(name, (s = new Set()));
    if (s.size < 200) s.add(value);
  }

  /** Collects ids from a JSON answer of GET `path` (its template). */
  harvest(path: string, json: unknown): void {
    const listPath = path.replace(/\/\{\w+\}$/, '');
    const walk = (v: unknown, depth: number, top: boolean) => {
      if (depth > 6 || v === null || typeof v !== 'object') return;
      if (Array.isArray(v)) {
        for (const x of v.slice(0, 100)) walk(x, depth + 1, top);
        return;
      }
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const idLike = (typeof x === 'string' && UUID_RE.test(x)) || (typeof x === 'number' && Number.isInteger(x) && x > 0);
        if (idLike && (k === 'id' || k.endsWith('Id') || k === 'seq')) {
          this.add(k, x as string | number);
          if (k === 'id' && top && !this.exclude.has(String(x))) {
            let s = this.byPath.get(listPath);
            if (!s) this.byPath.set(listPath, (s = new Set()));
            if (s.size < 200) s.add(x as string | number);
          }
        }
        if ((k === 'key' || k === 'version' || k === 'tier') && (typeof x === 'string' || typeof x === 'number') && String(x).length < 80) this.add(k, x);
        // the records of a list sit one level down (items, rows …), nested ones further
        walk(x, depth + 1, top && depth < 2 && (Array.isArray(x) || k === 'items' || k === 'rows'));
      }
    };
    walk(json, 0, true);
  }

  /** Candidate values for a parameter or body field named `name` of a route at `path`. */
  candidates(name: string, path?: string): (string | number)[] {
    if (path && name === 'id') {
      const prefix = path.slice(0, path.indexOf('{id}') - 1);
      const s = this.byPath.get(prefix);
      if (s?.size) return [...s];
    }
    for (const n of [name, ...(ALIASES[name] ?? [])]) {
      const s = this.byName.get(n);
      if (s?.size) return [...s];
    }
    return [];
  }

  get size(): number {
    let n = 0;
    for (const s of this.byName.values()) n += s.size;
    return n;
  }
}

// ---------------------------------------------------------------------------------------------
// JSON schema → fast-check arbitrary

const TEXT_UNIT = fc.constantFrom(...'心理健康教育学生老师家长班级学校关爱 abcdefgXYZ0123456789-_.'.split(''));

function numeric(s: JsonSchema, integer: boolean): { min: number; max: number } {
  let min = typeof s.minimum === 'number' ? s.minimum : integer ? 0 : 0;
  let max = typeof s.maximum === 'number' ? s.maximum : min + 1000;
  if (typeof s.exclusiveMinimum === 'number') min = s.exclusiveMinimum + (integer ? 1 : 1e-6);
  else if (s.exclusiveMinimum === true) min += integer ? 1 : 1e-6;
  if (typeof s.exclusiveMaximum === 'number') max = s.exclusiveMaximum - (integer ? 1 : 1e-6);
  else if (s.exclusiveMaximum === true) max -= integer ? 1 : 1e-6;
  // realistic values: near the lower bound, not across the whole int range
  min = Math.max(min, -1000);
  max = Math.min(max, Math.max(min, 0) + 1000);
  if (max < min) max = min;
  return { min, max };
}

function typeOf(s: JsonSchema): string | undefined {
  if (Array.isArray(s.type)) return s.type.find((t) => t !== 'null');
  if (s.type) return s.type;
  if (s.properties) return 'object';
  if (s.items) return 'array';
  return undefined;
}

export function arbitraryOf(s: JsonSchema, pool: IdPool, name = '', path = ''): fc.Arbitrary<unknown> {
  const base = ((): fc.Arbitrary<unknown> => {
    const union = s.oneOf ?? s.anyOf;
    if (union?.length) return fc.oneof(...union.map((x) => arbitraryOf(x, pool, name, path)));
    if (s.allOf?.length) return arbitraryOf(s.allOf[0]!, pool, name, path);
    if (s.enum?.length) return fc.constantFrom(...s.enum);
    if (s.const !== undefined) return fc.constant(s.const);
    const type = typeOf(s);
    const known = name ? pool.candidates(name, path) : [];
    switch (type) {
      case 'string': {
        const ids = known.filter((v): v is string => typeof v === 'string');
        if (ids.length && (s.format === 'uuid' || !s.format)) return fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: stringOf(s) });
        return stringOf(s);
      }
      case 'integer':
      case 'number': {
        const ids = known.filter((v): v is number => typeof v === 'number');
        const { min, max } = numeric(s, type === 'integer');
        const within = ids.filter((v) => v >= (s.minimum ?? -Infinity) && v <= (s.maximum ?? Infinity));
        const gen = type === 'integer' ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
        return within.length ? fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...within) }, { weight: 1, arbitrary: gen }) : gen;
      }
      case 'boolean':
        return fc.boolean();
      case 'array': {
        const minLength = s.minItems ?? 0;
        const maxLength = Math.min(s.maxItems ?? minLength + 4, minLength + 4);
        return fc.array(arbitraryOf(s.items ?? {}, pool, singular(name), path), { minLength, maxLength });
      }
      case 'object': {
        const props = s.properties ?? {};
        const model: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [k, v] of Object.entries(props)) model[k] = arbitraryOf(v, pool, k, path);
        const requiredKeys = (s.required ?? []).filter((k) => k in props);
        if (!Object.keys(model).length && s.additionalProperties && typeof s.additionalProperties === 'object') {
          return fc.dictionary(fc.string({ unit: TEXT_UNIT, minLength: 1, maxLength: 8 }), arbitraryOf(s.additionalProperties, pool), { maxKeys: 3 });
        }
        return fc.record(model, { requiredKeys });
      }
      case undefined:
      default:
        return fc.oneof(fc.string({ maxLength: 5 }), fc.integer({ min: 0, max: 100 }), fc.boolean());
    }
  })();
  return s.nullable ? fc.option(base, { nil: null, freq: 6 }) : base;
}

function singular(name: string): string {
  if (name.endsWith('Ids')) return name.slice(0, -1);
  return name;
}

function stringOf(s: JsonSchema): fc.Arbitrary<string> {
  const minLength = s.minLength ?? 0;
  const maxLength = Math.min(s.maxLength ?? minLength + 24, minLength + 24);
  const fits = (x: string) => x.length >= minLength && x.length <= (s.maxLength ?? Infinity);
  switch (s.format) {
    case 'uuid':
      return fc.uuid({ version: 4 });
    case 'date':
      return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    case 'date-time':
      return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'email':
      return fc.emailAddress().filter(fits);
    case undefined:
    default:
      break;
  }
  if (s.pattern) {
    try {
      return fc.stringMatching(new RegExp(s.pattern)).filter(fits);
    } catch {
      // a pattern JavaScript cannot compile falls through to plain text
    }
  }
  return fc.string({ unit: TEXT_UNIT, minLength, maxLength }).map((x) => (minLength > 0 ? x.trim().padEnd(minLength, '心') : x)).filter(fits);
}

// ---------------------------------------------------------------------------------------------
// requests

export interface FuzzRequest extends WireRequest {
  op: Operation;
  /** valid, or the name of the mutation */
  kind: string;
}

interface Parts {
  path: Record<string, string>;
  query: [string, string][];
  headers: Record<string, string>;
  body?: unknown;
}

/** encodeURIComponent, except that a lone surrogate is sent as the bytes of one (invalid UTF-8, on purpose) */
function encode(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return v.replace(/[\uD800-\uDFFF]/g, '\u0001').split('\u0001').map((x) => encodeURIComponent(x)).join('%ED%A0%80');
  }
}

function encodeQuery(q: [string, string][]): string {
  return q.length ? '?' + q.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&') : '';
}

function toWire(op: Operation, p: Parts, raw?: { payload: string; contentType?: string }): WireRequest {
  const url = op.path.replace(/\{(\w+)\}/g, (_m, n: string) => p.path[n] ?? 'x') + encodeQuery(p.query);
  const headers: Record<string, string> = { ...p.headers };
  let payload: string | undefined;
  if (raw) {
    payload = raw.payload;
    if (raw.contentType) headers['content-type'] = raw.contentType;
  } else if (p.body !== undefined) {
    payload = JSON.stringify(p.body);
    headers['content-type'] = 'application/json';
  } else if (op.method !== 'GET' && op.method !== 'DELETE') {
    // routes without a declared body still take a JSON object (the web client sends {})
    payload = '{}';
    headers['content-type'] = 'application/json';
  }
  return { method: op.method, url, headers, ...(payload !== undefined ? { payload } : {}) };
}

function scalar(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** An arbitrary of the valid parts of a request to `op` (path ids from the pool). */
function partsArbitrary(op: Operation, pool: IdPool): fc.Arbitrary<Parts> {
  const pathArbs: Record<string, fc.Arbitrary<unknown>> = {};
  const queryArbs: Record<string, fc.Arbitrary<unknown>> = {};
  const headerArbs: Record<string, fc.Arbitrary<unknown>> = {};
  const requiredQuery: string[] = [];
  for (const p of op.params) {
    const arb = arbitraryOf(p.schema, pool, p.name, op.path);
    if (p.in === 'path') pathArbs[p.name] = arb;
    else if (p.in === 'header') headerArbs[p.name] = arb;
    else {
      queryArbs[p.name] = arb;
      if (p.required) requiredQuery.push(p.name);
    }
  }
  return fc.record({
    path: fc.record(pathArbs),
    query: fc.record(queryArbs, { requiredKeys: requiredQuery }),
    headers: fc.record(headerArbs),
    body: op.body ? arbitraryOf(op.body, pool, '', op.path) : fc.constant(undefined),
  }).map(({ path, query, headers, body }) => ({
    path: Object.fromEntries(Object.entries(path).map(([k, v]) => [k, encode(scalar(v))])),
    query: Object.entries(query).flatMap(([k, v]): [string, string][] => (Array.isArray(v) ? v.map((x): [string, string] => [k, scalar(x)]) : v === undefined || v === null ? [] : [[k, scalar(v)]])),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, scalar(v)])),
    ...(body !== undefined ? { body } : {}),
  }));
}

type Mutation = (p: Parts, op: Operation, n: number) => { kind: string; parts: Parts; raw?: { payload: string; contentType?: string } } | null;

const pick = <T>(xs: readonly T[], n: number): T => xs[n % xs.length]!;

function fieldsOf(op: Operation, body: unknown): { name: string; schema: JsonSchema }[] {
  if (!op.body || !body || typeof body !== 'object' || Array.isArray(body)) return [];
  const keys = new Set(Object.keys(body));
  const out: { name: string; schema: JsonSchema }[] = [];
  for (const b of objectBranches(op.body)) for (const [k, s] of Object.entries(b.properties ?? {})) if (!out.some((o) => o.name === k)) out.push({ name: k, schema: s });
  // the body's own keys first, then the optional ones it left out
  return out.sort((a, b) => Number(keys.has(b.name)) - Number(keys.has(a.name)));
}

const withBody = (p: Parts, body: unknown): Parts => ({ ...p, body });
const setField = (p: Parts, name: string, value: unknown): Parts => ({ ...p, body: { ...(p.body as Record<string, unknown>), [name]: value } });
/** the body as JSON text with one field's value replaced by raw text */
const rawField = (p: Parts, name: string, rawValue: string): string => {
  const marker = '"__xinyu_fuzz_raw__"';
  return JSON.stringify({ ...(p.body as Record<string, unknown>), [name]: '__xinyu_fuzz_raw__' }).replace(marker, rawValue);
};

const BODY_MUTATIONS: Mutation[] = [
  (p, op, n) => {
    const req = objectBranches(op.body!).flatMap((b) => b.required ?? []).filter((k) => p.body && typeof p.body === 'object' && k in (p.body as object));
    if (!req.length) return null;
    const drop = pick(req, n);
    const { [drop]: _gone, ...rest } = p.body as Record<string, unknown>;
    return { kind: 'missing-field', parts: withBody(p, rest) };
  },
  (p, op, n) => {
    const f = fieldsOf(op, p.body);
    if (!f.length) return null;
    const field = pick(f, n);
    const t = typeOf(field.schema);
    const wrong = [123, -1, true, null, [], {}, 'x', 1.5, [1, 2], { a: 1 }].filter((v) => (t === 'string' ? typeof v !== 'string' : t === 'array' ? !Array.isArray(v) : t === 'object' ? typeof v !== 'object' || Array.isArray(v) : typeof v !== t));
    return { kind: 'wrong-type', parts: setField(p, field.name, pick(wrong, n >> 3)) };
  },
  (p, op, n) => {
    const f = fieldsOf(op, p.body);
    if (!f.length) return null;
    const strings = f.filter((x) => typeOf(x.schema) === 'string' || typeOf(x.schema) === 'array');
    const field = pick(strings.length ? strings : f, n);
    const odd = pick(ODD_STRINGS, n >> 2);
    return { kind: 'odd-string', parts: setField(p, field.name, typeOf(field.schema) === 'array' ? [odd] : odd) };
  },
  (p, op) => {
    // every string field at once gets the forged log line
    const f = fieldsOf(op, p.body).filter((x) => typeOf(x.schema) === 'string');
    if (!f.length) return null;
    let parts = p;
    for (const x of f) parts = setField(parts, x.name, `fuzz\r\n${FORGED_RECORD}\r\n`);
    return { kind: 'forged-log-line', parts };
  },
  (p, op, n) => {
    const f = fieldsOf(op, p.body);
    if (!f.length) return null;
    const field = pick(f, n);
    return { kind: 'huge-string', parts: setField(p, field.name, pick(['A'.repeat(300_000), '心'.repeat(100_000), '\u0000'.repeat(10_000)], n >> 3)) };
  },
  (p, op, n) => {
    const f = fieldsOf(op, p.body);
    if (!f.length) return null;
    const field = pick(f, n);
    const cur = (p.body as Record<string, unknown>)[field.name];
    const item = Array.isArray(cur) && cur.length ? cur[0] : cur ?? 'x';
    return { kind: 'huge-array', parts: setField(p, field.name, new Array(20_000).fill(item)) };
  },
  (p, op, n) => {
    const f = fieldsOf(op, p.body);
    const nums = f.filter((x) => typeOf(x.schema) === 'integer' || typeOf(x.schema) === 'number');
    const field = pick(nums.length ? nums : f, n);
    if (!field) return null;
    return { kind: 'odd-number', parts: p, raw: { payload: rawField(p, field.name, pick(ODD_NUMBERS_RAW, n >> 3)), contentType: 'application/json' } };
  },
  (p, op, n) => {
    const f = fieldsOf(op, p.body);
    const dates = f.filter((x) => x.schema.format === 'date' || x.schema.format === 'date-time' || /date|At$|^(from|to|day)$/.test(x.name));
    if (!dates.length) return null;
    return { kind: 'date-out-of-range', parts: setField(p, pick(dates, n).name, pick(ODD_DATES, n >> 2)) };
  },
  (p, _op, n) => ({ kind: 'body-of-wrong-kind', parts: withBody(p, pick([null, [], 'text', 0, true, {}, [p.body]], n)) }),
  (p, _op, n) => {
    const json = JSON.stringify(p.body ?? {});
    const keys = Object.keys((p.body ?? {}) as object);
    if (!keys.length || !json.startsWith('{')) return null;
    const k = pick(keys, n);
    return { kind: 'duplicated-key', parts: p, raw: { payload: `{${JSON.stringify(k)}:${pick(['"x"', '1', 'null', '{}'], n >> 2)},${json.slice(1)}`, contentType: 'application/json' } };
  },
  (p, op, n) => {
    const depth = pick([100, 1000, 10_000], n);
    const field = fieldsOf(op, p.body)[0]?.name ?? 'x';
    const deep = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    const deepArr = '['.repeat(depth) + ']'.repeat(depth);
    return { kind: 'deep-nesting', parts: p, raw: { payload: rawField(p, field, n % 2 ? deep : deepArr), contentType: 'application/json' } };
  },
  (p, _op, n) => {
    const json = JSON.stringify(p.body ?? {});
    return { kind: 'malformed-json', parts: p, raw: { payload: pick([json.slice(0, Math.max(1, json.length >> 1)), json + '}', "{'a':1}", '{"a":1,}', '\uFEFF' + json, json.replace(/"/g, '')], n), contentType: 'application/json' } };
  },
  (p, _op, n) => {
    const json = JSON.stringify(p.body ?? {});
    const [payload, contentType] = pick<[string, string]>([
      [json, 'text/plain'],
      ['a=1&schoolId=2', 'application/x-www-form-urlencoded'],
      ['<a>1</a>', 'application/xml'],
      ['--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n', 'multipart/form-data; boundary=x'],
      ['garbage', 'multipart/form-data'],
      [json, 'application/json; charset=latin1'],
      [json, 'application/octet-stream'],
      [json, 'application/json; charset=utf-16'],
    ], n);
    return { kind: 'wrong-content-type', parts: p, raw: { payload, contentType } };
  },
  (p) => ({ kind: 'prototype-key', parts: p, raw: { payload: JSON.stringify(p.body ?? {}).replace(/^\{/, '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}},').replace(/,\}$/, '}'), contentType: 'application/json' } }),
];

const PARAM_MUTATIONS: Mutation[] = [
  (p, op, n) => {
    const names = op.params.filter((x) => x.in === 'path').map((x) => x.name);
    if (!names.length) return null;
    return { kind: 'odd-path-param', parts: { ...p, path: { ...p.path, [pick(names, n)]: pick(ODD_PATH_VALUES, n >> 2) } } };
  },
  (p, op, n) => {
    const qs = op.params.filter((x) => x.in === 'query');
    if (!qs.length) return null;
    const q = pick(qs, n);
    const value = typeOf(q.schema) === 'integer' || typeOf(q.schema) === 'number' ? pick(ODD_NUMBERS_RAW, n >> 3) : q.schema.format === 'date' ? pick(ODD_DATES, n >> 3) : pick(ODD_STRINGS, n >> 3);
    return { kind: 'odd-query', parts: { ...p, query: [...p.query.filter(([k]) => k !== q.name), [q.name, value]] } };
  },
  (p, op, n) => {
    const qs = op.params.filter((x) => x.in === 'query');
    if (!qs.length) return null;
    const q = pick(qs, n);
    return { kind: 'repeated-query', parts: { ...p, query: [...p.query, [q.name, '1'], [q.name, '2'], [q.name, 'x']] } };
  },
  (p, op, n) => {
    const qs = op.params.filter((x) => x.in === 'query');
    if (!qs.length) return null;
    return { kind: 'huge-query', parts: { ...p, query: [...p.query, [pick(qs, n).name, 'Q'.repeat(8_000)]] } };
  },
  (p, op, n) => {
    const pages = op.params.filter((x) => x.in === 'query' && /^(page|pageSize|limit|offset|year)$/.test(x.name));
    if (!pages.length) return null;
    return { kind: 'paging-extremes', parts: { ...p, query: [...p.query.filter(([k]) => !pages.some((x) => x.name === k)), ...pages.map((x): [string, string] => [x.name, pick(['-1', '0', '1000000000', '99999999999999999999', '1.5', ''], n)])] } };
  },
  (p, op, n) => {
    const dates = op.params.filter((x) => x.in === 'query' && x.schema.format === 'date');
    if (dates.length < 2) return null;
    return { kind: 'dates-reversed', parts: { ...p, query: [...p.query.filter(([k]) => !dates.some((d) => d.name === k)), [dates[0]!.name, pick(['2030-12-31', '9999-12-31'], n)], [dates[1]!.name, pick(['2020-01-01', '0001-01-01'], n)]] } };
  },
  (p) => ({ kind: 'unknown-query', parts: { ...p, query: [...p.query, ['schoolId', '1'], ['__proto__', 'x'], ['debug', 'true']] } }),
];

/** Valid requests of `op` (seeded). */
export function validRequests(op: Operation, pool: IdPool, count: number, seed: number): FuzzRequest[] {
  if (count <= 0) return [];
  return fc.sample(partsArbitrary(op, pool), { seed, numRuns: count }).map((p) => ({ op, kind: 'valid', ...toWire(op, p) }));
}

/** Invalid requests of `op`: every applicable mutation in turn, on seeded valid parts. */
export function invalidRequests(op: Operation, pool: IdPool, count: number, seed: number): FuzzRequest[] {
  if (count <= 0) return [];
  const mutations = [...(op.body ? BODY_MUTATIONS : []), ...PARAM_MUTATIONS];
  const samples = fc.sample(fc.tuple(partsArbitrary(op, pool), fc.nat()), { seed, numRuns: count * 2 });
  const out: FuzzRequest[] = [];
  for (let i = 0; i < samples.length && out.length < count; i++) {
    const [parts, n] = samples[i]!;
    for (let j = 0; j < mutations.length; j++) {
      const m = mutations[(i + j) % mutations.length]!(parts, op, n);
      if (!m) continue;
      out.push({ op, kind: m.kind, ...toWire(op, m.parts, m.raw) });
      break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// oracles

export interface Finding {
  kind: '5xx' | 'schema' | 'leak' | 'transport';
  op: string;
  request: string;
  status: number;
  detail: string;
}

const LEAK_PATTERNS: [string, RegExp][] = [
  ['stack trace', /\n\s+at\s|\bat (async )?[\w.<>]+ \(|at [^\s]+\.(ts|js|mjs|cjs):\d+/],
  ['file path', /(\/work\/|\/home\/|\/usr\/|\/tmp\/|node_modules|packages\/(server|core)\/|[A-Za-z]:\\\\)/],
  ['SQL text', /\b(select|update|delete)\b[\s\S]{0,200}\b(from|set|where)\b\s+"?[a-z_]+"?|\binsert\s+into\b|\bFailed query\b|\bparams:\s/i],
  ['driver message', /(syntax error at or near|violates (foreign key|unique|check|not-null) constraint|duplicate key value|invalid input syntax for|out of range for type|relation "[^"]+" does not exist|column "[^"]+" (does not exist|of relation)|current transaction is aborted|DrizzleQueryError|PGlite|pg-protocol|ECONNREFUSED|could not serialize access|deadlock detected|value too long for type)/i],
  ['JS error', /\b(TypeError|ReferenceError|RangeError|SyntaxError|ZodError|Cannot read propert(y|ies) of|is not a function|Unexpected token)\b/],
];

/** Removes what the fuzzer itself sent (an answer may echo it) before looking for leaks. */
const ECHOES: readonly string[] = [...new Set([...ODD_STRINGS, ...ODD_PATH_VALUES, ...ODD_DATES].filter((s) => s.length > 2).flatMap((s) => [JSON.stringify(s).slice(1, -1), s]))];
function withoutEchoes(body: string, req: WireRequest): string {
  let b = body;
  // (a search before each cut: most answers hold none of them, and a split copies the whole body)
  for (const s of ECHOES) if (b.includes(s)) b = b.split(s).join('');
  if (req.payload && req.payload.length < 5000) {
    // strings of the body sent (valid ones, generated) may come back inside records
    try {
      const sent = JSON.parse(req.payload) as unknown;
      const strings: string[] = [];
      const walk = (v: unknown) => {
        if (typeof v === 'string' && v.length > 3) strings.push(v);
        else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
      };
      walk(sent);
      for (const s of strings) {
        const quoted = JSON.stringify(s).slice(1, -1);
        if (b.includes(quoted)) b = b.split(quoted).join('');
      }
    } catch {
      // not JSON
    }
  }
  return b;
}

/** Strings sent by earlier requests can come back later in lists (a note saved, then listed). */
function withoutGenerated(body: string): string {
  // quoted strings made only of the generator's alphabet are data the fuzzer created
  return body.replace(/"(?:[心理健康教育学生老师家长班级学校关爱 abcdefgXYZ0-9._-]|\\")*"/g, '""');
}

/** OpenAPI 3.0's `nullable` with an `enum`: zod allows null there, ajv needs it in the enum too. */
function nullableEnums(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(nullableEnums);
  if (!s || typeof s !== 'object') return s;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) out[k] = k === 'properties' || k === 'items' || k === 'anyOf' || k === 'oneOf' || k === 'allOf' || k === 'additionalProperties' ? (k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, x]) => [p, nullableEnums(x)])) : nullableEnums(v)) : v;
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...(out.enum as unknown[]), null];
  if (out.nullable === true && out.type === undefined) {
    // ajv takes `nullable` only beside `type`
    const { nullable: _n, ...rest } = out;
    return { anyOf: [rest, { type: 'null' }] };
  }
  return out;
}

export class Oracles {
  private ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true });
  private compiled = new Map<string, ValidateFunction>();
  private errorShape: ValidateFunction;
  readonly findings: Finding[] = [];
  readonly counts = { requests: 0, status5xx: 0, schemaViolations: 0, leaks: 0, transport: 0, oversizeClosed: 0 };
  readonly byStatus = new Map<number, number>();
  readonly byKind = new Map<string, number>();
  /** operations that answered something other than 401/403 at least once (got past access checks) */
  readonly reached = new Set<string>();
  readonly sent = new Set<string>();

  constructor() {
    (addFormatsModule as unknown as (a: Ajv) => void)(this.ajv);
    this.errorShape = this.ajv.compile({
      type: 'object',
      required: ['error'],
      additionalProperties: false,
      properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, fields: { type: 'object', additionalProperties: { type: 'string' } } }, additionalProperties: false } },
    });
  }

  private validator(op: Operation, status: string): ValidateFunction | undefined {
    const schema = op.responses[status];
    if (!schema) return undefined;
    const key = `${op.key} ${status}`;
    let v = this.compiled.get(key);
    if (!v) this.compiled.set(key, (v = this.ajv.compile(nullableEnums(schema) as object)));
    return v;
  }

  private add(f: Finding) {
    if (this.findings.length < 200) this.findings.push(f);
  }

  check(req: FuzzRequest, res: WireResponse): void {
    const op = req.op;
    this.counts.requests++;
    this.sent.add(op.key);
    this.byStatus.set(res.status, (this.byStatus.get(res.status) ?? 0) + 1);
    this.byKind.set(req.kind, (this.byKind.get(req.kind) ?? 0) + 1);
    if (res.status !== 401 && res.status !== 403) this.reached.add(op.key);
    const described = `${req.kind}: ${req.method} ${req.url.slice(0, 160)}${req.payload ? ` ${req.payload.slice(0, 160)}` : ''}`;
    if (res.status >= 500) {
      this.counts.status5xx++;
      this.add({ kind: '5xx', op: op.key, request: described, status: res.status, detail: res.body.slice(0, 300) });
    }
    const isJson = /json/.test(res.contentType);
    if (isJson) {
      let json: unknown;
      try {
        json = JSON.parse(res.body);
      } catch {
        this.counts.schemaViolations++;
        this.add({ kind: 'schema', op: op.key, request: described, status: res.status, detail: `not JSON: ${res.body.slice(0, 120)}` });
      }
      if (json !== undefined) {
        const v = this.validator(op, String(res.status));
        const ok = v ? v(json) : res.status >= 400 ? this.errorShape(json) : res.status === 204;
        if (!ok) {
          this.counts.schemaViolations++;
          const errs = (v ?? this.errorShape).errors;
          this.add({ kind: 'schema', op: op.key, request: described, status: res.status, detail: `${v ? 'declared schema' : res.status >= 400 ? 'error shape' : 'undeclared status'}: ${JSON.stringify(errs?.slice(0, 2) ?? null)} ${res.body.slice(0, 200)}` });
        }
      }
    } else if (res.status >= 400) {
      this.counts.schemaViolations++;
      this.add({ kind: 'schema', op: op.key, request: described, status: res.status, detail: `error answered as ${res.contentType || 'no content type'}: ${res.body.slice(0, 120)}` });
    }
    if (isJson || /^text\//.test(res.contentType) || !res.contentType) {
      const body = withoutGenerated(withoutEchoes(res.body, req));
      for (const [what, re] of LEAK_PATTERNS) {
        const m = re.exec(body);
        if (m) {
          this.counts.leaks++;
          this.add({ kind: 'leak', op: op.key, request: described, status: res.status, detail: `${what}: …${body.slice(Math.max(0, m.index - 60), m.index + 120)}…` });
          break;
        }
      }
    }
  }

  transportError(req: FuzzRequest, e: unknown): void {
    this.counts.requests++;
    // A body past the server's limit is refused before it is read: the server may answer 413 and
    // close the connection while the client is still sending (RFC 9110 §15.5.14), so a client can
    // see the connection end before the answer. That is the refusal, not a dropped request.
    if (req.payload !== undefined && Buffer.byteLength(req.payload) > BODY_LIMIT_BYTES) {
      this.counts.oversizeClosed++;
      return;
    }
    this.counts.transport++;
    this.add({ kind: 'transport', op: req.op.key, request: `${req.kind}: ${req.method} ${req.url.slice(0, 160)}`, status: 0, detail: e instanceof Error ? e.message : String(e) });
  }
}

// ---------------------------------------------------------------------------------------------
// the run

/** Most permissions first: who sends each operation is the first account holding its permission. */
export const FUZZ_USERS = ['school.leader', 'counselor', 'district.admin', 'city.admin', 'head.teacher', 'care.teacher', 'committee', 'dorm.committee', 'student', 'parent', 'clinician'] as const;

/** Which signed-in account sends requests to an operation: the first holding its permission. */
export function chooseSession(op: Operation, access: DeclaredAccess | undefined, sessions: FuzzSession[], selfService: FuzzSession): FuzzSession {
  if (/^\/api\/v1\/auth\//.test(op.path)) return selfService;
  if (access === undefined || access === 'public' || access === 'authenticated') return sessions[0]!;
  const anyOf = typeof access === 'string' ? [access] : access;
  return sessions.find((s) => anyOf.some((p) => s.permissions.has(p))) ?? sessions[0]!;
}

function hashSeed(s: string, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0) | 0;
  return h >>> 0;
}

export interface FuzzOptions {
  doc: OpenApiDocument;
  access: Map<string, DeclaredAccess>;
  /** preferred first: school leader, counselor, bureau … */
  sessions: FuzzSession[];
  /** an account of its own for /auth/* (logout, password, TOTP) */
  selfService: FuzzSession;
  send: Send;
  seed: number;
  validPerOp: number;
  invalidPerOp: number;
  concurrency: number;
  /**
   * Before fuzzing, read every list ('lists') and the details of what they named ('details', the
   * default) for ids; with 'none' ids come only from the answers to valid GETs as the run goes
   * (lists sort before their details), which is enough for the fast subset.
   */
  harvest?: 'none' | 'lists' | 'details';
  /** seconds after which no new request is started (the budget) */
  deadlineMs?: number;
  /**
   * ids never fed to a route beside the sessions' own account ids: the records linked to the fuzzing
   * accounts (fuzzAccountLinks), whose change would disable, lock, re-role or sign out a fuzzing account
   */
  exclude?: Iterable<string | number>;
  log?: (m: string) => void;
}

export interface FuzzReport {
  operations: number;
  operationsSent: number;
  operationsReached: number;
  oracles: Oracles;
  pool: IdPool;
  relogins: number;
  /** sign-ins again that failed (the account was disabled, locked or its password changed) */
  reloginFailures: number;
  ms: number;
  /** requests per second over the fuzzing (harvest excluded) */
  perSecond: number;
  /** time the harness itself spent generating requests and checking answers (ms, on this process) */
  harnessMs: number;
  /** of which generating requests (ms) */
  generateMs: number;
  /** the operations whose requests took longest (sum of their answer times), in ms */
  slowest: [string, number][];
}

const ORDER: Record<Operation['method'], number> = { GET: 0, POST: 1, PUT: 1, PATCH: 1, DELETE: 2 };

export async function sendAs(send: Send, s: FuzzSession, req: WireRequest): Promise<WireResponse> {
  return send({ ...req, headers: { ...req.headers, cookie: s.cookie, 'x-csrf-token': s.csrf } });
}

/** Harvests ids from every list the callers can read (twice: details of what the lists named). */
export async function harvest(opts: Pick<FuzzOptions, 'access' | 'sessions' | 'selfService' | 'send' | 'harvest'>, ops: Operation[], pool: IdPool): Promise<void> {
  const gets = ops.filter((o) => o.method === 'GET');
  const rounds = opts.harvest === 'none' ? [] : opts.harvest === 'lists' ? [0] : [0, 1];
  for (const round of rounds) {
    const batch = gets.filter((o) => (round === 0) === !o.params.some((p) => p.in === 'path'));
    await Promise.all(batch.map(async (op) => {
      const s = chooseSession(op, opts.access.get(op.key), opts.sessions, opts.selfService);
      const [parts] = fc.sample(partsArbitrary({ ...op, params: op.params.filter((p) => p.required) }, pool), { seed: 1, numRuns: 1 });
      const res = await sendAs(opts.send, s, toWire(op, parts!));
      if (res.status === 200 && /json/.test(res.contentType)) pool.harvest(op.path, JSON.parse(res.body) as unknown);
    }));
  }
}

/** Runs `fn` over what `next` hands out (pulled lazily, in order), `concurrency` at a time. */
async function pooled<T>(next: () => T | undefined, concurrency: number, fn: (x: T) => Promise<void>, stop: () => boolean): Promise<void> {
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, async () => {
    for (let x = stop() ? undefined : next(); x !== undefined; x = stop() ? undefined : next()) await fn(x);
  }));
}

/**
 * The records linked to the fuzzing accounts: their role assignments, staff and guardian records and
 * the students they are (or whose accounts they hold). A fuzzed request on one of these could disable,
 * lock, re-role or sign out a fuzzing account (graduating a student disables its account, a staff
 * member leaving disables theirs, a role assignment removed takes the permissions): they stay out of
 * the id pool, with the accounts themselves.
 */
export async function fuzzAccountLinks(db: Db, accountIds: string[]): Promise<{ ids: string[]; counts: Record<string, number> }> {
  const ids = sql.param(accountIds);
  const found = await rows<{ kind: string; id: string }>(db, sql`
    select 'role assignments' as kind, id::text as id from role_assignments where account_id = any(${ids}::uuid[])
    union all select 'students', student_id::text from role_assignments where account_id = any(${ids}::uuid[]) and student_id is not null
    union all select 'students', student_id::text from accounts where id = any(${ids}::uuid[]) and student_id is not null
    union all select 'staff', staff_id::text from accounts where id = any(${ids}::uuid[]) and staff_id is not null
    union all select 'staff', id::text from staff where account_id = any(${ids}::uuid[])
    union all select 'guardians', id::text from guardians where account_id = any(${ids}::uuid[])`);
  const counts: Record<string, number> = { accounts: accountIds.length };
  const unique = new Set<string>(accountIds);
  for (const f of found) {
    if (unique.has(f.id)) continue;
    unique.add(f.id);
    counts[f.kind] = (counts[f.kind] ?? 0) + 1;
  }
  return { ids: [...unique], counts };
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const t0 = performance.now();
  // lists before details before writes, deletes last: ids harvested on the way feed what follows
  const depth = (o: Operation) => o.params.filter((p) => p.in === 'path').length;
  const ops = operationsOf(opts.doc).sort((a, b) => ORDER[a.method] - ORDER[b.method] || depth(a) - depth(b) || a.path.localeCompare(b.path));
  const pool = new IdPool();
  for (const s of [...opts.sessions, opts.selfService]) pool.exclude.add(s.accountId);
  for (const id of opts.exclude ?? []) pool.exclude.add(String(id));
  await harvest(opts, ops, pool);
  opts.log?.(`${ops.length} operations; ${pool.size} ids harvested from the lists; ${pool.exclude.size} ids of the fuzzing accounts and their linked records kept out of the pool`);
  const oracles = new Oracles();
  let relogins = 0;
  let reloginFailures = 0;
  let harnessMs = 0;
  let generateMs = 0;
  const stop = () => opts.deadlineMs !== undefined && performance.now() - t0 > opts.deadlineMs;
  const opMs = new Map<string, number>();
  // requests to operations that end the fuzzing account's own session (logout, password, TOTP) are
  // few: every one costs a sign-in, and sign-ins are throttled
  const selfOps = (op: Operation) => /^\/api\/v1\/auth\//.test(op.path);
  const planned = new Map<Operation, FuzzRequest[]>();
  const plan = (op: Operation): FuzzRequest[] => {
    let reqs = planned.get(op);
    if (reqs) return reqs;
    const g0 = performance.now();
    const seed = hashSeed(op.key, opts.seed);
    const valid = selfOps(op) ? Math.min(opts.validPerOp, 2) : opts.validPerOp;
    const invalid = selfOps(op) ? Math.min(opts.invalidPerOp, 12) : opts.invalidPerOp;
    try {
      reqs = [...validRequests(op, pool, valid, seed), ...invalidRequests(op, pool, invalid, seed + 1)];
    } catch (e) {
      // a request the harness could not build is its own failure, counted with the dropped connections
      oracles.transportError({ op, kind: 'generator', method: op.method, url: op.path, headers: {} }, e);
      reqs = [];
    }
    planned.set(op, reqs);
    harnessMs += performance.now() - g0;
    generateMs += performance.now() - g0;
    return reqs;
  };
  // one sign-in again per lost session, however many requests in flight saw it end
  const signingIn = new Map<FuzzSession, Promise<void>>();
  const signInAgain = async (s: FuzzSession, cookieUsed: string): Promise<void> => {
    if (s.cookie !== cookieUsed) return; // another request already signed in again
    let p = signingIn.get(s);
    if (!p) {
      relogins++;
      p = s.relogin().catch((e: unknown) => {
        reloginFailures++;
        throw e;
      }).finally(() => signingIn.delete(s));
      signingIn.set(s, p);
    }
    await p;
  };
  // in rounds over all operations (each round a share of every operation's requests), so a run cut
  // short by its deadline has still covered every operation; within a round the requests of all
  // operations go out as one stream, `concurrency` at a time (no wait for an operation's slowest
  // answer before the next operation starts), planned lazily in order (ids harvested by earlier
  // answers feed later operations)
  const rounds = Math.max(1, Math.min(5, opts.validPerOp + opts.invalidPerOp));
  const tFuzz = performance.now();
  opts.log?.(`harvest took ${Math.round(tFuzz - t0)} ms; ${rounds} rounds over ${ops.length} operations, ${opts.concurrency} requests at a time`);
  for (let round = 0; round < rounds && !stop(); round++) {
    let opAt = 0;
    let share: FuzzRequest[] = [];
    let at = 0;
    const next = (): FuzzRequest | undefined => {
      while (at >= share.length) {
        if (opAt >= ops.length) return undefined;
        const op = ops[opAt++]!;
        // valid requests first (they harvest ids), then the invalid ones, spread over the rounds
        share = plan(op).filter((_r, i) => i % rounds === round);
        at = 0;
      }
      return share[at++];
    };
    await pooled(next, opts.concurrency, async (req) => {
      const op = req.op;
      const session = chooseSession(op, opts.access.get(op.key), opts.sessions, opts.selfService);
      const o0 = performance.now();
      try {
        let cookie = session.cookie;
        let res = await sendAs(opts.send, session, req);
        if (res.status === 401 && op.path !== '/api/v1/auth/login' && res.body.includes('"unauthenticated"')) {
          // a fuzzed logout or password change ended the session: sign in again, send again
          await signInAgain(session, cookie);
          cookie = session.cookie;
          res = await sendAs(opts.send, session, req);
        }
        const c0 = performance.now();
        opMs.set(op.key, (opMs.get(op.key) ?? 0) + c0 - o0);
        oracles.check(req, res);
        if (req.kind === 'valid' && res.status === 200 && /json/.test(res.contentType) && res.body.length < 1_000_000) pool.harvest(op.path, JSON.parse(res.body) as unknown);
        harnessMs += performance.now() - c0;
      } catch (e) {
        oracles.transportError(req, e);
      }
    }, stop);
    const secs = (performance.now() - tFuzz) / 1000;
    opts.log?.(`round ${round + 1}/${rounds}: ${oracles.counts.requests} requests (${(oracles.counts.requests / secs).toFixed(1)}/s), ${oracles.counts.status5xx} 5xx, ${oracles.counts.transport} dropped, ${oracles.counts.oversizeClosed} over the body limit closed, ${oracles.counts.schemaViolations} schema, ${oracles.counts.leaks} leaks, ${relogins} sign-ins again (${reloginFailures} failed) (${Math.round((performance.now() - t0) / 1000)} s)`);
  }
  const fuzzSecs = (performance.now() - tFuzz) / 1000;
  return {
    operations: ops.length, operationsSent: oracles.sent.size, operationsReached: oracles.reached.size, oracles, pool, relogins, reloginFailures,
    ms: performance.now() - t0, perSecond: oracles.counts.requests / Math.max(fuzzSecs, 1e-3), harnessMs, generateMs,
    slowest: [...opMs].map(([k, v]): [string, number] => [k, Math.round(v)]).sort((a, b) => b[1] - a[1]).slice(0, 15),
  };
}

// ---------------------------------------------------------------------------------------------
// mass assignment

export interface MassAssignmentReport {
  operations: number;
  probes: number;
  /** answered 2xx: the extra field was taken (or silently dropped) */
  accepted: number;
  /** refused, but not with 400 naming the field */
  unnamed: number;
  samples: string[];
}

/**
 * For every operation with a JSON body: a valid body plus a field its schema does not have
 * (schoolId, role …). `oneAtATime` sends one probe per field, else one probe with all of them.
 */
export async function massAssignment(opts: Pick<FuzzOptions, 'doc' | 'access' | 'sessions' | 'selfService' | 'send' | 'seed'> & { pool: IdPool; oneAtATime: boolean }): Promise<MassAssignmentReport> {
  const ops = operationsOf(opts.doc).filter((o) => o.body);
  const report: MassAssignmentReport = { operations: ops.length, probes: 0, accepted: 0, unnamed: 0, samples: [] };
  for (const op of ops) {
    const session = chooseSession(op, opts.access.get(op.key), opts.sessions, opts.selfService);
    const branches = objectBranches(op.body!);
    for (const [bi, branch] of branches.entries()) {
      const [parts] = fc.sample(partsArbitrary({ ...op, body: branch }, opts.pool), { seed: hashSeed(op.key, opts.seed) + bi, numRuns: 1 });
      const extra = Object.keys(MASS_FIELDS).filter((f) => !(f in (branch.properties ?? {})));
      if (!extra.length) continue;
      const groups = opts.oneAtATime ? extra.map((f) => [f]) : [extra];
      for (const fields of groups) {
        const body = { ...(parts!.body as Record<string, unknown>), ...Object.fromEntries(fields.map((f) => [f, MASS_FIELDS[f]])) };
        const wire = toWire(op, { ...parts!, body });
        let res = await sendAs(opts.send, session, wire);
        if (res.status === 401 && op.path !== '/api/v1/auth/login' && res.body.includes('"unauthenticated"')) {
          await session.relogin();
          res = await sendAs(opts.send, session, wire);
        }
        report.probes++;
        let named: Record<string, string> = {};
        try {
          named = (JSON.parse(res.body) as { error?: { fields?: Record<string, string> } }).error?.fields ?? {};
        } catch {
          // not JSON: counted below
        }
        if (res.status >= 200 && res.status < 300) {
          report.accepted++;
          if (report.samples.length < 30) report.samples.push(`accepted ${op.key} +${fields.join(',')} → ${res.status}`);
        } else if (res.status !== 400 || !fields.every((f) => named[f] === '不允许的字段')) {
          report.unnamed++;
          if (report.samples.length < 30) report.samples.push(`not named ${op.key} +${fields.join(',')} → ${res.status} ${res.body.slice(0, 200)}`);
        }
      }
    }
  }
  return report;
}

/** One line per finding, for the log and for test failures. */
export function describeFindings(findings: Finding[], max = 30): string {
  return findings.slice(0, max).map((f) => `[${f.kind}] ${f.status} ${f.op} — ${f.request}\n    ${f.detail}`).join('\n');
}

/** Checks a server log (pino, one JSON record per line): lines that do not parse, and forged records. */
export function checkLog(text: string): { lines: number; unparsable: string[]; forged: string[]; warnings: string[] } {
  const unparsable: string[] = [];
  const forged: string[] = [];
  const warnings: string[] = [];
  let lines = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    // Node's own warnings on stderr (same file): not log records, reported apart
    if (/^\(node:\d+\) \w*Warning: |^\(Use `node --trace-/.test(line)) {
      if (warnings.length < 20) warnings.push(line.slice(0, 300));
      continue;
    }
    lines++;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch {
      if (unparsable.length < 20) unparsable.push(line.slice(0, 200));
      continue;
    }
    if (!rec || typeof rec !== 'object' || Array.isArray(rec)) {
      if (unparsable.length < 20) unparsable.push(line.slice(0, 200));
      continue;
    }
    if ((rec as { msg?: unknown }).msg === FORGED_MESSAGE && forged.length < 20) forged.push(line.slice(0, 200));
  }
  return { lines, unparsable, forged, warnings };
}

/** Row counts of every table and the audit log's last seq: a probe that changed nothing leaves them equal. */
export async function tableCounts(db: Db): Promise<Record<string, number>> {
  const tables = await rows<{ t: string }>(db, sql`select table_name as t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`);
  const out: Record<string, number> = {};
  for (const { t } of tables) out[t] = (await rows<{ n: number }>(db, sql`select count(*)::int as n from ${sql.identifier(t)}`))[0]!.n;
  out['audit_log.max(seq)'] = (await rows<{ n: number | null }>(db, sql`select max(seq)::int as n from audit_log`))[0]!.n ?? 0;
  return out;
}
