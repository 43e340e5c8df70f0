// The access matrix: every registered route × every role of ROLES × every place of the world
// (own record, same class, other class, other school, other district, and units above). A caller
// whose roles lack the route's declared permission must be refused; a caller with it must get
// nothing of a record outside its scope (scopeFor of core). Every answer is also searched for the
// canaries of records the caller may not reach (xlsx answers unzipped), and each out-of-scope
// answer is compared with the answer for an absent id.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import yauzl from 'yauzl';
import { BUILTIN_INSTRUMENTS, PERMISSIONS, STAFF_CARE_CATEGORIES, roleHas, scopeFor, scopeIncludes, type Permission } from '@xinyu/core';
import { rows, type Db } from '../db/client.js';
import type { RouteAccess } from '../http/context.js';
import { KINDS, RELATIONS, VALUE_PARAMS, type Label, type LocatedRecord, type MatrixCaller, type Place, type World } from './access-world.js';

/** The built-in PHQ-9: every city has it, so records naming an instrument can always be made. */
const PHQ9 = BUILTIN_INSTRUMENTS['phq-9']!;

export interface RouteSpec {
  key: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  access: RouteAccess;
  params: string[];
}

export interface Finding {
  route: string;
  role: string;
  label: string;
  status: number;
  why: string;
  body: string;
}

export interface RouteFigures {
  requests: number;
  /** probes whose answer had to be a refusal */
  mustDeny: number;
  unexpectedAllows: number;
  /** in-scope reads sent as positive controls, and how many answered 2xx */
  inScopeReads: number;
  inScopeOk: number;
  /** the places this route was probed at with a record of its kind */
  labels: Set<string>;
}

export interface MatrixReport {
  routesTotal: number;
  /** the roles probed: one caller per role of ROLES */
  roles: number;
  /** routes whose every parameter was resolved to records of the world */
  routesCovered: number;
  /** routes probed for the declared permission only (a parameter names a record the world has none of), with the reason */
  permissionOnly: { route: string; reason: string }[];
  requests: number;
  unexpectedAllows: Finding[];
  canariesPlanted: number;
  canaryProbes: number;
  canaryLeaks: Finding[];
  absentProbes: number;
  absentMismatches: Finding[];
  /** out-of-scope probes answered 400: the body did not validate, so the scope check was not reached */
  outOfScopeInvalid: number;
  perRoute: Map<string, RouteFigures>;
}

export interface MatrixOptions {
  /** which (route, role, label) triples to send; all when absent */
  sample?: (route: string, role: string, label: string) => boolean;
  /** compare out-of-scope answers with the answer for an absent id */
  absent?: boolean;
  log?: (m: string) => void;
}

export function routeSpecs(routeAccess: Map<string, RouteAccess>): RouteSpec[] {
  return [...routeAccess]
    .map(([key, access]) => {
      const [method, url] = key.split(' ') as [RouteSpec['method'], string];
      return { key, method, url, access, params: [...url.matchAll(/:(\w+)/g)].map((m) => m[1]!) };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}

// ---- OpenAPI: query parameters and bodies --------------------------------------------------------

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  exclusiveMinimum?: boolean | number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  pattern?: string;
  default?: unknown;
  const?: unknown;
}
interface OpenApiOp {
  parameters?: { in: string; name: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}
export type OpenApiDoc = { paths: Record<string, Record<string, OpenApiOp>> };

/** What fills the id-like fields of a probe: the target place (and record). */
interface Fill {
  place: Place | null;
  rec: LocatedRecord | null;
  /** body fields naming region-wide records (an institution) */
  extra?: Map<string, string | null>;
}

function fieldValue(name: string, fill: Fill): unknown {
  const extra = fill.extra?.get(`body:${name}`);
  if (extra) return /^\d+$/.test(extra) ? Number(extra) : extra;
  const p = fill.place;
  if (!p) return undefined;
  const n = name.toLowerCase();
  if (n === 'studentid') return p.studentId;
  if (n === 'studentids') return [p.studentId];
  if (n === 'classid') return p.classId;
  if (n === 'classids') return [p.classId];
  if (n === 'schoolid' || n === 'ownerunitid') return p.schoolId;
  if (n === 'schoolids') return [p.schoolId];
  if (n === 'orgunitid' || n === 'unitid' || n === 'targetunitid') return p.classId;
  if (n === 'orgunitids' || n === 'unitids' || n === 'targetunitids') return [p.classId];
  return undefined;
}

function gen(s: JsonSchema | undefined, name: string, fill: Fill, d = 0, full = false): unknown {
  if (!s || d > 6) return undefined;
  const forced = fieldValue(name, fill);
  if (forced !== undefined) return forced;
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return s.enum[0];
  const alt = s.anyOf ?? s.oneOf;
  if (alt?.length) return gen(alt.find((x) => x.type !== 'null') ?? alt[0], name, fill, d + 1, full);
  if (s.allOf?.length) return gen(Object.assign({}, ...s.allOf) as JsonSchema, name, fill, d + 1, full);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (s.default !== undefined && type !== 'object') return s.default;
  switch (type ?? '') {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) {
        const f = fieldValue(k, fill);
        if (f !== undefined) out[k] = f;
        // every field on a second try, but no made-up ids (an alert, a case) the record would then hang on
        else if (s.required?.includes(k) || (full && v.format !== 'uuid')) out[k] = gen(v, k, fill, d + 1, full);
      }
      return out;
    }
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => gen(s.items, name, fill, d + 1, full));
    case 'integer':
    case 'number': {
      const min = typeof s.minimum === 'number' ? s.minimum + (s.exclusiveMinimum === true ? 1 : 0) : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : 1;
      return /year/i.test(name) ? 2026 : Math.max(min, Math.min(1, s.maximum ?? 1));
    }
    case 'boolean':
      return false;
    case 'string': {
      if (s.format === 'uuid') return randomUUID();
      if (s.format === 'date') return '2026-11-20';
      if (s.format === 'date-time') return '2026-11-20T02:00:00.000Z';
      if (s.format === 'email') return 'matrix@example.com';
      const len = Math.max(s.minLength ?? 1, 2);
      return '矩阵'.repeat(Math.ceil(len / 2)).slice(0, Math.min(len, s.maxLength ?? len));
    }
    default:
      return undefined;
  }
}

function opOf(doc: OpenApiDoc, r: RouteSpec): OpenApiOp | undefined {
  return doc.paths[r.url.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()];
}

function queryFor(op: OpenApiOp | undefined, fill: Fill): string {
  const q = new URLSearchParams();
  for (const p of op?.parameters ?? []) {
    if (p.in !== 'query') continue;
    const forced = fieldValue(p.name, fill);
    if (forced !== undefined) q.set(p.name, String(Array.isArray(forced) ? forced[0] : forced));
    else if (p.required) q.set(p.name, String(gen(p.schema, p.name, fill)));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

function bodyFor(op: OpenApiOp | undefined, fill: Fill, full = false): unknown {
  const schema = op?.requestBody?.content?.['application/json']?.schema;
  return schema ? gen(schema, '', fill, 0, full) : undefined;
}

/** Does this route take a unit or student in its query or body (a list filter, a record to create for someone)? */
function placeFields(op: OpenApiOp | undefined): boolean {
  const fill: Fill = { place: { studentId: 's', studentNo: '', classId: 1, classPath: '', schoolId: 1, schoolPath: '', districtPath: '' }, rec: null };
  if ((op?.parameters ?? []).some((p) => p.in === 'query' && fieldValue(p.name, fill) !== undefined)) return true;
  const schema = op?.requestBody?.content?.['application/json']?.schema;
  const props = schema?.properties ?? Object.assign({}, ...(schema?.anyOf ?? schema?.oneOf ?? []).map((x) => x.properties ?? {})) as Record<string, JsonSchema>;
  return Object.keys(props).some((k) => fieldValue(k, fill) !== undefined);
}

// ---- expectations ---------------------------------------------------------------------------------

function permsOf(access: RouteAccess): readonly Permission[] | null {
  if (access === 'public' || access === 'authenticated') return null;
  return typeof access === 'string' ? [access as Permission] : (access as readonly Permission[]);
}

function held(caller: MatrixCaller, access: RouteAccess): Permission[] {
  const perms = permsOf(access) ?? PERMISSIONS;
  return perms.filter((p) => caller.assignments.some((a) => roleHas(a.role, p)));
}

/**
 * Permissions whose reach the design widens beyond scopeFor's, each with its reason (reported):
 * a psych-committee member reports concerns about classmates, so committee.report reaches the
 * member's class as class.names does.
 */
export const WIDER_REACH: { permission: Permission; as: Permission; reason: string }[] = [
  { permission: 'committee.report', as: 'class.names', reason: '心理委员的日报写本班同学的情况（001 委员制度）：committee.report reaches the class, as class.names' },
];

/** May this caller reach a record at `path` about `sid` through any of `perms`? */
function reaches(world: World, caller: MatrixCaller, perms: Permission[], rec: { path: string; sid: string | null }, reachDown: boolean): boolean {
  for (const p of perms) {
    const s = scopeFor(caller.assignments, WIDER_REACH.find((w) => w.permission === p)?.as ?? p);
    if (scopeIncludes(s, rec.path, rec.sid)) return true;
    if (reachDown) {
      const homes = [...s.orgPaths, ...s.studentIds.map((id) => (id === world.places.own.studentId ? world.places.own.classPath : ''))].filter(Boolean);
      if (homes.some((h) => h.startsWith(rec.path))) return true;
    }
  }
  return false;
}

const EMPTY = /^\s*(\[\s*\]|\{\s*"items"\s*:\s*\[\s*\]\s*(,\s*"total"\s*:\s*0\s*)?\}|\{\s*\}|null|)\s*$/;
const CANARY_RE = /CANARY-[0-9a-f-]{36}/g;

async function xlsxText(buf: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('not a zip'));
      let text = '';
      zip.on('entry', (e: yauzl.Entry) => {
        if (!e.fileName.endsWith('.xml')) return zip.readEntry();
        zip.openReadStream(e, (e2, stream) => {
          if (e2 || !stream) return reject(e2 ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            text += Buffer.concat(chunks).toString('utf8');
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(text));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** The text of an answer: JSON or text as is, an .xlsx unzipped (its sheets' and shared strings' XML). */
async function answerText(res: LightMyRequestResponse): Promise<string> {
  const type = String(res.headers['content-type'] ?? '');
  if (type.includes('spreadsheetml') || type.includes('zip')) {
    try {
      return await xlsxText(res.rawPayload);
    } catch {
      return res.body;
    }
  }
  return res.body;
}

/**
 * Bodies for kinds the generated body cannot make: they name things that must exist (a campaign's
 * instruments: PHQ-9 is built in, so every city has it; a staff member of the school) or obey a rule
 * across fields (a conference without a case is a cross-school one for a school).
 */
const SEED_RECIPES: Record<string, (p: Place, db: Db) => Promise<unknown>> = {
  campaign: async (p) => ({
    title: '矩阵测评',
    purpose: '访问矩阵测试建立的测评活动，只用于权限测试',
    plan: [{ gradeLevels: [7, 8, 9], instruments: [{ key: PHQ9.id, version: PHQ9.version }] }],
    targetUnitIds: [],
    window: { start: '2026-11-20', end: '2026-12-20' },
    consentForAll: false,
    ownerUnitId: p.schoolId,
  }),
  conference: async (p) => ({
    kind: 'cross_school',
    schoolId: p.schoolId,
    heldAt: '2026-11-20T02:00:00.000Z',
    participants: [{ name: '矩阵', organisation: '矩阵', role: '矩阵' }],
    minutes: '访问矩阵测试的会商记录',
    decisions: '访问矩阵测试的会商决定',
    clientId: randomUUID(),
  }),
  staffCase: async (p, db) => {
    const staff = (await rows<{ id: string }>(db, sql`select id::text as id from staff where school_id = ${p.schoolId} and active order by staff_no limit 1`))[0];
    return staff ? { subjectKind: 'staff', subjectId: staff.id, categories: [Object.keys(STAFF_CARE_CATEGORIES)[0]], level: 'yellow', reason: '访问矩阵测试' } : undefined;
  },
};

/**
 * Kinds the seeded city has no row of get one through the API: the first caller holding the
 * permission of the kind's collection route (POST /alerts, /crisis/cases, …) creates one about the
 * anchor with a body made from the OpenAPI document. Returns what could not be made.
 */
export async function seedThroughApi(app: FastifyInstance, world: World, routeAccess: Map<string, RouteAccess>, doc: OpenApiDoc, log?: (m: string) => void): Promise<void> {
  const specs = routeSpecs(routeAccess);
  for (const kind of KINDS) {
    if (kind.child) continue;
    const n = (await rows<{ n: number }>(world.db, sql.raw(`select count(*)::int as n from (${kind.select}) x`)))[0]!.n;
    if (n > 0) continue;
    const bases = kind.at.filter((a) => a.split('/').length > 2).map((a) => `/api/v1${a.slice(0, a.lastIndexOf('/:'))}`);
    const creators = specs.filter((r) => r.method === 'POST' && bases.includes(r.url));
    let made = false;
    for (const r of creators) {
      for (const caller of world.callers) {
        if (held(caller, r.access).length === 0) continue;
        // a recipe when the kind needs real values (an instrument that exists), else the required fields, else every field
        const recipe = await SEED_RECIPES[kind.name]?.(world.places.own, world.db);
        let res = await send(app, r, caller, r.url, recipe ?? bodyFor(opOf(doc, r), { place: world.places.own, rec: null, extra: world.values }));
        if (res.statusCode === 400 && !recipe) res = await send(app, r, caller, r.url, bodyFor(opOf(doc, r), { place: world.places.own, rec: null, extra: world.values }, true));
        if (res.statusCode >= 200 && res.statusCode < 300) {
          made = true;
          break;
        }
        log?.(`seed ${kind.name}: ${caller.role} ${r.key} → ${res.statusCode} ${res.body.slice(0, 160)}`);
      }
      if (made) break;
    }
  }
}

// ---- the run --------------------------------------------------------------------------------------

interface Target {
  label: Label | 'none';
  fill: Fill;
  /** the route's path with its parameters filled */
  path: string;
  /** the same path with the primary record replaced by an absent id (uuid records only) */
  absentPath: string | null;
  /** where the target lies, for the scope expectation */
  where: { path: string; sid: string | null; reachDown: boolean; owner?: string | null } | null;
}

const PREFERENCE: Label[] = ['own', 'sameClass', 'above', 'otherClass', 'otherSchool', 'otherDistrict'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function kindAt(ctx: string) {
  return KINDS.find((k) => k.at.some((a) => ctx.endsWith(a)));
}

/** The targets of one route, or the reason it can be probed for its permission only. */
async function targetsOf(world: World, r: RouteSpec, op: OpenApiOp | undefined): Promise<{ targets: Target[]; reason: string | null }> {
  // resolve each parameter: record kinds (and which of them can be varied), values, children
  const slots: { name: string; ctx: string; kind?: (typeof KINDS)[number]; value?: string | null }[] = [];
  for (const name of r.params) {
    const ctx = r.url.slice(0, r.url.indexOf(`:${name}`) + name.length + 1);
    const kind = kindAt(ctx);
    if (kind) slots.push({ name, ctx, kind });
    else {
      const v = VALUE_PARAMS.find((x) => ctx.endsWith(x.at));
      slots.push({ name, ctx, value: v ? world.values.get(v.at) ?? null : null });
    }
  }
  const missing = slots.find((s) => !s.kind && !s.value);
  const emptyKind = slots.find((s) => s.kind && !s.kind.child && (world.records.get(s.kind.name)?.size ?? 0) === 0);
  let reason: string | null = missing ? `parameter :${missing.name} resolves to no value (${VALUE_PARAMS.some((x) => missing.ctx.endsWith(x.at)) ? 'none in the seeded city' : 'no resolver'})` : emptyKind ? `:${emptyKind.name} (${emptyKind.kind!.name}): ${world.emptyKinds.get(emptyKind.kind!.name) ?? 'no record'}` : null;

  const nearest = (kind: string) => {
    const m = world.records.get(kind);
    for (const l of PREFERENCE) if (m?.get(l)) return m.get(l)!;
    return null;
  };
  const build = async (primary: number | null, label: Label | 'none', rec: LocatedRecord | null, place: Place | null): Promise<Target | null> => {
    const values: string[] = [];
    let parent: string | null = null;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      let v: string | null;
      if (s.kind?.child) {
        const kids: { id: string }[] = parent ? await rows<{ id: string }>(world.db, sql.raw(s.kind.select.replace('$parent', `'${parent.replace(/'/g, "''")}'`))) : [];
        v = kids[0]?.id ?? randomUUID();
        if (!kids[0]) reason ??= `:${s.name} (${s.kind.name}): none under the parent record`;
      } else if (s.kind) v = i === primary ? rec?.id ?? null : nearest(s.kind.name)?.id ?? null;
      else v = s.value ?? randomUUID();
      if (v === null) return null;
      if (s.kind && !s.kind.child) parent = v;
      values.push(v);
    }
    const fillPath = (vals: string[]) => slots.reduce((p, s, i) => p.replace(`:${s.name}`, encodeURIComponent(vals[i]!)), r.url);
    const fill: Fill = { place, rec, extra: world.values };
    const q = queryFor(op, fill);
    const absent = primary !== null && UUID.test(values[primary]!) ? fillPath(values.map((v, i) => (i === primary ? randomUUID() : v))) + q : null;
    const kindOf = rec ? KINDS.find((k) => k.name === rec.kind) : undefined;
    const where = rec ? { path: rec.path, sid: rec.sid, reachDown: Boolean(kindOf?.reachDown), ...(kindOf?.ownerOnly ? { owner: rec.owner ?? null } : {}) } : place ? { path: place.classPath, sid: place.studentId, reachDown: false } : null;
    return { label, fill, path: fillPath(values) + q, absentPath: absent, where };
  };

  const targets: Target[] = [];
  const varying = slots.map((s, i) => (s.kind && !s.kind.child ? i : -1)).filter((i) => i >= 0);
  if (varying.length) {
    for (const i of varying) {
      const m = world.records.get(slots[i]!.kind!.name);
      for (const label of PREFERENCE) {
        const rec = m?.get(label);
        if (!rec) continue;
        const place = label === 'above' ? null : world.places[label];
        const t = await build(i, label, rec, place);
        if (t) targets.push(t);
      }
    }
  } else if (placeFields(op)) {
    for (const label of RELATIONS) {
      const t = await build(null, label, null, world.places[label]);
      if (t) targets.push(t);
    }
  } else {
    const t = await build(null, 'none', null, null);
    if (t) targets.push(t);
  }
  if (targets.length === 0) {
    // probe the permission with made-up ids
    let p = r.url;
    for (const s of slots) p = p.replace(`:${s.name}`, s.value ?? randomUUID());
    targets.push({ label: 'none', fill: { place: null, rec: null }, path: p, absentPath: null, where: null });
    reason ??= 'no record to name';
  }
  return { targets, reason };
}

async function send(app: FastifyInstance, r: RouteSpec, caller: MatrixCaller, url: string, body: unknown): Promise<LightMyRequestResponse> {
  return app.inject({
    method: r.method,
    url,
    headers: { cookie: caller.cookie, 'x-csrf-token': caller.csrf },
    ...(r.method !== 'GET' && r.method !== 'DELETE' ? { payload: (body ?? {}) as object } : body !== undefined && r.method === 'DELETE' ? { payload: body as object } : {}),
  });
}

function snippet(s: string): string {
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

export async function runMatrix(app: FastifyInstance, world: World, routeAccess: Map<string, RouteAccess>, doc: OpenApiDoc, opts: MatrixOptions = {}): Promise<MatrixReport> {
  const routes = routeSpecs(routeAccess).filter((r) => r.access !== 'public');
  const report: MatrixReport = {
    routesTotal: routeAccess.size,
    roles: world.callers.length,
    routesCovered: 0,
    permissionOnly: [],
    requests: 0,
    unexpectedAllows: [],
    canariesPlanted: world.canaries.length,
    canaryProbes: 0,
    canaryLeaks: [],
    absentProbes: 0,
    absentMismatches: [],
    outOfScopeInvalid: 0,
    perRoute: new Map(),
  };
  // the public sign-in routes take no record and no session: they count as covered by routes.test.ts's list
  report.routesCovered += routeAccess.size - routes.length;
  const canaryByText = new Map(world.canaries.map((c) => [c.text, c]));
  const allPerms = (c: MatrixCaller) => held(c, 'authenticated');

  for (const r of routes) {
    const op = opOf(doc, r);
    const { targets, reason } = await targetsOf(world, r, op);
    if (reason) report.permissionOnly.push({ route: r.key, reason });
    else report.routesCovered++;
    const fig: RouteFigures = { requests: 0, mustDeny: 0, unexpectedAllows: 0, inScopeReads: 0, inScopeOk: 0, labels: new Set() };
    report.perRoute.set(r.key, fig);
    for (const caller of world.callers) {
      const perms = held(caller, r.access);
      const permitted = r.access === 'authenticated' || perms.length > 0;
      // the declared permission is checked before any record is looked at: one probe per role without it
      for (const t of permitted ? targets : targets.slice(0, 1)) {
        if (opts.sample && !opts.sample(r.key, caller.role, t.label)) continue;
        const inScope = permitted && (t.where === null || (t.where.owner !== undefined ? t.where.owner === caller.accountId : reaches(world, caller, perms, t.where, t.where.reachDown)));
        // in-scope writes would change the world; in-scope reads are positive controls
        if (inScope && r.method !== 'GET') continue;
        const body = bodyFor(op, t.fill);
        const res = await send(app, r, caller, t.path, body);
        report.requests++;
        fig.requests++;
        if (t.label !== 'none') fig.labels.add(t.label);
        const ok = res.statusCode >= 200 && res.statusCode < 300;
        const text = ok ? await answerText(res) : res.body;

        // canaries of records this caller may not reach, anywhere in any answer
        report.canaryProbes++;
        for (const m of text.match(CANARY_RE) ?? []) {
          const c = canaryByText.get(m);
          if (c && !reaches(world, caller, allPerms(caller), c, false)) {
            report.canaryLeaks.push({ route: `${r.method} ${t.path}`, role: caller.role, label: t.label, status: res.statusCode, why: `canary of ${c.kind} ${c.id} (${c.path})`, body: snippet(text) });
          }
        }

        if (inScope) {
          fig.inScopeReads++;
          if (ok) fig.inScopeOk++;
          continue;
        }
        fig.mustDeny++;
        if (res.statusCode === 400 && permitted) report.outOfScopeInvalid++;
        let allowed = false;
        let why = '';
        if (!permitted) {
          allowed = ok;
          why = `holds none of ${JSON.stringify(r.access)}`;
        } else if (ok) {
          const rec = t.fill.rec;
          const mentions = [rec?.id, rec?.sid, t.fill.place?.studentId, t.fill.place?.studentNo].filter((x): x is string => Boolean(x)).some((x) => text.includes(x));
          // a list may answer out of scope, but empty and without the target
          allowed = r.method !== 'GET' || (r.params.length > 0 ? !EMPTY.test(text) : mentions);
          why = `out of scope (${t.label})`;
        }
        if (allowed) {
          fig.unexpectedAllows++;
          report.unexpectedAllows.push({ route: `${r.method} ${t.path}`, role: caller.role, label: t.label, status: res.statusCode, why, body: snippet(text) });
        }
        // "not yours" and "absent" must not be told apart
        if (opts.absent !== false && permitted && t.absentPath && !ok) {
          const other = await send(app, r, caller, t.absentPath, bodyFor(op, t.fill));
          report.requests++;
          report.absentProbes++;
          if (other.statusCode !== res.statusCode || other.body !== res.body) {
            report.absentMismatches.push({ route: r.key, role: caller.role, label: t.label, status: res.statusCode, why: `absent id: ${other.statusCode} ${snippet(other.body)}`, body: snippet(res.body) });
          }
        }
      }
    }
  }
  opts.log?.(`${report.requests} requests over ${routes.length} routes × ${world.callers.length} roles`);
  return report;
}
