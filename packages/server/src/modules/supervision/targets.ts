/**
 * Yearly target lists (四张清单) and their live progress.
 *
 * Who: supervision.read sees the targets of its area — the city's (which apply to every district)
 * and a district's own — with progress computed over the schools the caller may see;
 * supervision.manage (the city bureau, a district bureau) sets targets for its own unit: the city's
 * lists, or a district's additions. A target outside the caller's reach answers 404, in the query.
 * Every change is audited; a change of the metric binding is kept in supervision_target_versions.
 *
 * Figures come from the dashboard's cache of per-school figures where the job has them
 * (dashboard-cache.ts figuresFor: the page says nothing older than ten minutes), computed live
 * (compute.ts) otherwise: all bound metrics of a request at once, rolled up by core's sums. The
 * records behind a school's figure are always read live.
 */
import { hiddenFigures, metricValue, rollUp, sumFigures, targetProgress, type contracts, type Figure, type Scope } from '@xinyu/core';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { badRequest, notFound } from '../../http/errors.js';
import { hasPermission, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { auditActor } from '../org/service.js';
import { computeMetric, metricContext, periodOf, schoolsSeenBy } from './compute.js';
import { figuresFor, schoolsFor } from './dashboard-cache.js';
import { metricByKey } from './metric-registry.js';
import type { MetricDefinition, MetricSchool, SchoolFigure } from './metric-types.js';
import { supervisionTargets, supervisionTargetVersions } from './tables.js';

type TargetRow = typeof supervisionTargets.$inferSelect;
type TargetOut = z.infer<typeof contracts.Target>;
type ProgressOut = z.infer<typeof contracts.Progress>;

export const metricInfo = (m: MetricDefinition) => ({ key: m.key, label: m.label, unit: m.unit, definition: m.definition });

/** Record paths (a target's owner) the caller sees: inside its scope, or above it (the city's targets reach a district). */
function ownerVisible(scope: Scope, col: ReturnType<typeof sql>) {
  if (!scope.orgPaths.length) return sql`false`;
  const paths = sql`${sql.param(scope.orgPaths)}::text[]`;
  return sql`(${col} like any(select p || '%' from unnest(${paths}) p) or exists (select 1 from unnest(${paths}) p where p like ${col} || '%'))`;
}
const under = (path: string, scope: Scope) => scope.orgPaths.some((p) => path.startsWith(p));
/** the caller reads this school's figures from inside it (its own school), where small counts of students are shown */
const readsInside = (s: MetricSchool, scope: Scope) => scope.orgPaths.some((p) => p.startsWith(s.path));

/**
 * Sibling figures (schools of a district, districts of a city) with what a reader outside may see: a
 * metric that counts students hides cells of 1–4 (core hiddenFigures). A group is read from outside
 * unless every school in it is the caller's own.
 */
function hiddenOf(m: MetricDefinition, groups: readonly { figure: Figure; schools: readonly MetricSchool[] }[], scope: Scope): boolean[] {
  if (!m.countsStudents) return groups.map(() => false);
  return hiddenFigures(groups.map((g) => g.figure), groups.map((g) => !g.schools.length || g.schools.some((s) => !readsInside(s, scope))));
}

async function regionRoot(db: Db, regionId: number): Promise<{ id: number; name: string; path: string }> {
  const r = (await rows<{ id: number; name: string; path: string }>(db, sql`select id, name, path from org_units where region_id = ${regionId} and kind = 'city' order by id limit 1`))[0];
  if (!r) throw notFound();
  return r;
}

/** The caller's own area for `permission`: the shallowest unit of its scope (the city, a district or a school). */
async function areaOf(db: Db, caller: Caller, scope: Scope): Promise<{ id: number; name: string; path: string; kind: string }> {
  const path = [...scope.orgPaths].sort((a, b) => a.length - b.length)[0];
  if (!path) throw notFound();
  const u = (await rows<{ id: number; name: string; path: string; kind: string }>(db, sql`select id, name, path, kind from org_units where region_id = ${caller.regionId} and path = ${path}`))[0];
  if (!u) throw notFound();
  return u;
}

function asProgress(f: Figure, unit: MetricDefinition['unit'], target: number | null, comparator: 'at_least' | 'at_most' | null, suppressed = false): ProgressOut {
  if (suppressed) return { numerator: null, denominator: null, value: null, target, met: null, progress: null, suppressed };
  const value = metricValue(f, unit);
  const p = target !== null && comparator ? targetProgress(value, target, comparator) : null;
  return { numerator: round2(f.numerator), denominator: round2(f.denominator), value, target, met: p ? p.met : null, progress: p ? p.progress : null, suppressed };
}
const round2 = (v: number) => Math.round(v * 100) / 100;

function targetFor(t: TargetRow, districtId: number | null): number | null {
  const o = (t.overrides as Record<string, number>)[String(districtId ?? '')];
  return o ?? t.targetValue;
}

function toTarget(t: TargetRow, owner: { name: string; kind: string }, canEdit: boolean, progress: ProgressOut | null): TargetOut {
  const m = t.metricKey ? metricByKey(t.metricKey) : undefined;
  return {
    id: t.id,
    year: t.year,
    list: t.list,
    seq: t.seq,
    task: t.task,
    ownerUnitId: t.ownerUnitId,
    ownerName: owner.name,
    ownerKind: owner.kind === 'city' ? 'city' : 'district',
    metricKey: t.metricKey,
    metric: m ? metricInfo(m) : null,
    comparator: t.comparator,
    targetValue: t.targetValue,
    overrides: t.overrides as Record<string, number>,
    deadline: t.deadline,
    responsibleUnit: t.responsibleUnit,
    manualStatus: t.manualStatus,
    milestones: t.milestones as TargetOut['milestones'],
    evidence: t.evidence,
    active: t.active,
    canEdit,
    progress,
    updatedAt: t.updatedAt.toISOString(),
  };
}

async function ownerNames(db: Db, ids: number[]): Promise<Map<number, { name: string; kind: string }>> {
  if (!ids.length) return new Map();
  const list = await rows<{ id: number; name: string; kind: string }>(db, sql`select id, name, kind from org_units where id = any(${sql.param([...new Set(ids)])}::int[])`);
  return new Map(list.map((u) => [Number(u.id), { name: u.name, kind: u.kind }]));
}

const canEditTarget = (caller: Caller, t: TargetRow) => hasPermission(caller, 'supervision.manage') && under(t.ownerPath, scopeOf(caller, 'supervision.manage'));

/** A target the caller may see (supervision.read), or 404. */
async function targetVisible(deps: Deps, caller: Caller, id: string): Promise<TargetRow> {
  const scope = scopeOf(caller, 'supervision.read');
  const t = (await deps.db.select().from(supervisionTargets).where(and(eq(supervisionTargets.id, id), eq(supervisionTargets.regionId, caller.regionId), ownerVisible(scope, sql`${supervisionTargets.ownerPath}`))))[0];
  if (!t) throw notFound();
  return t;
}

/** The year's targets the caller sees, each with its progress over the caller's area (each metric computed once). */
export async function listTargets(deps: Deps, caller: Caller, year: number): Promise<z.infer<typeof contracts.TargetListOut>> {
  const scope = scopeOf(caller, 'supervision.read');
  const list = await deps.db.select().from(supervisionTargets)
    .where(and(eq(supervisionTargets.regionId, caller.regionId), eq(supervisionTargets.year, year), eq(supervisionTargets.active, true), ownerVisible(scope, sql`${supervisionTargets.ownerPath}`)))
    .orderBy(asc(supervisionTargets.list), asc(sql`length(${supervisionTargets.ownerPath})`), asc(supervisionTargets.seq), asc(supervisionTargets.createdAt));
  const bound = list.filter((t) => t.metricKey && metricByKey(t.metricKey));
  const area = await areaOf(deps.db, caller, scope);
  const schools = bound.length ? await schoolsSeen(deps, caller.regionId, scope, (await regionRoot(deps.db, caller.regionId)).path) : [];
  // every bound metric at once: the dashboard's cached figures where the job has them, the rest live side by side
  const byMetric = bound.length ? (await figuresFor(deps, caller.regionId, year, schools, [...new Set(bound.map((t) => t.metricKey!))].map((k) => metricByKey(k)!))).figures : new Map<string, SchoolFigure[]>();
  const owners = await ownerNames(deps.db, list.map((t) => t.ownerUnitId));
  const areaDistrict = area.kind === 'district' ? area.id : null;
  const items = list.map((t) => {
    const m = t.metricKey ? metricByKey(t.metricKey) : undefined;
    let progress: ProgressOut | null = null;
    if (m) {
      const reached = schools.filter((s) => s.path.startsWith(t.ownerPath) || t.ownerPath.startsWith(s.path));
      const ids = new Set(reached.map((s) => s.id));
      const f = sumFigures((byMetric.get(m.key) ?? []).filter((x) => ids.has(x.schoolId)));
      progress = asProgress(f, m.unit, targetFor(t, areaDistrict), t.comparator, hiddenOf(m, [{ figure: f, schools: reached }], scope)[0]);
    }
    return toTarget(t, owners.get(t.ownerUnitId) ?? { name: '', kind: 'city' }, canEditTarget(caller, t), progress);
  });
  return { year, canManage: hasPermission(caller, 'supervision.manage'), items };
}

export async function getTarget(deps: Deps, caller: Caller, id: string): Promise<z.infer<typeof contracts.TargetDetail>> {
  const t = await targetVisible(deps, caller, id);
  const [owners, versions] = await Promise.all([
    ownerNames(deps.db, [t.ownerUnitId]),
    deps.db.select().from(supervisionTargetVersions).where(eq(supervisionTargetVersions.targetId, t.id)).orderBy(desc(supervisionTargetVersions.at), desc(supervisionTargetVersions.id)).limit(100),
  ]);
  return {
    ...toTarget(t, owners.get(t.ownerUnitId) ?? { name: '', kind: 'city' }, canEditTarget(caller, t), null),
    versions: versions.map((v) => ({ metricKey: v.metricKey, comparator: v.comparator, targetValue: v.targetValue, overrides: v.overrides as Record<string, number>, byName: v.byName, at: v.at.toISOString() })),
  };
}

type Fields = Partial<z.infer<typeof contracts.CreateTargetBody>>;

/** Field problems of a binding: a known metric, with a comparator and a value; or none of them. */
function bindingProblems(b: Fields): Record<string, string> {
  const out: Record<string, string> = {};
  if (b.metricKey) {
    if (!metricByKey(b.metricKey)) out.metricKey = '没有这个指标';
    if (!b.comparator) out.comparator = '请选择“不低于”或“不高于”';
    if (b.targetValue === null || b.targetValue === undefined) out.targetValue = '请填写目标值';
  } else if (b.targetValue !== null && b.targetValue !== undefined) {
    out.metricKey = '填写目标值时请选择指标';
  }
  return out;
}

async function districtIdsOf(db: Db, regionId: number): Promise<Set<string>> {
  const list = await rows<{ id: number }>(db, sql`select id from org_units where region_id = ${regionId} and kind = 'district'`);
  return new Set(list.map((d) => String(d.id)));
}

export async function createTarget(deps: Deps, caller: Caller, body: z.infer<typeof contracts.CreateTargetBody>) {
  const scope = scopeOf(caller, 'supervision.manage');
  const owner = await areaOf(deps.db, caller, scope);
  if (owner.kind !== 'city' && owner.kind !== 'district') throw notFound();
  const problems = bindingProblems(body);
  const districts = await districtIdsOf(deps.db, caller.regionId);
  for (const k of Object.keys(body.overrides)) if (!districts.has(k) || (owner.kind === 'district' && k !== String(owner.id))) problems[`overrides.${k}`] = '不是本地区的区县';
  if (Object.keys(problems).length) throw badRequest('目标有误，请检查标出的项', problems);
  const now = deps.clock();
  const id = await deps.db.transaction(async (tx) => {
    const [row] = await tx.insert(supervisionTargets).values({
      regionId: caller.regionId, ownerUnitId: owner.id, ownerPath: owner.path, year: body.year, list: body.list,
      seq: sql`(select coalesce(max(seq), 0) + 1 from supervision_targets where region_id = ${caller.regionId} and year = ${body.year} and list = ${body.list} and owner_path = ${owner.path})`,
      task: body.task, metricKey: body.metricKey, comparator: body.metricKey ? body.comparator : null, targetValue: body.metricKey ? body.targetValue : null, overrides: body.overrides,
      deadline: body.deadline, responsibleUnit: body.responsibleUnit, manualStatus: body.metricKey ? null : (body.manualStatus ?? 'not_started'), milestones: body.milestones, evidence: body.evidence,
      clientId: body.clientId, createdAt: now, updatedAt: now,
    }).onConflictDoNothing().returning();
    if (!row) {
      const prior = (await tx.select().from(supervisionTargets).where(eq(supervisionTargets.clientId, body.clientId)))[0];
      if (!prior || prior.ownerPath !== owner.path) throw notFound();
      return prior.id;
    }
    if (row.metricKey) await tx.insert(supervisionTargetVersions).values({ targetId: row.id, metricKey: row.metricKey, comparator: row.comparator, targetValue: row.targetValue, overrides: row.overrides, byName: caller.displayName, at: now });
    await appendAudit(tx, { ...auditActor(caller), action: 'supervision.target.create', objectType: 'supervision_target', objectId: row.id, orgPath: owner.path, detail: { year: row.year, list: row.list, task: row.task, metricKey: row.metricKey, comparator: row.comparator, targetValue: row.targetValue } }, now);
    return row.id;
  });
  return getTarget(deps, caller, id);
}

export async function updateTarget(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.UpdateTargetBody>) {
  const scope = scopeOf(caller, 'supervision.manage');
  const t = await targetVisible(deps, caller, id);
  if (!under(t.ownerPath, scope)) throw notFound();
  const merged = { metricKey: t.metricKey, comparator: t.comparator, targetValue: t.targetValue, overrides: t.overrides as Record<string, number>, ...body };
  const problems = bindingProblems(merged);
  const districts = await districtIdsOf(deps.db, caller.regionId);
  const ownDistrict = t.ownerPath.split('/').filter(Boolean).length === 2 ? String(t.ownerUnitId) : null;
  for (const k of Object.keys(body.overrides ?? {})) if (!districts.has(k) || (ownDistrict && k !== ownDistrict)) problems[`overrides.${k}`] = '不是本地区的区县';
  if (Object.keys(problems).length) throw badRequest('目标有误，请检查标出的项', problems);
  const now = deps.clock();
  const bindingChanged = merged.metricKey !== t.metricKey || merged.comparator !== t.comparator || merged.targetValue !== t.targetValue || JSON.stringify(merged.overrides) !== JSON.stringify(t.overrides);
  await deps.db.transaction(async (tx) => {
    await tx.update(supervisionTargets).set({
      ...body,
      comparator: merged.metricKey ? merged.comparator : null,
      targetValue: merged.metricKey ? merged.targetValue : null,
      updatedAt: now,
    }).where(eq(supervisionTargets.id, t.id));
    if (bindingChanged) await tx.insert(supervisionTargetVersions).values({ targetId: t.id, metricKey: merged.metricKey, comparator: merged.metricKey ? merged.comparator : null, targetValue: merged.metricKey ? merged.targetValue : null, overrides: merged.overrides, byName: caller.displayName, at: now });
    await appendAudit(tx, {
      ...auditActor(caller), action: body.active === false ? 'supervision.target.remove' : 'supervision.target.update', objectType: 'supervision_target', objectId: t.id, orgPath: t.ownerPath,
      detail: { changed: Object.keys(body), ...(bindingChanged ? { from: { metricKey: t.metricKey, comparator: t.comparator, targetValue: t.targetValue, overrides: t.overrides }, to: { metricKey: merged.metricKey, comparator: merged.comparator, targetValue: merged.targetValue, overrides: merged.overrides } } : {}) },
    }, now);
  });
  return getTarget(deps, caller, id);
}

/**
 * The schools under `within` that the reader sees (compute.ts schoolsSeenBy), their students from the
 * dashboard's cache when it has this year's (dashboard-cache.ts schoolsFor): the figures beside them
 * come from the same cache.
 */
function schoolsSeen(deps: Deps, regionId: number, scope: Scope, within: string): Promise<MetricSchool[]> {
  return schoolsSeenBy(deps, regionId, scope, within, async (d, r, p) => (await schoolsFor(d, r, p)).schools);
}

/** The schools of a target the caller may see (its owner's area ∩ the caller's scope). */
async function targetSchools(deps: Deps, caller: Caller, t: TargetRow): Promise<MetricSchool[]> {
  return schoolsSeenBy(deps, caller.regionId, scopeOf(caller, 'supervision.read'), t.ownerPath);
}

function boundMetric(t: TargetRow): MetricDefinition {
  const m = t.metricKey ? metricByKey(t.metricKey) : undefined;
  if (!m) throw badRequest('该目标未绑定指标，没有实时进度', { metricKey: '该目标未绑定指标' });
  return m;
}

/**
 * A target's progress: the caller's area, each district, and the schools of one district (the
 * municipal schools when a city reader chose no district). One computation of the metric. Figures
 * counting 1–4 students are suppressed for readers outside the school (hiddenOf).
 */
export async function targetProgressOf(deps: Deps, caller: Caller, id: string, q: z.infer<typeof contracts.ProgressQuery>): Promise<z.infer<typeof contracts.TargetProgress>> {
  const t = await targetVisible(deps, caller, id);
  const m = boundMetric(t);
  const scope = scopeOf(caller, 'supervision.read');
  const area = await areaOf(deps.db, caller, scope);
  const schools = await schoolsSeen(deps, caller.regionId, scope, t.ownerPath);
  const figs = (await figuresFor(deps, caller.regionId, t.year, schools, [m])).figures.get(m.key) ?? [];
  const districtOf = new Map(schools.map((s) => [s.id, s.districtId]));
  const byDistrict = rollUp(figs, (sid) => districtOf.get(sid) ?? null);
  if (q.districtId !== undefined && !byDistrict.has(q.districtId)) throw notFound();
  const names = await ownerNames(deps.db, [...byDistrict.keys()]);
  const districtGroups = [...byDistrict.entries()]
    .map(([did, figure]) => ({ id: did, name: names.get(did)?.name ?? '', figure, schools: schools.filter((s) => s.districtId === did) }))
    .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  const districtsHidden = hiddenOf(m, districtGroups, scope);
  const districts = districtGroups.map((d, i) => ({ id: d.id, name: d.name, ...asProgress(d.figure, m.unit, targetFor(t, d.id), t.comparator, districtsHidden[i]) }));
  const chosen = q.districtId ?? (area.kind === 'district' ? area.id : undefined);
  const figOf = new Map(figs.map((f) => [f.schoolId, f]));
  const listed = chosen !== undefined ? schools.filter((s) => s.districtId === chosen) : area.kind === 'city' ? schools.filter((s) => s.districtId === null) : [];
  const listedHidden = hiddenOf(m, listed.map((s) => ({ figure: figOf.get(s.id)!, schools: [s] })), scope);
  const schoolRows = listed.map((s, i) => ({ id: s.id, name: s.name, ...asProgress(figOf.get(s.id)!, m.unit, targetFor(t, s.districtId), t.comparator, listedHidden[i]) }));
  const owners = await ownerNames(deps.db, [t.ownerUnitId]);
  const areaDistrict = area.kind === 'district' ? area.id : null;
  const total = sumFigures(figs);
  const areaFigure = asProgress(total, m.unit, targetFor(t, areaDistrict), t.comparator, hiddenOf(m, [{ figure: total, schools }], scope)[0]);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'supervision.target.progress', objectType: 'supervision_target', objectId: t.id, orgPath: area.path, detail: { districtId: chosen ?? null } }, deps.clock());
  return {
    target: toTarget(t, owners.get(t.ownerUnitId) ?? { name: '', kind: 'city' }, canEditTarget(caller, t), areaFigure),
    period: periodOf(t.year, deps.clock()),
    area: { id: area.id, name: area.name, ...areaFigure },
    districts,
    district: chosen !== undefined ? { id: chosen, name: names.get(chosen)?.name ?? '' } : null,
    schools: schoolRows,
  };
}

/** The records behind one school's figure of a target's metric (drill-down); a school the caller cannot see answers 404. Audited. */
export async function targetSchoolRecords(deps: Deps, caller: Caller, id: string, schoolId: number): Promise<z.infer<typeof contracts.TargetRecordsOut>> {
  const t = await targetVisible(deps, caller, id);
  const m = boundMetric(t);
  const school = (await targetSchools(deps, caller, t)).find((s) => s.id === schoolId);
  if (!school) throw notFound();
  const ctx = metricContext(deps, caller.regionId, t.year, [school]);
  const [fig, recs] = await Promise.all([computeMetric(m, ctx), m.records(ctx, school.id)]);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'supervision.records.read', objectType: 'org_unit', objectId: String(school.id), orgPath: school.path, detail: { metric: m.key, year: t.year, target: t.id } }, deps.clock());
  return {
    metric: metricInfo(m),
    school: { id: school.id, name: school.name },
    figure: asProgress(fig[0]!, m.unit, targetFor(t, school.districtId), t.comparator, hiddenOf(m, [{ figure: fig[0]!, schools: [school] }], scopeOf(caller, 'supervision.read'))[0]),
    columns: recs.columns,
    rows: recs.rows,
  };
}
