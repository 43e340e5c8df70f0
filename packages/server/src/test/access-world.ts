// The world the access matrix probes: five places relative to one anchor student (own record, same
// class, other class, other school, other district), one caller per role of ROLES placed around that
// student, and records of every kind located in each place. Kinds with no row in the seeded demo city
// at a place get one there, cloned from a row elsewhere, with canary strings in their free text.
// Used by the vitest fast subset (http/access-matrix*.test.ts) and by `npm run assure` (10-access).
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { BUILTIN_INSTRUMENTS, ROLE_INFO, ROLES, type Assignment, type Role } from '@xinyu/core';
import { rows, type Db } from '../db/client.js';
import { newTotpSecret, totpCode, totpStep } from '../modules/auth/totp.js';
import { DEMO_PASSWORD } from '../seed/demo.js';

/** The built-in PHQ-9: every city has it, so records naming an instrument can always be made. */
const PHQ9 = BUILTIN_INSTRUMENTS['phq-9']!;

export const RELATIONS = ['own', 'sameClass', 'otherClass', 'otherSchool', 'otherDistrict'] as const;
export type Relation = (typeof RELATIONS)[number];
/** a record of a unit above the anchor's class (its school, district or the city): not one of the five, probed too */
export type Label = Relation | 'above';

export interface Place {
  studentId: string;
  studentNo: string;
  classId: number;
  classPath: string;
  schoolId: number;
  schoolPath: string;
  districtPath: string;
}

export interface MatrixCaller {
  role: Role;
  username: string;
  accountId: string;
  cookie: string;
  csrf: string;
  assignments: Assignment[];
}

/** A record located in the org tree (path) and possibly about one student (sid). */
export interface LocatedRecord {
  kind: string;
  id: string;
  sid: string | null;
  path: string;
  label: Label;
  /** planted by the harness (a clone), not part of the seeded city */
  planted: boolean;
  /** the account it belongs to (kinds only their owner may touch) */
  owner?: string | null;
}

export interface Canary {
  text: string;
  kind: string;
  id: string;
  /** where the record lives, to decide who may see it */
  path: string;
  sid: string | null;
  reachDown: boolean;
}

/**
 * How to find records of one kind. `at` are the ends of route paths whose last parameter names a
 * record of this kind; `select` gives id, sid (student) and path (org path) of every row.
 */
export interface Kind {
  name: string;
  at: string[];
  table: string;
  select: string;
  /** a record owned by a unit is visible below it too (campaigns, sweeps, courses, targets, institutions) */
  reachDown?: boolean;
  /** `select` restricted to the children of one parent record ($parent) */
  child?: boolean;
  /** only the account it belongs to may touch it (`select` gives its owner) */
  ownerOnly?: boolean;
}

const S = (table: string, alias: string, id: string, sid: string, path: string, join = '') =>
  `select ${alias}.id::text as id, ${sid}::text as sid, ${path} as path from ${table} ${alias} ${join}`;
const unitJoin = (alias: string, col = 'school_id') => `join org_units u on u.id = ${alias}.${col}`;
const studentJoin = (alias: string) => `join students st on st.id = ${alias}.student_id`;

export const KINDS: Kind[] = [
  { name: 'student', table: 'students', at: ['/students/:id', '/counseling/students/:id', '/referrals/students/:id', '/crisis/students/:studentId', '/members/:studentId'], select: S('students', 's', 's.id', 's.id', 's.org_path') },
  { name: 'keyStudent', table: 'key_students', at: ['/care/students/:id'], select: S('key_students', 'k', 'k.id', 'k.student_id', 'st.org_path', studentJoin('k')) },
  { name: 'alert', table: 'alerts', at: ['/alerts/:id'], select: S('alerts', 'a', 'a.id', 'a.student_id', 'st.org_path', studentJoin('a')) },
  { name: 'crisisCase', table: 'crisis_cases', at: ['/crisis/cases/:id'], select: S('crisis_cases', 'c', 'c.id', 'c.student_id', 'c.org_path') },
  { name: 'conference', table: 'case_conferences', at: ['/crisis/conferences/:id'], select: S('case_conferences', 'c', 'c.id', 'cc.student_id', 'c.org_path', 'left join crisis_cases cc on cc.id = c.case_id') },
  { name: 'referral', table: 'referrals', at: ['/referrals/:id', '/clinic/referrals/:id'], select: S('referrals', 'r', 'r.id', 'r.student_id', 'r.org_path') },
  { name: 'returnPlan', table: 'return_plans', at: ['/returns/:id'], select: S('return_plans', 'r', 'r.id', 'r.student_id', 'r.org_path') },
  { name: 'careOffer', table: 'care_volunteers', at: ['/care/offers/:id'], select: S('care_volunteers', 'v', 'v.id', 'v.student_id', 'st.org_path', studentJoin('v')) },
  { name: 'nomination', table: 'diary_nominations', at: ['/care/nominations/:id'], select: S('diary_nominations', 'n', 'n.id', 'null', 'n.school_path') },
  { name: 'honour', table: 'care_honours', at: ['/care/honours/:id'], select: S('care_honours', 'h', 'h.id', 'null', 'h.school_path') },
  { name: 'pairing', table: 'parent_pairings', at: ['/care/parent-pairings/:id'], select: S('parent_pairings', 'p', 'p.id', 'p.student_id', 'st.org_path', studentJoin('p')) },
  { name: 'parentVolunteer', table: 'parent_volunteers', at: ['/care/parent-volunteers/:id'], select: S('parent_volunteers', 'p', 'p.id', 'null', 'u.path', unitJoin('p')) },
  { name: 'meetingTask', table: 'meeting_tasks', at: ['/care/meetings/tasks/:id'], select: S('meeting_tasks', 't', 't.id', 't.student_id', 'u.path', unitJoin('t')) },
  { name: 'campaign', table: 'campaigns', at: ['/screening/campaigns/:id', '/my/consents/:id', '/my/screenings/:campaignId'], select: S('campaigns', 'c', 'c.id', 'null', 'c.owner_path'), reachDown: true },
  { name: 'followUp', table: 'screening_follow_ups', at: ['/screening/follow-ups/:id'], select: S('screening_follow_ups', 'f', 'f.id', 'f.student_id', 'st.org_path', studentJoin('f')) },
  { name: 'response', table: 'screening_responses', at: ['/screening/responses/:id'], select: S('screening_responses', 'r', 'r.id', 'r.student_id', 'st.org_path', studentJoin('r')) },
  { name: 'staffCase', table: 'staff_care_cases', at: ['/staffcare/cases/:id'], select: S('staff_care_cases', 'c', 'c.id', 'null', 'c.org_path') },
  { name: 'staffSweep', table: 'staff_sweeps', at: ['/staffcare/sweeps/:id'], select: S('staff_sweeps', 's', 's.id', 'null', 's.owner_path'), reachDown: true },
  { name: 'sweep', table: 'sweeps', at: ['/sweeps/:id'], select: S('sweeps', 's', 's.id', 'null', 's.owner_path'), reachDown: true },
  { name: 'target', table: 'supervision_targets', at: ['/supervision/targets/:id'], select: S('supervision_targets', 't', 't.id', 'null', 't.owner_path'), reachDown: true },
  { name: 'funding', table: 'supervision_funding', at: ['/supervision/funding/:id'], select: S('supervision_funding', 'f', 'f.id', 'null', 'f.org_path') },
  { name: 'rating', table: 'rating_evaluations', at: ['/supervision/ratings/:id'], select: S('rating_evaluations', 'r', 'r.id', 'null', 'r.org_path') },
  { name: 'certificate', table: 'workforce_certificates', at: ['/workforce/certificates/:id'], select: S('workforce_certificates', 'c', 'c.id', 'null', 'c.org_path') },
  { name: 'hotline', table: 'hotline_calls', at: ['/hotline/calls/:id'], select: S('hotline_calls', 'h', 'h.id', 'h.student_id', 'h.org_path') },
  { name: 'thread', table: 'mailbox_threads', at: ['/mailbox/threads/:id', '/mailbox/mine/:id'], select: S('mailbox_threads', 't', 't.id', 't.student_id', 't.org_path') },
  { name: 'appointment', table: 'appointments', at: ['/counseling/appointments/:id'], select: S('appointments', 'a', 'a.id', 'a.student_id', 'a.org_path') },
  { name: 'slot', table: 'counselor_slots', at: ['/counseling/slots/:id'], select: S('counselor_slots', 's', 's.id', 'null', 's.org_path') },
  { name: 'session', table: 'counseling_sessions', at: ['/counseling/sessions/:id'], select: S('counseling_sessions', 's', 's.id', 's.student_id', 's.org_path') },
  { name: 'room', table: 'counseling_rooms', at: ['/counseling/rooms/:id'], select: S('counseling_rooms', 'r', 'r.id', 'null', 'r.org_path') },
  { name: 'supervisor', table: 'counseling_supervisors', at: ['/counseling/supervisors/:id'], select: S('counseling_supervisors', 's', 's.id', 'null', 'u.path', unitJoin('s')) },
  { name: 'activity', table: 'education_activities', at: ['/education/activities/:id'], select: S('education_activities', 'a', 'a.id', 'null', 'a.org_path') },
  { name: 'club', table: 'education_clubs', at: ['/education/clubs/:id'], select: S('education_clubs', 'c', 'c.id', 'null', 'c.org_path') },
  { name: 'lesson', table: 'education_lessons', at: ['/education/lessons/:id'], select: S('education_lessons', 'l', 'l.id', 'null', 'l.org_path') },
  { name: 'course', table: 'homeschool_courses', at: ['/homeschool/courses/:id', '/homeschool/my/courses/:id'], select: S('homeschool_courses', 'c', 'c.id', 'null', 'c.org_path'), reachDown: true },
  { name: 'hsSession', table: 'homeschool_sessions', at: ['/homeschool/sessions/:id'], select: S('homeschool_sessions', 's', 's.id', 'null', 's.org_path'), reachDown: true },
  { name: 'importJob', table: 'import_jobs', at: ['/imports/:id'], select: S('import_jobs', 'j', 'j.id', 'null', 'u.path', unitJoin('j')) },
  { name: 'dormitory', table: 'dormitories', at: ['/committee/dormitories/:id'], select: S('dormitories', 'd', 'd.id', 'null', 'u.path', unitJoin('d')) },
  { name: 'staff', table: 'staff', at: ['/staff/:id'], select: S('staff', 's', 's.id', 'null', 's.org_path') },
  { name: 'account', table: 'accounts', at: ['/accounts/:id'], select: `select a.id::text as id, min(ra.student_id::text) as sid, min(coalesce(o.path, st.org_path)) as path from accounts a join role_assignments ra on ra.account_id = a.id left join org_units o on o.id = ra.org_unit_id left join students st on st.id = ra.student_id group by a.id` },
  // a parameter naming a school takes schools (a class id there is answered 404 whoever asks: it proves nothing)
  { name: 'schoolUnit', table: 'org_units', at: ['/schools/:schoolId', '/workforce/schools/:id'], select: `${S('org_units', 'o', 'o.id', 'null', 'o.path')} where o.kind = 'school'`, reachDown: true },
  { name: 'orgUnit', table: 'org_units', at: ['/org/units/:id', '/groups/:unitId'], select: S('org_units', 'o', 'o.id', 'null', 'o.path'), reachDown: true },
  { name: 'classUnit', table: 'org_units', at: ['/classes/:classId'], select: `${S('org_units', 'o', 'o.id', 'null', 'o.path')} where o.kind = 'class'`, reachDown: true },
  { name: 'institution', table: 'partner_institutions', at: ['/institutions/:id'], select: `select i.id::text as id, null as sid, (select path from org_units where id = i.region_id) as path from partner_institutions i`, reachDown: true },
  { name: 'notification', table: 'notifications', at: ['/notifications/:id'], ownerOnly: true, select: `select n.id::text as id, null as sid, min(coalesce(o.path, st.org_path)) as path, n.account_id::text as owner from notifications n join role_assignments ra on ra.account_id = n.account_id left join org_units o on o.id = ra.org_unit_id left join students st on st.id = ra.student_id group by n.id, n.account_id` },
  // children: the record under the parent chosen for the route's first parameter
  { name: 'assignment', table: 'role_assignments', at: ['/roles/:assignmentId'], child: true, select: `select ra.id::text as id, ra.student_id::text as sid, coalesce(o.path, st.org_path) as path from role_assignments ra left join org_units o on o.id = ra.org_unit_id left join students st on st.id = ra.student_id where ra.account_id::text = $parent` },
  { name: 'crisisTask', table: 'crisis_tasks', at: ['/tasks/:taskId'], child: true, select: `select t.id::text as id, null as sid, '' as path from crisis_tasks t where t.case_id::text = $parent` },
  { name: 'teamMember', table: 'crisis_team_members', at: ['/team/:memberId'], child: true, select: `select t.id::text as id, null as sid, '' as path from crisis_team_members t where t.case_id::text = $parent` },
];

/** Parameters that are values, not records: how to find one that exists. */
export const VALUE_PARAMS: { at: string; select: string | null; reason?: string }[] = [
  // an imported instrument, else the built-in PHQ-9 (every city has it)
  { at: '/instruments/:key', select: `select coalesce((select key from instruments order by key limit 1), '${PHQ9.id}') as v` },
  { at: '/:version', select: `select coalesce((select version::text from instruments order by key, version limit 1), '${PHQ9.version}') as v` },
  { at: '/my/screenings/:campaignId/:key', select: `select (plan->0->'instruments'->0->>'key') as v from campaigns limit 1` },
  { at: '/supervision/metrics/:key', select: `select metric_key as v from supervision_targets where metric_key is not null order by seq limit 1` },
  { at: '/supervision/rating-schemes/:year', select: `select coalesce((select year::text from rating_schemes order by year desc limit 1), '2026') as v` },
  { at: '/:tier', select: `select 'staff' as v` },
  { at: '/follow-ups/:seq', select: `select '1' as v` },
  // body fields naming region-wide records
  { at: 'body:institutionId', select: `select id::text as v from partner_institutions where active order by id limit 1` },
];

export function depth(path: string): number {
  return path.split('/').filter(Boolean).length;
}

/** Where a record lies relative to the anchor student. */
export function labelOf(anchor: Place, rec: { sid: string | null; path: string }): Label | null {
  if (rec.sid && rec.sid === anchor.studentId) return 'own';
  if (!rec.path) return null;
  if (rec.path.startsWith(anchor.classPath)) return 'sameClass';
  if (anchor.classPath.startsWith(rec.path)) return 'above';
  if (rec.path.startsWith(anchor.schoolPath)) return 'otherClass';
  if (rec.path.startsWith(anchor.districtPath)) return 'otherSchool';
  return 'otherDistrict';
}

export interface World {
  db: Db;
  cityPath: string;
  regionId: number;
  places: Record<Relation, Place>;
  unitIdByPath: Map<string, number>;
  callers: MatrixCaller[];
  /** records per kind per label (one each) */
  records: Map<string, Map<Label, LocatedRecord>>;
  /** every located record by id (for scanning answers for ids out of the caller's reach) */
  byId: Map<string, LocatedRecord>;
  canaries: Canary[];
  /** kinds that have no record anywhere (routes naming them cannot be probed) */
  emptyKinds: Map<string, string>;
  values: Map<string, string | null>;
  /** the app's clock (the fixture's TestClock in tests) */
  clock?: () => Date;
}

async function placeOf(db: Db, studentId: string): Promise<Place> {
  const r = (await rows<{ student_no: string; class_id: number; class_path: string; school_id: number; school_path: string }>(db, sql`
    select s.student_no, s.class_id, c.path as class_path, s.school_id, sc.path as school_path
    from students s join org_units c on c.id = s.class_id join org_units sc on sc.id = s.school_id where s.id = ${studentId}`))[0]!;
  const segs = r.school_path.split('/').filter(Boolean);
  return { studentId, studentNo: r.student_no, classId: r.class_id, classPath: r.class_path, schoolId: r.school_id, schoolPath: r.school_path, districtPath: `/${segs.slice(0, 2).join('/')}/` };
}

/** The five places: students of the demo schools S0201 (class 7-1 and 7-2), S0205 (same district) and S0303 (other district). */
async function findPlaces(db: Db): Promise<Record<Relation, Place>> {
  const unit = async (code: string) => (await rows<{ id: number }>(db, sql`select id from org_units where code = ${code}`))[0]!.id;
  const schoolA = await unit('S0201');
  const classOf = async (schoolId: number, no: number) =>
    (await rows<{ id: number }>(db, sql`select c.id from org_units c join org_units g on g.id = c.parent_id where g.parent_id = ${schoolId} and g.grade_level = 7 and c.class_no = ${no}`))[0]!.id;
  const nth = async (where: ReturnType<typeof sql>, n: number) =>
    (await rows<{ id: string }>(db, sql`select id from students where status = 'active' and ${where} order by student_no offset ${n} limit 1`))[0]!.id;
  const classA = await classOf(schoolA, 1);
  // not the demo accounts' students: the matrix's callers are bound to these
  const taken = (await rows<{ sid: string }>(db, sql`select student_id::text as sid from role_assignments where student_id is not null`)).map((r) => r.sid);
  const free = async (where: ReturnType<typeof sql>) => {
    for (let n = 0; ; n++) {
      const id = await nth(where, n);
      if (!taken.includes(id)) {
        taken.push(id);
        return id;
      }
    }
  };
  return {
    own: await placeOf(db, await free(sql`class_id = ${classA}`)),
    sameClass: await placeOf(db, await free(sql`class_id = ${classA}`)),
    otherClass: await placeOf(db, await free(sql`class_id = ${await classOf(schoolA, 2)}`)),
    otherSchool: await placeOf(db, await free(sql`school_id = ${await unit('S0205')}`)),
    otherDistrict: await placeOf(db, await free(sql`school_id = ${await unit('S0303')}`)),
  };
}

/**
 * One account per role of ROLES, bound around the anchor: a role bound to units sits where the demo
 * city's accounts of that role sit (class, school or district of the anchor; the district when the
 * demo has none), a role bound to a student is bound to the anchor, a committee member to the
 * anchor's class and the anchor. Roles needing TOTP get a secret.
 */
async function makeCallers(db: Db, app: FastifyInstance, places: Record<Relation, Place>, regionId: number, clockNow: () => Date, advance?: () => void): Promise<MatrixCaller[]> {
  const own = places.own;
  const hash = (await rows<{ h: string }>(db, sql`select password_hash as h from accounts where username = 'school.leader'`))[0]!.h;
  const callers: MatrixCaller[] = [];
  for (const role of ROLES) {
    const binding = ROLE_INFO[role].binding;
    let assignments: Assignment[] = [];
    if (binding === 'org') {
      const kinds = (await rows<{ kind: string }>(db, sql`select o.kind from role_assignments ra join org_units o on o.id = ra.org_unit_id where ra.role = ${role} and starts_with(o.path, ${own.districtPath}) order by length(o.path) desc limit 1`)).map((r) => r.kind);
      const path = kinds[0] === 'class' ? own.classPath : kinds[0] === 'school' ? own.schoolPath : own.districtPath;
      assignments = [{ role, orgPath: path }];
    } else if (binding === 'student') assignments = [{ role, studentId: own.studentId }];
    else if (binding === 'org+student') assignments = [{ role, orgPath: own.classPath, studentId: own.studentId }];
    const username = `matrix.${role}`;
    const secret = ROLE_INFO[role].mfa ? newTotpSecret() : null;
    const [acct] = await rows<{ id: string }>(db, sql`insert into accounts (region_id, username, display_name, password_hash, totp_secret) values (${regionId}, ${username}, ${`矩阵 ${role}`}, ${hash}, ${secret}) returning id::text as id`);
    for (const a of assignments) {
      const unitId = a.orgPath ? (await rows<{ id: number }>(db, sql`select id from org_units where path = ${a.orgPath}`))[0]!.id : null;
      await db.execute(sql`insert into role_assignments (region_id, account_id, role, org_unit_id, student_id) values (${regionId}, ${acct!.id}, ${role}, ${unitId}, ${a.studentId ?? null})`);
    }
    if (secret) advance?.();
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: username, password: DEMO_PASSWORD, ...(secret ? { totp: totpCode(secret, totpStep(clockNow())) } : {}) } });
    if (res.statusCode !== 200) throw new Error(`access matrix: ${username} could not sign in: ${res.statusCode} ${res.body}`);
    const cookie = res.cookies.find((c) => c.name === 'xinyu_sid')!;
    const me = res.json<{ csrfToken: string }>();
    const caller: MatrixCaller = { role, username, accountId: acct!.id, cookie: `xinyu_sid=${cookie.value}`, csrf: me.csrfToken, assignments };
    const check = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: caller.cookie } });
    if (check.statusCode !== 200 || /"(mustChangePassword|mfaEnrolmentPending)":true/.test(check.body)) throw new Error(`access matrix: ${username} is not usable: ${check.statusCode} ${check.body}`);
    callers.push(caller);
  }
  return callers;
}

interface Column {
  name: string;
  type: string;
  nullable: boolean;
  hasDefault: boolean;
}

const FREE_TEXT = new Set(['name', 'title', 'note', 'summary', 'topic', 'reason', 'theme', 'minutes', 'decisions', 'subject', 'observation', 'body', 'task', 'analysis', 'closure_note', 'closure_summary', 'purpose', 'recommendation', 'location', 'speaker', 'teacher_name', 'contact_name', 'account_name', 'said', 'response', 'done_note', 'review_note', 'provider', 'issuer']);

async function columnsOf(db: Db, table: string): Promise<Column[]> {
  return rows<Column>(db, sql`select column_name as name, data_type as type, is_nullable = 'YES' as nullable, (column_default is not null or is_identity = 'YES') as "hasDefault" from information_schema.columns where table_schema = 'public' and table_name = ${table} order by ordinal_position`);
}

function lit(v: string | number | null): string {
  if (v === null) return 'null';
  if (typeof v === 'number') return String(v);
  return `'${v.replace(/'/g, "''")}'`;
}

/**
 * A copy of one row of `kind` moved to `place` (its student, class, school and paths replaced), with
 * canaries in its free-text columns. Returns the new id, or throws (a constraint the copy breaks).
 */
async function cloneTo(db: Db, kind: Kind, src: LocatedRecord, place: Place, unitIdByPath: Map<string, number>, canary: string, refs: Record<string, string | null> = {}): Promise<{ id: string; path: string; sid: string | null }> {
  const cols = await columnsOf(db, kind.table);
  const d = depth(src.path);
  const newPath = d >= 5 ? place.classPath : d === 4 ? place.classPath.split('/').slice(0, 5).join('/') + '/' : place.schoolPath;
  const pathUnit = unitIdByPath.get(newPath) ?? null;
  const shift = 1 + Math.floor(Math.random() * 500000);
  const out: string[] = [];
  const vals: string[] = [];
  for (const c of cols) {
    if (c.name === 'id') {
      if (c.hasDefault) continue;
      if (c.type === 'uuid') {
        out.push('id');
        vals.push(`${lit(randomUUID())}::uuid`);
        continue;
      }
    }
    let v: string | null = null;
    const ref = refs[c.name];
    if (ref !== undefined) v = ref === null ? `${lit(randomUUID())}::uuid` : `${lit(ref)}::uuid`;
    else if (c.name === 'student_id' && src.sid) v = `${lit(place.studentId)}::uuid`;
    else if (c.name === 'school_id') v = lit(place.schoolId);
    else if (c.name === 'class_id') v = lit(place.classId);
    else if (['org_path', 'owner_path', 'school_path'].includes(c.name)) v = lit(c.name === 'school_path' ? place.schoolPath : newPath);
    else if (['owner_unit_id', 'unit_id'].includes(c.name)) v = lit(pathUnit);
    else if (c.name === 'target_paths') v = `array[${lit(newPath)}]::text[]`;
    else if (c.name === 'starts_at' || c.name === 'ends_at') v = `${c.name} + interval '${shift} minutes'`;
    else if (c.name === 'slot_id' && kind.table === 'appointments') v = 'null';
    else if (c.name === 'staff_no') v = lit(canary.slice(-12));
    else if (c.name === 'source_ref') v = c.type === 'uuid' ? `${lit(randomUUID())}::uuid` : lit(randomUUID());
    else if (c.name === 'client_id') v = c.type === 'uuid' ? `${lit(randomUUID())}::uuid` : lit(randomUUID());
    else if (c.name === 'code' && kind.table === 'homeschool_sessions') v = lit(canary.slice(-6).toUpperCase());
    else if (FREE_TEXT.has(c.name) && c.type === 'text') v = lit(canary);
    if (v !== null) {
      out.push(c.name);
      vals.push(v);
    } else {
      out.push(c.name);
      vals.push(c.name);
    }
  }
  const q = `insert into ${kind.table} (${out.join(', ')}) select ${vals.join(', ')} from ${kind.table} where id::text = ${lit(src.id)} returning id::text as id`;
  const r = await rows<{ id: string }>(db, sql.raw(q));
  return { id: r[0]!.id, path: newPath, sid: src.sid ? place.studentId : null };
}

/**
 * Columns of a copy that must not repeat the source's (they are part of a unique key, or name a
 * record of the source's place): the record of that kind at the copy's place, or a fresh id (null)
 * for a person the copy's place has none of (a volunteering teacher, a nominated teacher, a parent).
 */
const CLONE_REFS: Record<string, (records: Map<string, Map<Label, LocatedRecord>>, rel: Relation, place: Place, db: Db) => Record<string, string | null> | Promise<Record<string, string | null>>> = {
  care_volunteers: (r, rel) => ({ key_student_id: r.get('keyStudent')?.get(rel)?.id ?? null, account_id: null }),
  parent_pairings: (r, rel) => ({ key_student_id: r.get('keyStudent')?.get(rel)?.id ?? null, volunteer_id: null }),
  parent_volunteers: () => ({ guardian_id: null }),
  diary_nominations: () => ({ diary_entry_id: null }),
  care_honours: () => ({ account_id: null }),
  counseling_supervisors: () => ({ account_id: null }),
  // a certificate belongs to a member of staff of the copy's school (a school's page lists its staff's certificates)
  workforce_certificates: async (_r, _rel, place, db) => ({ staff_id: (await rows<{ id: string }>(db, sql`select id::text as id from staff where school_id = ${place.schoolId} and active order by staff_no limit 1`))[0]?.id ?? null }),
};

export async function buildWorld(db: Db, app: FastifyInstance, opts: { clock: () => Date; advance?: () => void; log?: (m: string) => void }): Promise<World> {
  const places = await findPlaces(db);
  const city = (await rows<{ id: number; path: string; region_id: number }>(db, sql`select id, path, region_id from org_units where kind = 'city' order by id limit 1`))[0]!;
  const unitIdByPath = new Map((await rows<{ id: number; path: string }>(db, sql`select id, path from org_units`)).map((u) => [u.path, u.id]));
  const callers = await makeCallers(db, app, places, city.region_id, opts.clock, opts.advance);
  const values = new Map<string, string | null>();
  for (const v of VALUE_PARAMS) values.set(v.at, v.select ? ((await rows<{ v: string | null }>(db, sql.raw(v.select)))[0]?.v ?? null) : null);
  return { db, cityPath: city.path, regionId: city.region_id, places, unitIdByPath, callers, records: new Map(), byId: new Map(), canaries: [], emptyKinds: new Map(), values, clock: opts.clock };
}

/** Locates the records of every kind, plants the missing places, canaries in other schools' people. */
export async function plantRecords(world: World, opts: { log?: (m: string) => void } = {}): Promise<void> {
  const { db, places, unitIdByPath, records, byId, canaries, emptyKinds } = world;
  const anchor = places.own;
  for (const kind of KINDS) {
    if (kind.child) continue;
    const all = await rows<{ id: string; sid: string | null; path: string | null; owner?: string | null }>(db, sql.raw(kind.select));
    const byLabel = new Map<Label, LocatedRecord>();
    for (const r of all) {
      if (!r.path) continue;
      const label = labelOf(anchor, { sid: r.sid, path: r.path });
      if (!label) continue;
      const rec: LocatedRecord = { kind: kind.name, id: r.id, sid: r.sid, path: r.path, label, planted: false, owner: r.owner ?? null };
      byId.set(r.id, rec);
      const prev = byLabel.get(label);
      // prefer the record nearest the place (a student's own class, its school), then the first by id
      const placeFor = label === 'above' ? null : places[label];
      const near = (x: LocatedRecord) => (placeFor ? (x.sid === placeFor.studentId ? 3 : x.path.startsWith(placeFor.classPath) ? 2 : x.path.startsWith(placeFor.schoolPath) ? 1 : 0) : 0);
      if (!prev || near(rec) > near(prev)) byLabel.set(label, rec);
    }
    if (kind.name === 'student') {
      for (const rel of RELATIONS) {
        const p = places[rel];
        const rec: LocatedRecord = { kind: 'student', id: p.studentId, sid: p.studentId, path: p.classPath, label: rel, planted: false };
        byLabel.set(rel, rec);
      }
    }
    if (all.length === 0) emptyKinds.set(kind.name, `no ${kind.table} row in the seeded demo city to copy`);
    else if (!['orgUnit', 'schoolUnit', 'classUnit', 'institution', 'account', 'notification', 'student'].includes(kind.name)) {
      // plant the missing places: a copy of a row of this kind, moved there, canaries in its free text
      const src = [...byLabel.values()].sort((a, b) => Number(Boolean(b.sid)) - Number(Boolean(a.sid)))[0]!;
      for (const rel of RELATIONS) {
        if (byLabel.has(rel)) continue;
        if (rel === 'own' && !src.sid) continue; // a record of no student has no "own"
        if (rel === 'sameClass' && !src.sid && depth(src.path) < 5) continue; // a school's record has no class
        const text = `CANARY-${randomUUID()}`;
        try {
          const made = await cloneTo(db, kind, src, places[rel], unitIdByPath, text, (await CLONE_REFS[kind.table]?.(records, rel, places[rel], db)) ?? {});
          const rec: LocatedRecord = { kind: kind.name, id: made.id, sid: made.sid, path: made.path, label: rel, planted: true };
          byLabel.set(rel, rec);
          byId.set(rec.id, rec);
          if (rel === 'otherSchool' || rel === 'otherDistrict') canaries.push({ text, kind: kind.name, id: made.id, path: made.path, sid: made.sid, reachDown: Boolean(kind.reachDown) });
        } catch (e) {
          opts.log?.(`could not plant ${kind.name} at ${rel}: ${String(e instanceof Error ? e.message : e).split('\n')[0]}`);
        }
      }
    }
    records.set(kind.name, byLabel);
  }

  // canaries in the people of other schools: students' names, their guardians' names, staff names
  for (const rel of ['otherSchool', 'otherDistrict'] as const) {
    const p = places[rel];
    const name = `CANARY-${randomUUID()}`;
    await db.execute(sql`update students set name = ${name} where id = ${p.studentId}`);
    canaries.push({ text: name, kind: 'student.name', id: p.studentId, path: p.classPath, sid: p.studentId, reachDown: false });
    const g = await rows<{ id: string }>(db, sql`select guardian_id::text as id from student_guardians where student_id = ${p.studentId} limit 1`);
    if (g[0]) {
      const gname = `CANARY-${randomUUID()}`;
      await db.execute(sql`update guardians set name = ${gname} where id = ${g[0].id}::uuid`);
      canaries.push({ text: gname, kind: 'guardian.name', id: g[0].id, path: p.classPath, sid: p.studentId, reachDown: false });
    }
    const st = await rows<{ id: string }>(db, sql`select id::text as id from staff where school_id = ${p.schoolId} order by staff_no limit 1`);
    if (st[0]) {
      const sname = `CANARY-${randomUUID()}`;
      await db.execute(sql`update staff set name = ${sname} where id = ${st[0].id}::uuid`);
      canaries.push({ text: sname, kind: 'staff.name', id: st[0].id, path: p.schoolPath, sid: null, reachDown: false });
    }
  }

  for (const v of VALUE_PARAMS) {
    world.values.set(v.at, v.select ? ((await rows<{ v: string | null }>(db, sql.raw(v.select)))[0]?.v ?? null) : null);
  }
}
