/**
 * After answering: completion by unit, who has not finished (names only), results for those who
 * may see them (audited), re-tests, the re-check of flagged students (复检) and the district's
 * sign-off. Results are scoped by the student's current record, so a student's screening history
 * follows them to a new class or school within the region.
 */
import { instrumentsForGrade, recheckDecisionFits, type contracts, type GradeBandPlan, type InstrumentDefinition, type Permission, type WarningLevel } from '@xinyu/core';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { badRequest, conflict, notFound } from '../../http/errors.js';
import { hasPermission, inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { notify } from '../notify/service.js';
import { auditActor } from '../org/service.js';
import { orgUnits, students } from '../org/tables.js';
import { campaignFor, cstToday } from './campaigns.js';
import { getInstrumentInRegion } from './service.js';
import { campaigns, screeningFollowUps, screeningSignOffs } from './tables.js';
import { sealerFor, type Sealer } from '../../lib/sealed.js';
import { followUpAad, openAnswers, openScore, openText, sealText, signOffAad } from './sealing.js';

type CampaignRow = typeof campaigns.$inferSelect;
type UnitRow = typeof orgUnits.$inferSelect;

/** The unit to look at: given, or the campaign's owner, or the caller's own; in scope and targeted. */
export async function unitFor(db: Db, caller: Caller, c: CampaignRow, unitId: number | undefined, permission: Permission): Promise<UnitRow> {
  const scope = scopeOf(caller, permission);
  const overlaps = sql`exists (select 1 from unnest(${sql.param(c.targetPaths)}::text[]) t where ${orgUnits.path} like t || '%' or t like ${orgUnits.path} || '%')`;
  const candidates = unitId
    ? await db.select().from(orgUnits).where(and(eq(orgUnits.id, unitId), inScope(scope, orgUnits.path), overlaps))
    : await db.select().from(orgUnits).where(and(inScope(scope, orgUnits.path), overlaps)).orderBy(sql`length(${orgUnits.path})`).limit(1);
  if (!candidates[0]) throw notFound();
  return candidates[0];
}

/** `case grade when 7 then 2 …`: how many instruments a grade answers in this plan. */
function instrumentCountSql(plan: GradeBandPlan[], grade: SQL): SQL {
  const whens = [];
  for (let g = 1; g <= 12; g++) {
    const n = instrumentsForGrade(plan, g).length;
    if (n) whens.push(sql`when ${sql.raw(String(g))} then ${sql.raw(String(n))}`);
  }
  return whens.length ? sql`(case ${grade} ${sql.join(whens, sql` `)} else 0 end)` : sql`0`;
}

/**
 * The students a campaign targets under a unit, each with their class, grade, release, consent
 * and progress. Shared by completion, the pending list and reports.
 */
export function targetStudents(c: CampaignRow, unit: UnitRow, extraWhere: SQL = sql``): SQL {
  const plan = c.plan as GradeBandPlan[];
  const grades = [...new Set(plan.flatMap((b) => b.gradeLevels))];
  return sql`
    with cls as (
      select k.id, k.path, k.name, coalesce(k.grade_level, g.grade_level)::int as gl
      from org_units k left join org_units g on g.id = k.parent_id and g.kind = 'grade'
      where k.kind = 'class' and k.path like ${`${unit.path}%`} and k.path like any(${sql.param(c.targetPaths.map((t) => `${t}%`))}::text[])
    ),
    -- materialized: computed once, then hash-joined (without statistics the planner would re-run it per student)
    resp as materialized (
      select r.student_id, count(*) filter (where r.status = 'submitted')::int as submitted, count(*)::int as started
      from screening_responses r join students s2 on s2.id = r.student_id and s2.org_path like ${`${unit.path}%`}
      where r.campaign_id = ${c.id} and r.status <> 'superseded' group by r.student_id
    )
    select s.id, s.name, s.student_no, s.gender, s.boarding, s.school_id, cls.path, cls.name as class_name, cls.id as class_id, cls.gl,
      (r.class_id is not null) as released,
      (${c.consentForAll} or date_part('year', age(${c.windowStart}::date, s.birth_date)) < 14) as needs_consent,
      sc.decision as consent,
      coalesce(resp.started, 0) as started,
      coalesce(resp.submitted, 0) >= ${instrumentCountSql(plan, sql`cls.gl`)} as completed
    from students s
    join cls on cls.id = s.class_id and cls.gl = any(${sql.param(grades)}::int[])
    left join campaign_releases r on r.campaign_id = ${c.id} and r.class_id = s.class_id
    left join screening_consents sc on sc.campaign_id = ${c.id} and sc.student_id = s.id
    left join resp on resp.student_id = s.id
    where s.status = 'active' ${extraWhere}`;
}

type CompletionRow = z.infer<typeof contracts.CompletionRow>;

/** Live completion for a unit and each of its children (districts of a city, schools of a district …). */
export async function completion(db: Db, caller: Caller, id: string, unitId: number | undefined): Promise<z.infer<typeof contracts.Completion>> {
  const c = await campaignFor(db, caller, id, 'screening.progress');
  const unit = await unitFor(db, caller, c, unitId, 'screening.progress');
  const depth = unit.path.split('/').filter(Boolean).length;
  const grouped = await rows<{ child: string | null; students: number; released: number; consent_missing: number; started: number; completed: number }>(db, sql`
    with t as (${targetStudents(c, unit)})
    select substring(t.path from ${`^(/(?:\\d+/){${depth + 1}})`}) as child, count(*)::int as students,
      count(*) filter (where released)::int as released,
      count(*) filter (where needs_consent and consent is distinct from 'granted')::int as consent_missing,
      count(*) filter (where started > 0)::int as started,
      count(*) filter (where completed)::int as completed
    from t group by 1`);
  const paths = grouped.map((g) => g.child).filter((p): p is string => !!p && p !== unit.path);
  const names = paths.length ? await db.select().from(orgUnits).where(sql`${orgUnits.path} = any(${sql.param(paths)}::text[])`) : [];
  const byPath = new Map(names.map((u) => [u.path, u]));
  // grades in school order (七年级 before 八年级), classes by number, the rest by name
  const rank = new Map(names.map((u) => [u.id, (u.gradeLevel ?? 0) * 1000 + (u.classNo ?? 0)]));
  const order = (id: number) => rank.get(id) ?? 0;
  const row = (u: { id: number; name: string; kind: string }, g: (typeof grouped)[number] | undefined): CompletionRow => ({
    unitId: u.id,
    name: u.name,
    kind: u.kind,
    students: g?.students ?? 0,
    released: g?.released ?? 0,
    consentMissing: g?.consent_missing ?? 0,
    started: g?.started ?? 0,
    completed: g?.completed ?? 0,
  });
  const total = grouped.reduce((t, g) => ({ child: null, students: t.students + g.students, released: t.released + g.released, consent_missing: t.consent_missing + g.consent_missing, started: t.started + g.started, completed: t.completed + g.completed }), { child: null, students: 0, released: 0, consent_missing: 0, started: 0, completed: 0 });
  const children = unit.kind === 'class' ? [] : grouped.flatMap((g) => {
    const u = g.child ? byPath.get(g.child) : undefined;
    return u ? [row(u, g)] : [];
  }).sort((a, b) => order(a.unitId) - order(b.unitId) || a.name.localeCompare(b.name, 'zh-CN'));
  return { unit: row(unit, total), children };
}

type PendingState = z.infer<typeof contracts.PendingStudent>['state'];
interface PendingRow { id: string; name: string; student_no: string; class_name: string; released: boolean; needs_consent: boolean; consent: string | null; started: number; completed: boolean; [k: string]: unknown }

function pendingState(r: PendingRow): PendingState {
  if (!r.released) return 'not_released';
  if (r.needs_consent && r.consent === 'refused') return 'consent_refused';
  if (r.needs_consent && r.consent !== 'granted') return 'waiting_consent';
  return r.started > 0 ? 'in_progress' : 'not_started';
}

/** Students of a unit (usually a class) who have not finished: names and state, never answers. */
export async function pendingStudents(db: Db, caller: Caller, id: string, unitId: number) {
  const c = await campaignFor(db, caller, id, 'screening.progress');
  const unit = await unitFor(db, caller, c, unitId, 'screening.progress');
  const list = await rows<PendingRow>(db, sql`with t as (${targetStudents(c, unit)}) select * from t where not completed order by path, name limit 5000`);
  return list.map((r) => ({ studentId: r.id, name: r.name, studentNo: r.student_no, className: r.class_name, state: pendingState(r) }));
}

/**
 * Reminds the unfinished students of a class in their inbox, and the guardians of those still
 * waiting for consent. At most once an hour per class, so a double click sends one reminder.
 */
export async function remind(deps: Deps, caller: Caller, id: string, classId: number): Promise<{ students: number; guardians: number }> {
  const c = await campaignFor(deps.db, caller, id, 'screening.progress');
  if (c.status !== 'published') throw conflict('活动未在进行中');
  const unit = await unitFor(deps.db, caller, c, classId, 'screening.progress');
  if (unit.kind !== 'class') throw badRequest('请选择班级', { classId: '请选择班级' });
  const now = deps.clock();
  const list = await rows<PendingRow>(deps.db, sql`with t as (${targetStudents(c, unit)}) select * from t where not completed and released`);
  const waiting = list.filter((r) => pendingState(r) === 'waiting_consent').map((r) => r.id);
  const answering = list.filter((r) => ['not_started', 'in_progress'].includes(pendingState(r))).map((r) => r.id);
  return deps.db.transaction(async (tx) => {
    // the lock makes two clicks at once wait for each other, so the second sees the first's audit row
    await tx.execute(sql`select pg_advisory_xact_lock(7318201, ${unit.id})`);
    const recent = await rows<{ n: number }>(tx, sql`select count(*)::int as n from audit_log where action = 'screening.remind' and object_id = ${`${c.id}:${unit.id}`} and at > ${new Date(now.getTime() - 3600000)}`);
    if (recent[0]!.n > 0) throw conflict('一小时内已提醒过本班，请稍后再试');
    const studentAccounts = answering.length
      ? await rows<{ id: string }>(tx, sql`select account_id as id from role_assignments where role = 'student' and student_id = any(${sql.param(answering)}::uuid[])`)
      : [];
    const parentAccounts = waiting.length
      ? await rows<{ id: string }>(tx, sql`select account_id as id from role_assignments where role = 'parent' and student_id = any(${sql.param(waiting)}::uuid[])`)
      : [];
    await notify(tx, deps, { regionId: caller.regionId, accountIds: studentAccounts.map((a) => a.id), kind: 'screening.reminder', title: `请完成心理测评：${c.title}`, body: `测评截止日期是 ${c.windowEnd}。请在手机或学校机房完成。`, link: '/m/screening' }, now);
    await notify(tx, deps, { regionId: caller.regionId, accountIds: parentAccounts.map((a) => a.id), kind: 'screening.consent_request', title: `请确认孩子是否参加心理测评：${c.title}`, body: '学校将组织心理健康测评，需要您的同意。请在家长页面查看说明并确认。', link: '/m/parent' }, now);
    await appendAudit(tx, { ...auditActor(caller), action: 'screening.remind', objectType: 'campaign_class', objectId: `${c.id}:${unit.id}`, orgPath: unit.path, detail: { students: studentAccounts.length, guardians: parentAccounts.length } }, now);
    return { students: studentAccounts.length, guardians: parentAccounts.length };
  });
}

// --- results ------------------------------------------------------------------------------------------

interface ResultDbRow {
  id: string;
  student_id: string;
  name: string;
  student_no: string;
  class_name: string | null;
  instrument_key: string;
  instrument_version: string;
  submitted_at: Date | string;
  duration_seconds: number | null;
  warning_level: WarningLevel;
  valid: boolean;
  /** sealed (sealing.ts) */
  score: string;
  campaign_id: string;
  final_level: WarningLevel | null;
  [k: string]: unknown;
}

const RESULT_SELECT = sql`select r.id, r.student_id, s.name, s.student_no, k.name as class_name, r.instrument_key, r.instrument_version, r.submitted_at, r.duration_seconds,
    r.warning_level, r.valid, r.score, f.final_level, r.answers, r.campaign_id, s.gender, s.org_path, r.grade_level, sch.name as school_name, cp.title as campaign_title
  from screening_responses r
  join students s on s.id = r.student_id
  left join org_units k on k.id = s.class_id
  left join org_units sch on sch.id = s.school_id
  join campaigns cp on cp.id = r.campaign_id
  left join screening_follow_ups f on f.campaign_id = r.campaign_id and f.student_id = r.student_id`;

/** The definitions of the instruments in these rows, each loaded once. */
async function definitionsOf(db: Db, regionId: number, list: ResultDbRow[]): Promise<Map<string, InstrumentDefinition | null>> {
  const keys = [...new Set(list.map((r) => `${r.instrument_key}@${r.instrument_version}`))];
  const defs = await Promise.all(keys.map((k) => {
    const [key, version] = k.split('@') as [string, string];
    return getInstrumentInRegion(db, regionId, key, version).catch(() => null);
  }));
  return new Map(keys.map((k, i) => [k, defs[i]!]));
}

function toResult(defs: Map<string, InstrumentDefinition | null>, stored: ResultDbRow, sealer: Sealer): z.infer<typeof contracts.ResultRow> {
  // the score is sealed (sealing.ts): opened here, for those allowed to read results
  const r = { ...stored, score: openScore(sealer, { campaignId: stored.campaign_id, studentId: stored.student_id, instrumentKey: stored.instrument_key }, stored.score) };
  const def = defs.get(`${r.instrument_key}@${r.instrument_version}`) ?? null;
  const scaleName = (id: string) => def?.scales.find((s) => s.id === id)?.name['zh-CN'] ?? id;
  return {
    responseId: r.id,
    studentId: r.student_id,
    name: r.name,
    studentNo: r.student_no,
    className: r.class_name ?? '',
    instrument: { key: r.instrument_key, version: r.instrument_version, title: def?.title['zh-CN'] ?? r.instrument_key },
    submittedAt: new Date(r.submitted_at).toISOString(),
    durationSeconds: r.duration_seconds,
    warningLevel: r.warning_level,
    valid: r.valid,
    flags: r.score.validity.flags.map((f) => f.rule),
    scales: r.score.scales.map((s) => ({ id: s.id, name: scaleName(s.id), raw: s.raw, normed: s.normed?.score ?? null, band: s.band?.label['zh-CN'] ?? null, level: s.band?.level ?? null })),
    critical: r.score.critical.map((k) => ({ itemId: k.itemId, level: k.level, label: k.label?.['zh-CN'] ?? null })),
    finalLevel: r.final_level,
  };
}

/** A campaign's results under a unit, for counselors, leaders and the bureau's designated staff. Audited. */
export async function listResults(deps: Deps, caller: Caller, id: string, q: z.infer<typeof contracts.ResultQuery>) {
  const c = await campaignFor(deps.db, caller, id, 'screening.results');
  const unit = await unitFor(deps.db, caller, c, q.unitId, 'screening.results');
  const where = sql`r.campaign_id = ${c.id} and r.status = 'submitted' and s.org_path like ${`${unit.path}%`}
    and ${inScope(scopeOf(caller, 'screening.results'), sql`s.org_path`)}
    ${q.level ? sql`and coalesce(f.final_level, r.warning_level) = ${q.level}` : sql``}
    ${q.valid ? sql`and r.valid = ${q.valid === 'true'}` : sql``}`;
  const [list, total] = await Promise.all([
    rows<ResultDbRow>(deps.db, sql`${RESULT_SELECT} where ${where}
      order by (case coalesce(f.final_level, r.warning_level) when 'red' then 0 when 'orange' then 1 when 'yellow' then 2 else 3 end), s.org_path, s.name, r.id
      limit ${q.pageSize} offset ${(q.page - 1) * q.pageSize}`),
    rows<{ n: number }>(deps.db, sql`select count(*)::int as n from screening_responses r join students s on s.id = r.student_id
      left join screening_follow_ups f on f.campaign_id = r.campaign_id and f.student_id = r.student_id where ${where}`),
  ]);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'screening.results.read', objectType: 'campaign', objectId: c.id, orgPath: unit.path, detail: { unitId: unit.id, level: q.level ?? null, rows: list.length, studentIds: list.map((r) => r.student_id) } }, deps.clock());
  const defs = await definitionsOf(deps.db, caller.regionId, list);
  const sealer = sealerFor(deps.config);
  return { items: list.map((r) => toResult(defs, r, sealer)), total: total[0]!.n, page: q.page, pageSize: q.pageSize };
}

/** One response with its answers: the counselor's individual report. Audited. */
export async function responseDetail(deps: Deps, caller: Caller, responseId: string): Promise<z.infer<typeof contracts.ResponseDetail>> {
  const found = await rows<ResultDbRow & { answers: string; campaign_id: string; gender: 'male' | 'female'; grade_level: number | null; school_name: string; campaign_title: string; org_path: string }>(
    deps.db,
    sql`${RESULT_SELECT} where r.id = ${responseId} and r.status <> 'in_progress' and r.region_id = ${caller.regionId} and ${inScope(scopeOf(caller, 'screening.results'), sql`s.org_path`)}`,
  );
  const r = found[0];
  if (!r) throw notFound();
  const def = await getInstrumentInRegion(deps.db, caller.regionId, r.instrument_key, r.instrument_version);
  const base = toResult(new Map([[`${r.instrument_key}@${r.instrument_version}`, def]]), r, sealerFor(deps.config));
  await appendAudit(deps.db, { ...auditActor(caller), action: 'screening.response.read', objectType: 'student', objectId: r.student_id, orgPath: r.org_path, detail: { responseId } }, deps.clock());
  const answers = openAnswers(sealerFor(deps.config), { campaignId: r.campaign_id, studentId: r.student_id, instrumentKey: r.instrument_key }, r.answers);
  return {
    ...base,
    answers: def.items.map((item) => {
      const v = answers[item.id];
      return { itemId: item.id, text: item.text['zh-CN'], answer: v === undefined ? null : (item.options.find((o) => o.value === v)?.label['zh-CN'] ?? v) };
    }),
    campaign: { id: r.campaign_id, title: r.campaign_title },
    gender: r.gender,
    gradeLevel: r.grade_level,
    school: r.school_name,
  };
}

/** A student's screening history across campaigns (it follows them between classes and schools). Audited. */
export async function studentScreeningHistory(deps: Deps, caller: Caller, studentId: string) {
  const student = (await deps.db.select().from(students).where(and(eq(students.id, studentId), inScope(scopeOf(caller, 'screening.results'), students.orgPath))))[0];
  if (!student) throw notFound();
  const list = await rows<ResultDbRow & { campaign_title: string }>(deps.db, sql`${RESULT_SELECT} where r.student_id = ${studentId} and r.status = 'submitted' order by r.submitted_at desc`);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'screening.history.read', objectType: 'student', objectId: studentId, orgPath: student.orgPath, detail: { rows: list.length } }, deps.clock());
  const defs = await definitionsOf(deps.db, caller.regionId, list);
  const sealer = sealerFor(deps.config);
  return list.map((r) => ({ ...toResult(defs, r, sealer), campaignTitle: r.campaign_title }));
}

/** Sends an invalid response back: the student answers the instrument again; the old one stays as superseded. */
export async function sendToRetest(deps: Deps, caller: Caller, responseId: string): Promise<void> {
  const found = await rows<{ id: string; student_id: string; org_path: string; valid: boolean; campaign_status: string }>(deps.db, sql`
    select r.id, r.student_id, s.org_path, r.valid, c.status as campaign_status from screening_responses r join students s on s.id = r.student_id join campaigns c on c.id = r.campaign_id
    where r.id = ${responseId} and r.status = 'submitted' and r.region_id = ${caller.regionId} and ${inScope(scopeOf(caller, 'screening.recheck'), sql`s.org_path`)}`);
  const r = found[0];
  if (!r) throw notFound();
  if (r.valid) throw conflict('该答卷有效，不需要重测');
  if (r.campaign_status !== 'published') throw conflict('活动已结束，不能重测');
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.execute(sql`update screening_responses set status = 'superseded', updated_at = ${now} where id = ${responseId} and status = 'submitted'`);
    await appendAudit(tx, { ...auditActor(caller), action: 'screening.retest', objectType: 'student', objectId: r.student_id, orgPath: r.org_path, detail: { responseId } }, now);
  });
}

// --- re-check (复检) ---------------------------------------------------------------------------------

type FollowUpOut = z.infer<typeof contracts.FollowUp>;

/**
 * Flagged students to re-check. A head teacher (screening.observe) sees their class's names and
 * adds observations but never a level; counselors and leaders see levels too.
 */
export async function listFollowUps(deps: Deps, caller: Caller, id: string, q: z.infer<typeof contracts.FollowUpQuery>): Promise<FollowUpOut[]> {
  const { db } = deps;
  const seesLevels = hasPermission(caller, 'screening.results');
  const permission: Permission = seesLevels ? 'screening.results' : 'screening.observe';
  const c = await campaignFor(db, caller, id, permission);
  const unitId = q.classId ?? q.schoolId;
  const unit = await unitFor(db, caller, c, unitId, permission);
  const list = await db
    .select({ f: screeningFollowUps, name: students.name, className: orgUnits.name })
    .from(screeningFollowUps)
    .innerJoin(students, eq(students.id, screeningFollowUps.studentId))
    .leftJoin(orgUnits, eq(orgUnits.id, students.classId))
    .where(and(eq(screeningFollowUps.campaignId, c.id), sql`${students.orgPath} like ${`${unit.path}%`}`, inScope(scopeOf(caller, permission), students.orgPath)))
    .orderBy(students.orgPath, students.name);
  // levels and interviews are sensitive: their reads are audited (a head teacher's list shows neither)
  if (seesLevels) await appendAudit(db, { ...auditActor(caller), action: 'screening.followups.read', objectType: 'campaign', objectId: c.id, orgPath: unit.path, detail: { unitId: unit.id, rows: list.length, studentIds: list.map((r) => r.f.studentId) } }, deps.clock());
  const sealer = sealerFor(deps.config);
  return list.map(({ f, name, className }) => ({
    id: f.id,
    campaignId: f.campaignId,
    studentId: f.studentId,
    name,
    className: className ?? '',
    initialLevel: seesLevels ? f.initialLevel : null,
    finalLevel: seesLevels ? f.finalLevel : null,
    status: f.decidedAt ? 'decided' : f.observedAt ? 'awaiting_interview' : 'awaiting_observation',
    observation: openText(sealer, f.observation, followUpAad(f.id, 'observation')),
    observedBy: f.observedByName,
    observedAt: f.observedAt?.toISOString() ?? null,
    interview: seesLevels ? openText(sealer, f.interview, followUpAad(f.id, 'interview')) : null,
    interviewedAt: seesLevels ? (f.interviewDate ?? null) : null,
    decision: seesLevels ? f.decision : null,
    reason: seesLevels ? openText(sealer, f.reason, followUpAad(f.id, 'reason')) : null,
    decidedBy: f.decidedByName,
    decidedAt: f.decidedAt?.toISOString() ?? null,
  }));
}

async function followUpFor(db: Db, caller: Caller, followUpId: string, permission: Permission) {
  const found = await db
    .select({ f: screeningFollowUps, orgPath: students.orgPath, campaignStatus: campaigns.status })
    .from(screeningFollowUps)
    .innerJoin(students, eq(students.id, screeningFollowUps.studentId))
    .innerJoin(campaigns, eq(campaigns.id, screeningFollowUps.campaignId))
    .where(and(eq(screeningFollowUps.id, followUpId), eq(screeningFollowUps.regionId, caller.regionId), inScope(scopeOf(caller, permission), students.orgPath)));
  if (!found[0]) throw notFound();
  return found[0];
}

async function signedOff(db: Db, campaignId: string, schoolId: number): Promise<boolean> {
  return (await db.select().from(screeningSignOffs).where(and(eq(screeningSignOffs.campaignId, campaignId), eq(screeningSignOffs.schoolId, schoolId)))).length > 0;
}

/** The head teacher's observation of a flagged student in their class. */
export async function observe(deps: Deps, caller: Caller, followUpId: string, body: z.infer<typeof contracts.ObservationBody>): Promise<void> {
  const { f, orgPath } = await followUpFor(deps.db, caller, followUpId, 'screening.observe');
  if (await signedOff(deps.db, f.campaignId, f.schoolId)) throw conflict('本校复检已由区县审核，不能再修改');
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    await tx.update(screeningFollowUps).set({ observation: sealText(sealerFor(deps.config), body.observation, followUpAad(f.id, 'observation')), observedBy: caller.accountId, observedByName: caller.displayName, observedAt: now }).where(eq(screeningFollowUps.id, f.id));
    await appendAudit(tx, { ...auditActor(caller), action: 'screening.observe', objectType: 'student', objectId: f.studentId, orgPath, detail: { followUpId } }, now);
  });
}

/** The counselor's interview (访谈记录) and decision: confirm, lower, raise or clear the level, with reasons. */
export async function recordInterview(deps: Deps, caller: Caller, followUpId: string, body: z.infer<typeof contracts.InterviewBody>): Promise<void> {
  const { f, orgPath } = await followUpFor(deps.db, caller, followUpId, 'screening.recheck');
  if (await signedOff(deps.db, f.campaignId, f.schoolId)) throw conflict('本校复检已由区县审核，不能再修改');
  if (!recheckDecisionFits(body.decision, f.initialLevel, body.finalLevel)) throw badRequest('结论与复检后的等级不一致', { finalLevel: '请检查：维持=原等级；降低=更低但不为无；解除=无；提高=更高' });
  if (body.interviewDate > cstToday(deps.clock())) throw badRequest('访谈日期不能晚于今天', { interviewDate: '访谈日期不能晚于今天' });
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const sealer = sealerFor(deps.config);
    await tx.update(screeningFollowUps).set({ interview: sealText(sealer, body.interview, followUpAad(f.id, 'interview')), interviewDate: body.interviewDate, decision: body.decision, finalLevel: body.finalLevel,
      reason: sealText(sealer, body.reason, followUpAad(f.id, 'reason')), decidedBy: caller.accountId, decidedByName: caller.displayName, decidedAt: now }).where(eq(screeningFollowUps.id, f.id));
    await tx.execute(sql`insert into alert_events (alert_id, kind, actor_id, detail, at)
      select a.id, 'recheck', ${caller.accountId}, ${JSON.stringify({ decision: body.decision, finalLevel: body.finalLevel })}::jsonb, ${now}
      from alerts a where a.source = 'screening' and a.student_id = ${f.studentId} and a.evidence->>'campaignId' = ${f.campaignId}`);
    await appendAudit(tx, { ...auditActor(caller), action: 'screening.recheck', objectType: 'student', objectId: f.studentId, orgPath, detail: { followUpId, decision: body.decision, finalLevel: body.finalLevel } }, now);
  });
}

/** Each school's re-check progress for a district's sign-off. */
export async function listSignOffs(deps: Deps, caller: Caller, id: string, unitId: number | undefined): Promise<z.infer<typeof contracts.SignOff>[]> {
  const { db } = deps;
  const c = await campaignFor(db, caller, id, 'screening.signoff');
  const unit = await unitFor(db, caller, c, unitId, 'screening.signoff');
  const list = await rows<{ school_id: number; school_name: string; flagged: number; decided: number; signed_by_name: string | null; signed_at: Date | null; note: string | null }>(db, sql`
    select sch.id as school_id, sch.name as school_name, count(f.id)::int as flagged, count(f.decided_at)::int as decided, so.signed_by_name, so.signed_at, so.note
    from org_units sch
    left join screening_follow_ups f on f.school_id = sch.id and f.campaign_id = ${c.id}
    left join screening_sign_offs so on so.school_id = sch.id and so.campaign_id = ${c.id}
    where sch.kind = 'school' and sch.path like ${`${unit.path}%`}
      -- a school under a target (a district, the city) or holding one (a grade, a class)
      and (sch.path like any(${sql.param(c.targetPaths.map((t) => `${t}%`))}::text[]) or exists (select 1 from unnest(${sql.param(c.targetPaths)}::text[]) t where t like sch.path || '%'))
    group by sch.id, sch.name, so.signed_by_name, so.signed_at, so.note order by sch.name`);
  const sealer = sealerFor(deps.config);
  return list.map((r) => ({ schoolId: r.school_id, schoolName: r.school_name, flagged: r.flagged, decided: r.decided, signedBy: r.signed_by_name, signedAt: r.signed_at ? new Date(r.signed_at).toISOString() : null, note: openText(sealer, r.note, signOffAad(c.id, r.school_id)) }));
}

/** A district signs off a school once every flagged student has a re-check decision. Signing twice changes nothing. */
export async function signOff(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.SignOffBody>): Promise<void> {
  const c = await campaignFor(deps.db, caller, id, 'screening.signoff');
  const school = await unitFor(deps.db, caller, c, body.schoolId, 'screening.signoff');
  if (school.kind !== 'school') throw badRequest('请选择学校', { schoolId: '请选择学校' });
  const open = await rows<{ n: number }>(deps.db, sql`select count(*)::int as n from screening_follow_ups where campaign_id = ${c.id} and school_id = ${school.id} and decided_at is null`);
  if (open[0]!.n > 0) throw conflict(`该校还有 ${open[0]!.n} 名学生未完成复检，不能审核通过`);
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const inserted = await tx.insert(screeningSignOffs).values({ campaignId: c.id, schoolId: school.id, signedBy: caller.accountId, signedByName: caller.displayName, note: sealText(sealerFor(deps.config), body.note, signOffAad(c.id, school.id)), signedAt: now }).onConflictDoNothing().returning();
    if (inserted.length) await appendAudit(tx, { ...auditActor(caller), action: 'screening.signoff', objectType: 'campaign', objectId: c.id, orgPath: school.path, detail: { schoolId: school.id } }, now);
  });
}

