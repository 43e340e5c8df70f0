/**
 * Screening campaigns (测评活动): authoring, publication, versioned edits, release to classes
 * and guardian consent. The rules are in @xinyu/core (screening/campaign.ts); this file stores them.
 */
import { randomInt } from 'node:crypto';
import {
  campaignAllows,
  checkPlan,
  checkWindow,
  editIsVersioned,
  instrumentsForGrade,
  needsGuardianConsent,
  type contracts,
  type GradeBandPlan,
  type InstrumentDefinition,
  type Permission,
} from '@xinyu/core';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { badRequest, conflict, notFound } from '../../http/errors.js';
import { hasPermission, inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { auditActor } from '../org/service.js';
import { orgUnits, students } from '../org/tables.js';
import { getInstrument } from './service.js';
import { campaignReleases, campaigns, campaignVersions, screeningConsents } from './tables.js';
import { sealerFor } from '../../lib/sealed.js';
import { consentAad, sealText } from './sealing.js';

type CampaignRow = typeof campaigns.$inferSelect;
type CampaignOut = z.infer<typeof contracts.Campaign>;
type Fields = z.infer<typeof contracts.CampaignFields>;

/** Today in China Standard Time (dates in campaigns are local school days). */
export function cstToday(now: Date): string {
  return new Date(now.getTime() + 8 * 3600000).toISOString().slice(0, 10);
}

/**
 * Campaigns a caller may see with a permission: those owned inside the caller's scope, and
 * published ones whose targets overlap it (a school sees the city's campaign for its students).
 */
export function campaignVisible(caller: Caller, permission: Permission): SQL {
  const scope = scopeOf(caller, permission);
  if (!scope.orgPaths.length) return sql`false`;
  const prefixes = sql.param(scope.orgPaths.map((p) => `${p}%`));
  const paths = sql.param(scope.orgPaths);
  return sql`(${campaigns.ownerPath} like any(${prefixes}::text[])
    or (${campaigns.status} <> 'draft' and exists (select 1 from unnest(${campaigns.targetPaths}) t
      where t like any(${prefixes}::text[]) or exists (select 1 from unnest(${paths}::text[]) p where p like t || '%'))))`;
}

function canManage(caller: Caller, c: CampaignRow): boolean {
  if (!hasPermission(caller, 'screening.manage')) return false;
  return scopeOf(caller, 'screening.manage').orgPaths.some((p) => c.ownerPath.startsWith(p));
}

function canRelease(caller: Caller, c: CampaignRow): boolean {
  if (c.status !== 'published' || !hasPermission(caller, 'screening.release')) return false;
  const paths = scopeOf(caller, 'screening.release').orgPaths;
  return c.targetPaths.some((t) => paths.some((p) => p.startsWith(t) || t.startsWith(p)));
}

async function unitsById(db: Db, ids: number[]): Promise<Map<number, { id: number; name: string; kind: string; path: string }>> {
  if (!ids.length) return new Map();
  const list = await db.select({ id: orgUnits.id, name: orgUnits.name, kind: orgUnits.kind, path: orgUnits.path }).from(orgUnits).where(inArray(orgUnits.id, [...new Set(ids)]));
  return new Map(list.map((u) => [u.id, u]));
}

async function toCampaigns(db: Db, caller: Caller, list: CampaignRow[]): Promise<CampaignOut[]> {
  const units = await unitsById(db, list.flatMap((c) => [c.ownerUnitId, ...c.targetUnitIds]));
  const unit = (id: number) => {
    const u = units.get(id);
    return { id, name: u?.name ?? String(id), kind: u?.kind ?? 'unknown' };
  };
  return list.map((c) => {
    const manage = canManage(caller, c);
    return {
      id: c.id,
      title: c.title,
      purpose: c.purpose,
      status: c.status,
      version: c.version,
      owner: unit(c.ownerUnitId),
      plan: c.plan as GradeBandPlan[],
      targets: c.targetUnitIds.map(unit),
      window: { start: c.windowStart, end: c.windowEnd },
      reminderDaysBeforeEnd: c.reminderDays,
      consentForAll: c.consentForAll,
      publishedAt: c.publishedAt?.toISOString() ?? null,
      closedAt: c.closedAt?.toISOString() ?? null,
      createdAt: c.createdAt.toISOString(),
      can: {
        edit: manage && campaignAllows(c.status, 'edit'),
        publish: manage && campaignAllows(c.status, 'publish'),
        close: manage && campaignAllows(c.status, 'close'),
        release: canRelease(caller, c),
      },
    };
  });
}

const VIEW_PERMISSIONS: Permission[] = ['screening.manage', 'screening.release', 'screening.progress', 'screening.results', 'screening.report', 'screening.signoff'];

/** The union of what the caller's screening permissions let them see. */
function anyVisible(caller: Caller): SQL {
  const parts = VIEW_PERMISSIONS.filter((p) => hasPermission(caller, p)).map((p) => campaignVisible(caller, p));
  return parts.length ? sql`(${sql.join(parts, sql` or `)})` : sql`false`;
}

export async function listCampaigns(db: Db, caller: Caller, q: z.infer<typeof contracts.CampaignQuery>): Promise<CampaignOut[]> {
  const list = await db
    .select()
    .from(campaigns)
    .where(and(eq(campaigns.regionId, caller.regionId), anyVisible(caller), q.status ? eq(campaigns.status, q.status) : undefined))
    .orderBy(sql`${campaigns.windowStart} desc`, campaigns.createdAt);
  return toCampaigns(db, caller, list);
}

/** A campaign the caller may see (with any screening permission), or 404. */
export async function campaignFor(db: Db, caller: Caller, id: string, permission?: Permission): Promise<CampaignRow> {
  const found = await db
    .select()
    .from(campaigns)
    .where(and(eq(campaigns.id, id), eq(campaigns.regionId, caller.regionId), permission ? campaignVisible(caller, permission) : anyVisible(caller)));
  if (!found[0]) throw notFound();
  return found[0];
}

export async function getCampaign(db: Db, caller: Caller, id: string): Promise<CampaignOut> {
  return (await toCampaigns(db, caller, [await campaignFor(db, caller, id)]))[0]!;
}

/** Checks a plan against the instruments: each exists, and suits the grades it is given to. */
async function checkInstruments(db: Db, caller: Caller, plan: GradeBandPlan[]): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  for (const [i, band] of plan.entries()) {
    for (const [j, ref] of band.instruments.entries()) {
      let def: InstrumentDefinition;
      try {
        def = await getInstrument(db, caller, ref.key, ref.version);
      } catch {
        fields[`plan.${i}.instruments.${j}`] = `量表 ${ref.key}（版本 ${ref.version}）不存在`;
        continue;
      }
      const unsuited = band.gradeLevels.filter((g) => !def.audience.gradeLevels.includes(g));
      if (unsuited.length) fields[`plan.${i}.instruments.${j}`] = `${def.title['zh-CN']}不适用于 ${unsuited.join('、')} 年级（适用：${def.audience.gradeLevels.join('、')} 年级）`;
    }
  }
  return fields;
}

async function resolveTargets(db: Db, owner: { id: number; path: string }, ids: number[]): Promise<{ ids: number[]; paths: string[]; fields: Record<string, string> }> {
  if (!ids.length) return { ids: [owner.id], paths: [owner.path], fields: {} };
  const units = await unitsById(db, ids);
  const fields: Record<string, string> = {};
  for (const id of ids) {
    const u = units.get(id);
    if (!u || !u.path.startsWith(owner.path)) fields.targetUnitIds = `单位 ${id} 不在本活动发起单位的范围内`;
  }
  const unique = [...new Set(ids)];
  return { ids: unique, paths: unique.map((id) => units.get(id)?.path ?? ''), fields };
}

async function validateFields(db: Db, caller: Caller, f: Fields, owner: { id: number; path: string }) {
  const fields: Record<string, string> = {};
  for (const p of [...checkPlan(f.plan), ...checkWindow(f.window)]) fields[p.path] = p.message;
  Object.assign(fields, await checkInstruments(db, caller, f.plan));
  const targets = await resolveTargets(db, owner, f.targetUnitIds);
  Object.assign(fields, targets.fields);
  if (Object.keys(fields).length) throw badRequest('测评活动有需要修改的地方', fields);
  return targets;
}

export async function createCampaign(deps: Deps, caller: Caller, body: z.infer<typeof contracts.CreateCampaignBody>): Promise<CampaignOut> {
  const scope = scopeOf(caller, 'screening.manage');
  const owner = (await deps.db.select().from(orgUnits).where(and(eq(orgUnits.id, body.ownerUnitId), inScope(scope, orgUnits.path))))[0];
  if (!owner) throw notFound();
  if (!['city', 'district', 'school'].includes(owner.kind)) throw badRequest('测评活动由市、区县或学校发起', { ownerUnitId: '请选择市、区县或学校' });
  const targets = await validateFields(deps.db, caller, body, owner);
  const now = deps.clock();
  const created = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(campaigns)
      .values({
        regionId: caller.regionId,
        ownerUnitId: owner.id,
        ownerPath: owner.path,
        title: body.title,
        purpose: body.purpose,
        plan: body.plan,
        targetUnitIds: targets.ids,
        targetPaths: targets.paths,
        windowStart: body.window.start,
        windowEnd: body.window.end,
        reminderDays: body.reminderDaysBeforeEnd,
        consentForAll: body.consentForAll,
        createdBy: caller.accountId,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await appendAudit(tx, { ...auditActor(caller), action: 'screening.campaign.create', objectType: 'campaign', objectId: row!.id, orgPath: owner.path, detail: { title: body.title } }, now);
    return row!;
  });
  return (await toCampaigns(deps.db, caller, [created]))[0]!;
}

function snapshot(c: CampaignRow) {
  return { title: c.title, purpose: c.purpose, plan: c.plan, targetUnitIds: c.targetUnitIds, window: { start: c.windowStart, end: c.windowEnd }, reminderDaysBeforeEnd: c.reminderDays, consentForAll: c.consentForAll };
}

/** Edits a campaign; after publication the previous state is kept as a version with who, when and why. */
export async function editCampaign(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.EditCampaignBody>): Promise<CampaignOut> {
  const c = await campaignFor(deps.db, caller, id, 'screening.manage');
  if (!canManage(caller, c)) throw notFound();
  if (!campaignAllows(c.status, 'edit')) throw conflict('活动已结束，不能再修改');
  const before = snapshot(c);
  const { reason, ...changes } = body;
  // no targets means the owner unit, as at creation: sending [] is not a change
  if (changes.targetUnitIds && !changes.targetUnitIds.length) changes.targetUnitIds = [c.ownerUnitId];
  const merged: Fields = { ...before, plan: before.plan as GradeBandPlan[], ...changes } as Fields;
  const changed = (Object.keys(changes) as (keyof Fields)[]).filter((k) => JSON.stringify(changes[k]) !== JSON.stringify(before[k]));
  if (!changed.length) return (await toCampaigns(deps.db, caller, [c]))[0]!;
  const versioned = editIsVersioned(c.status);
  if (versioned && !reason) throw badRequest('已发布的活动修改时须说明原因', { reason: '请填写修改原因' });
  const targets = await validateFields(deps.db, caller, merged, { id: c.ownerUnitId, path: c.ownerPath });
  const now = deps.clock();
  const updated = await deps.db.transaction(async (tx) => {
    if (versioned) {
      await tx.insert(campaignVersions).values({ campaignId: c.id, version: c.version, snapshot: before, changed, reason: reason ?? null, editedBy: caller.accountId, editedByName: caller.displayName, editedAt: now });
    }
    // the version check makes two concurrent edits of the same version fail instead of both landing
    const [row] = await tx
      .update(campaigns)
      .set({
        title: merged.title,
        purpose: merged.purpose,
        plan: merged.plan,
        targetUnitIds: targets.ids,
        targetPaths: targets.paths,
        windowStart: merged.window.start,
        windowEnd: merged.window.end,
        reminderDays: merged.reminderDaysBeforeEnd,
        consentForAll: merged.consentForAll,
        version: versioned ? c.version + 1 : c.version,
        updatedAt: now,
      })
      .where(and(eq(campaigns.id, c.id), eq(campaigns.version, c.version)))
      .returning();
    if (!row) throw conflict('活动刚被他人修改，请刷新后重试');
    await appendAudit(tx, { ...auditActor(caller), action: 'screening.campaign.edit', objectType: 'campaign', objectId: c.id, orgPath: c.ownerPath, detail: { changed, version: row.version, reason: reason ?? null } }, now);
    return row;
  });
  return (await toCampaigns(deps.db, caller, [updated]))[0]!;
}

export async function campaignVersionsOf(db: Db, caller: Caller, id: string) {
  const c = await campaignFor(db, caller, id);
  const list = await db.select().from(campaignVersions).where(eq(campaignVersions.campaignId, c.id)).orderBy(campaignVersions.version);
  return list.map((v) => ({ version: v.version, editedBy: v.editedByName, editedAt: v.editedAt.toISOString(), reason: v.reason, changed: v.changed }));
}

export async function transitionCampaign(deps: Deps, caller: Caller, id: string, action: 'publish' | 'close'): Promise<CampaignOut> {
  const c = await campaignFor(deps.db, caller, id, 'screening.manage');
  if (!canManage(caller, c)) throw notFound();
  if (!campaignAllows(c.status, action)) throw conflict(action === 'publish' ? '只有草稿可以发布' : '只有已发布的活动可以结束');
  const now = deps.clock();
  if (action === 'publish' && c.windowEnd < cstToday(now)) throw badRequest('测评时间已过，请先修改时间', { 'window.end': '结束日期已过' });
  const updated = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(campaigns)
      .set(action === 'publish' ? { status: 'published', publishedAt: now, updatedAt: now } : { status: 'closed', closedAt: now, updatedAt: now })
      .where(and(eq(campaigns.id, c.id), eq(campaigns.status, c.status)))
      .returning();
    if (!row) throw conflict('活动状态刚被他人改变，请刷新');
    await appendAudit(tx, { ...auditActor(caller), action: `screening.campaign.${action}`, objectType: 'campaign', objectId: c.id, orgPath: c.ownerPath }, now);
    return row;
  });
  return (await toCampaigns(deps.db, caller, [updated]))[0]!;
}

// --- release to classes --------------------------------------------------------------------------

/** Class codes avoid letters and digits that look alike on a projector (0/O, 1/I/L). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export function newClassCode(): string {
  let s = '';
  for (let i = 0; i < 6; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return s;
}

interface ClassRow {
  id: number;
  name: string;
  path: string;
  grade_level: number | null;
  school_id: number;
  [k: string]: unknown;
}

/** Classes under a unit with their grade level (a class takes its grade's level). */
export function classesUnder(db: Db, where: SQL): Promise<ClassRow[]> {
  return rows<ClassRow>(
    db,
    sql`select c.id, c.name, c.path, coalesce(c.grade_level, g.grade_level)::int as grade_level, coalesce(g.parent_id, c.parent_id) as school_id
        from org_units c left join org_units g on g.id = c.parent_id and g.kind = 'grade'
        where c.kind = 'class' and c.active and ${where} order by coalesce(c.grade_level, g.grade_level), c.class_no, c.name`,
  );
}

export async function listReleases(db: Db, caller: Caller, id: string, schoolId: number) {
  const c = await campaignFor(db, caller, id);
  const scope = scopeOf(caller, 'screening.progress');
  const school = (await db.select().from(orgUnits).where(and(eq(orgUnits.id, schoolId), eq(orgUnits.kind, 'school'), inScope(scope, orgUnits.path))))[0];
  if (!school || !c.targetPaths.some((t) => school.path.startsWith(t) || t.startsWith(school.path))) throw notFound();
  const classes = await classesUnder(db, sql`c.path like ${`${school.path}%`} and (${sql.join(c.targetPaths.map((t) => sql`c.path like ${`${t}%`}`), sql` or `)})`);
  const released = await db.select().from(campaignReleases).where(and(eq(campaignReleases.campaignId, c.id), eq(campaignReleases.schoolId, school.id)));
  const byClass = new Map(released.map((r) => [r.classId, r]));
  const plan = c.plan as GradeBandPlan[];
  // class codes are for the school's own staff; a bureau sees only whether a class is released
  const showCodes = hasPermission(caller, 'screening.release') && scopeOf(caller, 'screening.release').orgPaths.some((p) => school.path.startsWith(p));
  return classes.map((k) => {
    const r = byClass.get(k.id);
    return {
      classId: k.id,
      className: k.name,
      gradeLevel: k.grade_level,
      released: !!r,
      inPlan: k.grade_level != null && instrumentsForGrade(plan, k.grade_level).length > 0,
      classCode: r && showCodes ? r.classCode : null,
      releasedAt: r?.releasedAt.toISOString() ?? null,
      releasedBy: r?.releasedByName ?? null,
    };
  });
}

/** Releases a published campaign to classes of the caller's school. Releasing twice changes nothing. */
export async function releaseToClasses(deps: Deps, caller: Caller, id: string, classIds: number[]): Promise<{ released: number }> {
  const c = await campaignFor(deps.db, caller, id, 'screening.release');
  if (!campaignAllows(c.status, 'release')) throw conflict(c.status === 'draft' ? '活动尚未发布' : '活动已结束');
  const scope = scopeOf(caller, 'screening.release');
  const ids = [...new Set(classIds)];
  const classes = await classesUnder(deps.db, sql`c.id = any(${sql.param(ids)}::int[]) and ${inScope(scope, sql`c.path`)}`);
  if (classes.length !== ids.length) throw notFound();
  const plan = c.plan as GradeBandPlan[];
  const fields: Record<string, string> = {};
  for (const k of classes) {
    if (!c.targetPaths.some((t) => k.path.startsWith(t))) fields.classIds = `${k.name}不在本活动的范围内`;
    else if (k.grade_level == null || !instrumentsForGrade(plan, k.grade_level).length) fields.classIds = `${k.name}所在年级不在本活动的年级段中`;
  }
  if (Object.keys(fields).length) throw badRequest('部分班级不能发布', fields);
  const now = deps.clock();
  for (let attempt = 0; ; attempt++) {
    try {
      return await deps.db.transaction(async (tx) => {
        const inserted = await tx
          .insert(campaignReleases)
          .values(classes.map((k) => ({ campaignId: c.id, classId: k.id, schoolId: k.school_id, classCode: newClassCode(), releasedBy: caller.accountId, releasedByName: caller.displayName, releasedAt: now })))
          .onConflictDoNothing({ target: [campaignReleases.campaignId, campaignReleases.classId] })
          .returning({ classId: campaignReleases.classId });
        if (inserted.length) {
          await appendAudit(tx, { ...auditActor(caller), action: 'screening.campaign.release', objectType: 'campaign', objectId: c.id, orgPath: classes[0]!.path, detail: { classIds: inserted.map((r) => r.classId) } }, now);
        }
        return { released: inserted.length };
      });
    } catch (e) {
      // a class code that collides with another class's (1 in ~10⁹): draw again
      if (attempt < 3 && e instanceof Error && /campaign_releases_code_uq/.test(String((e as { cause?: unknown }).cause ?? e.message))) continue;
      throw e;
    }
  }
}

// --- guardian consent ------------------------------------------------------------------------------

/** Whether a student (by class path and grade) is one the campaign asks to answer. */
function campaignCovers(c: CampaignRow, classPath: string, gradeLevel: number | null): boolean {
  return c.targetPaths.some((t) => classPath.startsWith(t)) && gradeLevel != null && instrumentsForGrade(c.plan as GradeBandPlan[], gradeLevel).length > 0;
}

/** A class in the caller's scope for `permission`, with its grade level; 404 otherwise. */
async function classFor(db: Db, caller: Caller, classId: number, permission: Permission): Promise<ClassRow> {
  const found = await classesUnder(db, sql`c.id = ${classId} and ${inScope(scopeOf(caller, permission), sql`c.path`)}`);
  if (!found[0]) throw notFound();
  return found[0];
}

export async function listConsents(db: Db, caller: Caller, id: string, classId: number) {
  const c = await campaignFor(db, caller, id, 'screening.consent');
  const k = await classFor(db, caller, classId, 'screening.consent');
  // a class the campaign does not ask to answer has nobody to consent for
  if (!campaignCovers(c, k.path, k.grade_level)) return [];
  const scope = scopeOf(caller, 'screening.consent');
  const list = await db
    .select({ s: students, k: screeningConsents })
    .from(students)
    .leftJoin(screeningConsents, and(eq(screeningConsents.studentId, students.id), eq(screeningConsents.campaignId, c.id)))
    .where(and(eq(students.classId, classId), eq(students.status, 'active'), inScope(scope, students.orgPath)))
    .orderBy(students.name);
  return list.map(({ s, k: consent }) => ({
    studentId: s.id,
    name: s.name,
    studentNo: s.studentNo,
    needsConsent: needsGuardianConsent(s.birthDate, c.windowStart, c.consentForAll),
    decision: consent?.decision ?? null,
    method: consent?.method ?? null,
    guardianName: consent?.guardianName ?? null,
    recordedBy: consent?.recordedByName ?? null,
    recordedAt: consent?.recordedAt.toISOString() ?? null,
  }));
}

async function storeConsent(deps: Deps, caller: Caller, c: CampaignRow, student: { id: string; orgPath: string }, values: Omit<typeof screeningConsents.$inferInsert, 'campaignId' | 'studentId' | 'regionId'>) {
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    // a paper form's note is sealed like the other free text of a screening (sealing.ts)
    const note = sealText(sealerFor(deps.config), values.note, consentAad(c.id, student.id));
    const row = { campaignId: c.id, studentId: student.id, regionId: caller.regionId, ...values, note, recordedBy: caller.accountId, recordedByName: caller.displayName, recordedAt: now };
    await tx.insert(screeningConsents).values(row).onConflictDoUpdate({ target: [screeningConsents.campaignId, screeningConsents.studentId], set: row });
    await appendAudit(tx, { ...auditActor(caller), action: 'screening.consent', objectType: 'student', objectId: student.id, orgPath: student.orgPath, detail: { campaignId: c.id, decision: values.decision, method: values.method } }, now);
  });
}

/** A school records a guardian's decision from a signed paper form (who signed, on which date). */
export async function recordPaperConsent(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.RecordConsentBody>): Promise<void> {
  const c = await campaignFor(deps.db, caller, id, 'screening.consent');
  const student = (await deps.db.select().from(students).where(and(eq(students.id, body.studentId), eq(students.status, 'active'), inScope(scopeOf(caller, 'screening.consent'), students.orgPath))))[0];
  if (!student?.classId) throw notFound();
  const k = await classFor(deps.db, caller, student.classId, 'screening.consent');
  if (!campaignCovers(c, k.path, k.grade_level)) throw badRequest('该学生不在本次测评的范围内', { studentId: '该学生所在班级或年级不参加本次测评' });
  if (c.status === 'closed') throw conflict('活动已结束');
  if (body.formDate > cstToday(deps.clock())) throw badRequest('签字日期不能晚于今天', { formDate: '签字日期不能晚于今天' });
  await storeConsent(deps, caller, c, student, { decision: body.decision, method: 'paper_form', guardianName: body.guardianName, formDate: body.formDate, note: body.note ?? null });
}

/** A parent's decision, in their own account, for their own child. */
export async function giveConsent(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.GiveConsentBody>): Promise<void> {
  const ids = scopeOf(caller, 'consent.give').studentIds;
  if (!ids.includes(body.studentId)) throw notFound();
  const student = (await deps.db.select().from(students).where(eq(students.id, body.studentId)))[0];
  if (!student || !student.classId) throw notFound();
  const c = await campaignForStudent(deps.db, id, student.classId);
  if (!c) throw notFound();
  await storeConsent(deps, caller, c, student, { decision: body.decision, method: 'parent_account', guardianName: caller.displayName, formDate: null, note: null });
}

/** A published campaign released to this class, or undefined. */
export async function campaignForStudent(db: Db, id: string, classId: number): Promise<CampaignRow | undefined> {
  const found = await db
    .select({ c: campaigns })
    .from(campaigns)
    .innerJoin(campaignReleases, and(eq(campaignReleases.campaignId, campaigns.id), eq(campaignReleases.classId, classId)))
    .where(and(eq(campaigns.id, id), eq(campaigns.status, 'published')));
  return found[0]?.c;
}

/** Consent requests for a parent's children: released, open campaigns that need one. */
export async function myConsentRequests(deps: Deps, caller: Caller) {
  const ids = scopeOf(caller, 'consent.give').studentIds;
  if (!ids.length) return [];
  const today = cstToday(deps.clock());
  const list = await deps.db
    .select({ c: campaigns, s: students, k: screeningConsents })
    .from(students)
    .innerJoin(campaignReleases, eq(campaignReleases.classId, students.classId))
    .innerJoin(campaigns, and(eq(campaigns.id, campaignReleases.campaignId), eq(campaigns.status, 'published'), sql`${campaigns.windowEnd} >= ${today}`))
    .leftJoin(screeningConsents, and(eq(screeningConsents.campaignId, campaigns.id), eq(screeningConsents.studentId, students.id)))
    .where(inArray(students.id, ids));
  return list
    .filter(({ c, s }) => needsGuardianConsent(s.birthDate, c.windowStart, c.consentForAll))
    .map(({ c, s, k }) => ({ campaignId: c.id, title: c.title, purpose: c.purpose, window: { start: c.windowStart, end: c.windowEnd }, studentId: s.id, studentName: s.name, decision: k?.decision ?? null, decidedAt: k?.recordedAt.toISOString() ?? null }));
}
