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
import { newTotpSecret, totpCode, totpStep } from '../modules/auth/totp.js';
import { DEMO_PASSWORD } from '../seed/demo.js';
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
  /** the first in-scope read that did not answer 2xx: who, where, the status and the start of the body */
  inScopeFailure?: string;
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

/** The values a place puts in a route's query and body (its student, class, school): equal keys, equal requests. */
function placeKey(op: OpenApiOp | undefined, fill: Fill): string {
  const schema = op?.requestBody?.content?.['application/json']?.schema;
  const props = schema?.properties ?? Object.assign({}, ...(schema?.anyOf ?? schema?.oneOf ?? []).map((x) => x.properties ?? {})) as Record<string, JsonSchema>;
  return JSON.stringify([queryFor(op, fill), Object.keys(props).sort().map((k) => fieldValue(k, fill) ?? null)]);
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
  await seedDependents(app, world, log);
}

/** One request as `who` (a cookie and CSRF token), through the app like a browser's. */
async function as(app: FastifyInstance, who: { cookie: string; csrf: string }, method: RouteSpec['method'], url: string, payload?: object, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return app.inject({ method, url: `/api/v1${url}`, headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, ...headers }, ...(payload !== undefined ? { payload } : {}) });
}

/**
 * Records whose making needs other records first (an offer needs a key student open for care, a
 * pairing a parent volunteer, a nomination a diary entry of a care teacher, a crisis task its case):
 * made once at the anchor's school through the routes, by the matrix's school people and by a
 * helper teacher of the anchor's school (not a matrix caller: the care teacher's role it gets from an
 * assignment would change what the matrix expects of a caller). plantRecords then copies each to the
 * other places. The school's people among the callers get a staff record (a teacher volunteers for
 * care, sees the openings and their offers as staff); the parent is the anchor's guardian.
 * Logs what could not be made; the routes naming it then stay permission-only, with the reason.
 */
export async function seedDependents(app: FastifyInstance, world: World, log?: (m: string) => void): Promise<void> {
  const { db, places } = world;
  const own = places.own;
  const by = (role: string) => world.callers.find((c) => c.role === role)!;
  const leader = by('school_leader');
  const counselor = by('counselor');
  const fail = (what: string, res: LightMyRequestResponse) => log?.(`seed ${what}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  const ok = (res: LightMyRequestResponse) => res.statusCode >= 200 && res.statusCode < 300;

  // the school's people among the callers are members of its staff; the parent is the anchor's guardian
  const staffOf = async (accountId: string, name: string) => {
    const [st] = await rows<{ id: string }>(db, sql`insert into staff (region_id, school_id, org_path, name, phone, account_id) values (${world.regionId}, ${own.schoolId}, ${own.schoolPath}, ${name}, ${`139${accountId.replace(/\D/g, '').slice(0, 8).padEnd(8, '0')}`}, ${accountId}::uuid) returning id::text as id`);
    await db.execute(sql`update accounts set staff_id = ${st!.id}::uuid where id = ${accountId}::uuid`);
  };
  for (const c of world.callers) {
    if (c.assignments.some((a) => a.orgPath?.startsWith(own.schoolPath)) && !c.assignments.some((a) => a.studentId)) await staffOf(c.accountId, `矩阵 ${c.role}`);
  }
  const guardians = await rows<{ sid: string; gid: string }>(db, sql`select student_id::text as sid, guardian_id::text as gid from student_guardians where student_id in (${own.studentId}::uuid, ${places.sameClass.studentId}::uuid)`);
  const ownGuardian = guardians.find((g) => g.sid === own.studentId)?.gid;
  if (ownGuardian) await db.execute(sql`update accounts set guardian_id = ${ownGuardian}::uuid where id = ${by('parent').accountId}::uuid`);

  // a helper teacher of the school (head teacher of the anchor's neighbouring class), signed in
  const hash = (await rows<{ h: string }>(db, sql`select password_hash as h from accounts where username = 'school.leader'`))[0]!.h;
  const [helperAcct] = await rows<{ id: string }>(db, sql`insert into accounts (region_id, username, display_name, password_hash) values (${world.regionId}, 'matrix.helper', '矩阵 助手教师', ${hash}) returning id::text as id`);
  await db.execute(sql`insert into role_assignments (region_id, account_id, role, org_unit_id) values (${world.regionId}, ${helperAcct!.id}::uuid, 'head_teacher', ${places.otherClass.classId})`);
  await staffOf(helperAcct!.id, '矩阵 助手教师');
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'matrix.helper', password: DEMO_PASSWORD } });
  if (login.statusCode !== 200) return void fail('helper sign-in', login);
  const helper = { cookie: `xinyu_sid=${login.cookies.find((c) => c.name === 'xinyu_sid')!.value}`, csrf: login.json<{ csrfToken: string }>().csrfToken, accountId: helperAcct!.id };

  // counseling supervisor: a counselor of the school, designated by its leader
  const sup = await as(app, leader, 'POST', '/counseling/supervisors', { schoolId: own.schoolId, accountId: counselor.accountId });
  if (!ok(sup)) fail('supervisor', sup);

  // three more key students of the school (of the anchor's neighbouring class), open for care
  const spare = await rows<{ id: string }>(db, sql`select id::text as id from students where class_id = ${places.otherClass.classId} and status = 'active' and id <> ${places.otherClass.studentId}::uuid
    and not exists (select 1 from key_students k where k.student_id = students.id) and not exists (select 1 from role_assignments ra where ra.student_id = students.id) order by student_no limit 3`);
  for (const st of spare) {
    const k = await as(app, leader, 'POST', '/care/students', { studentId: st.id, categories: ['学业压力'], level: 'yellow', reason: '访问矩阵测试列入的重点学生' });
    if (!ok(k)) fail('key student', k);
  }
  // care: the helper offers for one open key student (an offer), is assigned another, writes a diary
  // entry there (a nomination of it), and is nominated a care teacher of the year (an honour)
  const openings = await as(app, helper, 'GET', '/care/openings');
  const open = ok(openings) ? openings.json<{ items: { keyStudentId: string }[] }>().items : [];
  if (open.length < 2) fail(`care openings (${open.length})`, openings);
  if (open[0]) {
    const offer = await as(app, helper, 'POST', `/care/students/${open[0].keyStudentId}/volunteer`, { note: '访问矩阵测试的包保报名' });
    if (!ok(offer)) fail('care offer', offer);
  }
  if (open[1]) {
    const k = open[1].keyStudentId;
    const assign = await as(app, leader, 'POST', `/care/students/${k}/assign`, { accountId: helper.accountId });
    if (!ok(assign)) fail('care assignment', assign);
    const today = (world.clock?.() ?? new Date()).toISOString().slice(0, 10);
    const diary = await as(app, helper, 'POST', `/care/students/${k}/diary`, { kind: 'talk', date: today, note: '访问矩阵测试的成长日记', clientId: randomUUID() });
    if (!ok(diary)) fail('diary entry', diary);
    const entry = (await rows<{ id: string }>(db, sql`select id::text as id from diary_entries where key_student_id = ${k}::uuid order by created_at desc limit 1`))[0];
    if (entry) {
      const nom = await as(app, leader, 'POST', '/care/nominations', { diaryEntryId: entry.id, recommendation: '访问矩阵测试的推荐' });
      if (!ok(nom)) fail('diary nomination', nom);
    }
    const honour = await as(app, leader, 'POST', '/care/honours', { schoolId: own.schoolId, accountId: helper.accountId, year: Number(today.slice(0, 4)), summary: '访问矩阵测试的爱心教师推荐' });
    if (!ok(honour)) fail('honour', honour);
  }
  // a parent volunteer (a classmate's guardian: the matrix's parent is not the volunteer) paired with a key student
  const gid = guardians.find((g) => g.sid === places.sameClass.studentId)?.gid;
  if (gid) {
    const pv = await as(app, leader, 'POST', '/care/parent-volunteers', { schoolId: own.schoolId, guardianId: gid, note: '访问矩阵测试的家长志愿者' });
    if (!ok(pv)) fail('parent volunteer', pv);
    else if (open[2] ?? open[0]) {
      const pair = await as(app, leader, 'POST', '/care/parent-pairings', { volunteerId: pv.json<{ id: string }>().id, keyStudentId: (open[2] ?? open[0])!.keyStudentId });
      if (!ok(pair)) fail('parent pairing', pair);
    }
  } else log?.('seed parent volunteer: the classmate has no guardian');
  // a weekly meeting whose decision about the anchor is a task of the helper
  const meeting = await as(app, leader, 'POST', '/care/meetings', {
    schoolId: own.schoolId, heldOn: '2026-11-20', attendees: '矩阵', minutes: '访问矩阵测试的例会纪要', clientId: randomUUID(),
    decisions: [{ title: '访问矩阵测试的例会任务', ownerAccountId: helper.accountId, dueDate: '2026-12-20', studentId: own.studentId }],
  });
  if (!ok(meeting)) fail('meeting task', meeting);

  // an import job of the school (a staff list whose one row is wrong: nothing is imported)
  const boundary = `matrix${randomUUID().replace(/-/g, '')}`;
  const csv = '工号,姓名,性别,手机号,岗位,任教班级,任教学科\n矩阵,,,,,,\n';
  const multipart = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="matrix.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`;
  const imp = await app.inject({ method: 'POST', url: `/api/v1/imports?kind=staff&schoolId=${own.schoolId}`, headers: { cookie: leader.cookie, 'x-csrf-token': leader.csrf, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: multipart });
  if (!ok(imp)) fail('import job', imp);

  // a screening response of the anchor (all answers at the top: scored high, it raises an alert and a follow-up): the campaign made through the API is published, the anchor answers PHQ-9
  const campaign = (await rows<{ id: string; status: string }>(db, sql`select id::text as id, status from campaigns where owner_path = ${own.schoolPath} order by created_at desc limit 1`))[0];
  if (campaign) {
    if (campaign.status === 'draft') {
      const pub = await as(app, leader, 'POST', `/screening/campaigns/${campaign.id}/publish`);
      if (!ok(pub)) fail('campaign publish', pub);
    }
    const rel = await as(app, leader, 'POST', `/screening/campaigns/${campaign.id}/releases`, { classIds: [own.classId] });
    if (!ok(rel)) fail('campaign release', rel);
    const consent = await as(app, by('parent'), 'POST', `/my/consents/${campaign.id}`, { studentId: own.studentId, decision: 'granted' });
    if (!ok(consent)) fail('screening consent', consent);
    const answers = Object.fromEntries(PHQ9.items.map((i) => [i.id, i.options.at(-1)!.value]));
    const now = world.clock?.() ?? new Date();
    const sub = await as(app, by('student'), 'POST', `/my/screenings/${campaign.id}/${PHQ9.id}/submit`, { clientId: randomUUID(), answers, startedAt: new Date(now.getTime() - 600_000).toISOString() });
    if (!ok(sub)) fail('screening response', sub);
  } else log?.('seed screening response: no campaign of the anchor\'s school');

  // a model-school rating of the school for this year: the scheme is set by a city-wide bureau admin (a helper account: the matrix's bureau admin sits in the district), the school submits its self-evaluation
  const year = (world.clock?.() ?? new Date()).getUTCFullYear();
  const secret = newTotpSecret();
  const [bureauAcct] = await rows<{ id: string }>(db, sql`insert into accounts (region_id, username, display_name, password_hash, totp_secret) values (${world.regionId}, 'matrix.helper.bureau', '矩阵 助手市局', ${hash}, ${secret}) returning id::text as id`);
  await db.execute(sql`insert into role_assignments (region_id, account_id, role, org_unit_id) values (${world.regionId}, ${bureauAcct!.id}::uuid, 'bureau_admin', ${world.unitIdByPath.get(world.cityPath) ?? null})`);
  const bLogin = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'matrix.helper.bureau', password: DEMO_PASSWORD, totp: totpCode(secret, totpStep(world.clock?.() ?? new Date())) } });
  if (bLogin.statusCode !== 200) fail('bureau helper sign-in', bLogin);
  else {
    const bureau = { cookie: `xinyu_sid=${bLogin.cookies.find((c) => c.name === 'xinyu_sid')!.value}`, csrf: bLogin.json<{ csrfToken: string }>().csrfToken };
    const dims = ['staffing', 'courses', 'services', 'homeschool', 'activities'] as const;
    const scheme = await as(app, bureau, 'PUT', `/supervision/rating-schemes/${year}`, {
      title: '访问矩阵测试的评估方案', modelThreshold: 80, qualifiedThreshold: 60,
      criteria: dims.map((d, i) => ({ id: `m${i + 1}`, dimension: d, title: `矩阵指标 ${i + 1}`, weight: 20, maxScore: 20 })),
    });
    if (!ok(scheme)) fail('rating scheme', scheme);
    const self = await as(app, leader, 'PUT', `/supervision/ratings/schools/${own.schoolId}`, { year, submit: true, self: Object.fromEntries(dims.map((_d, i) => [`m${i + 1}`, { score: 15, evidence: '访问矩阵测试的自评' }])) });
    if (!ok(self)) fail('rating self-evaluation', self);
  }

  // a crisis case's team member and task (the case made through the API about the anchor)
  const cases = await rows<{ id: string }>(db, sql`select id::text as id from crisis_cases where student_id = ${own.studentId}::uuid order by opened_at desc limit 1`).catch(() => []);
  if (cases[0]) {
    const team = await as(app, counselor, 'POST', `/crisis/cases/${cases[0].id}/team`, { accountId: leader.accountId, teamRole: 'leader' });
    // 409: the caller is in the team already (the case was opened with its team)
    if (!ok(team) && team.statusCode !== 409) fail('crisis team member', team);
    const task = await as(app, counselor, 'POST', `/crisis/cases/${cases[0].id}/tasks`, { title: '访问矩阵测试的干预任务', dueAt: new Date((world.clock?.() ?? new Date()).getTime() + 86_400_000).toISOString(), clientId: randomUUID() });
    if (!ok(task)) fail('crisis task', task);
  } else log?.('seed crisis task: no crisis case about the anchor');
}

/**
 * The crisis cases of the other places (copies, or the seeded city's) get a copy of the team member
 * and the task of the case made through the API, so the routes naming a case's task or member are
 * probed at every place; the copied task's title carries a canary in other schools and districts.
 */
export async function plantChildren(world: World, log?: (m: string) => void): Promise<void> {
  // a copied meeting task still names the meeting of the anchor's school: each gets a copy of that meeting at its own school
  for (const rec of world.records.get('meetingTask')?.values() ?? []) {
    if (!rec.planted) continue;
    await world.db.execute(sql`
      with m as (insert into care_meetings (region_id, school_id, week_start, held_on, attendees, minutes, agenda, created_by_name, client_id, created_at)
        select m.region_id, t.school_id, m.week_start, m.held_on, m.attendees, m.minutes, m.agenda, m.created_by_name, ${randomUUID()}::uuid, m.created_at
        from meeting_tasks t join care_meetings m on m.id = t.meeting_id where t.id = ${rec.id}::uuid and m.school_id <> t.school_id returning id)
      update meeting_tasks set meeting_id = (select id from m) where id = ${rec.id}::uuid and exists (select 1 from m)`);
  }
  const cases = world.records.get('crisisCase');
  if (!cases) return;
  const src = (await rows<{ id: string }>(world.db, sql`select c.id::text as id from crisis_cases c where exists (select 1 from crisis_tasks t where t.case_id = c.id) and exists (select 1 from crisis_team_members m where m.case_id = c.id and m.removed_at is null) order by c.opened_at desc limit 1`))[0];
  if (!src) return void log?.('plant crisis tasks: no case has a task and a team member to copy');
  for (const rec of cases.values()) {
    if (rec.id === src.id) continue;
    const canary = rec.label === 'otherSchool' || rec.label === 'otherDistrict' ? `CANARY-${randomUUID()}` : null;
    const [task] = await rows<{ id: string }>(world.db, sql`
      insert into crisis_tasks (case_id, title, assignee_account_id, assignee_name, due_at, done_at, done_by_name, cancelled_at, note, client_id, created_at)
      select ${rec.id}::uuid, coalesce(${canary}, title), assignee_account_id, assignee_name, due_at, null, null, null, note, ${randomUUID()}::uuid, created_at
      from crisis_tasks where case_id = ${src.id}::uuid and not exists (select 1 from crisis_tasks x where x.case_id = ${rec.id}::uuid) order by created_at limit 1 returning id::text as id`);
    await world.db.execute(sql`
      insert into crisis_team_members (case_id, account_id, name, team_role, added_at)
      select ${rec.id}::uuid, account_id, name, team_role, added_at from crisis_team_members m
      where m.case_id = ${src.id}::uuid and m.removed_at is null and not exists (select 1 from crisis_team_members x where x.case_id = ${rec.id}::uuid and x.removed_at is null) order by added_at limit 1`);
    if (task && canary) world.canaries.push({ text: canary, kind: 'crisisTask', id: task.id, path: rec.path, sid: rec.sid, reachDown: false });
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

/** The kind a parameter names: the kind of the longest route end matching (/care/students/:id is a key student, not the /students/:id a student) */
function kindAt(ctx: string) {
  let best: { kind: (typeof KINDS)[number]; len: number } | undefined;
  for (const kind of KINDS) for (const a of kind.at) if (ctx.endsWith(a) && a.length > (best?.len ?? 0)) best = { kind, len: a.length };
  return best?.kind;
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
    // a place whose request names the same units as an earlier place's (a school id only: own, same class and other class name one school) is that request again, not a probe of its own
    const sent = new Set<string>();
    for (const label of RELATIONS) {
      const key = placeKey(op, { place: world.places[label], rec: null });
      if (sent.has(key)) continue;
      sent.add(key);
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
  await plantChildren(world, opts.log);
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
          else fig.inScopeFailure ??= `${caller.role} [${t.label}] ${res.statusCode} ${snippet(res.body).slice(0, 160)}`;
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
