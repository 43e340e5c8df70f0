/**
 * Model-school rating (示范校评估, 001 §16). The city bureau (supervision.manage over the whole
 * region) sets a year's scheme: criteria in five dimensions with weights, each scored by hand up to
 * a maximum or bound to a metric (pre-filled from live data: its share of the metric target × the
 * maximum); thresholds of 示范 and 达标. A school leader (rating.submit, own school) fills the
 * self-evaluation with evidence and submits; the district (rating.review in scope) scores, comments
 * and approves or returns it. Scoring is core's scoreRating. Out of scope → 404; writes audited.
 */
import { metricScore, metricValue, ratingSchemeProblems, scoreRating, scopeFor, scopeIncludes, type contracts, type RatingCriterion as CoreCriterion } from '@xinyu/core';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { badRequest, conflict, forbidden, notFound } from '../../http/errors.js';
import { hasPermission, inScope, isRegionWide, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { schoolInScope } from '../counseling/rooms.js';
import { auditActor } from '../org/service.js';
import { computeMetric, metricContext, schoolsUnder } from './compute.js';
import { metricByKey } from './metric-registry.js';
import { ratingEvaluations, ratingSchemes } from './tables.js';

type Criterion = z.infer<typeof contracts.RatingCriterion>;
type SchemeRow = typeof ratingSchemes.$inferSelect;
type EvalRow = typeof ratingEvaluations.$inferSelect;
type SelfMap = Record<string, { score: number | null; evidence: string; links: string[] }>;
type ReviewMap = Record<string, { score: number | null; comment: string }>;

const thresholdsOf = (s: SchemeRow) => ({ model: s.modelThreshold, qualified: s.qualifiedThreshold });
const criteriaOf = (s: SchemeRow) => s.criteria as Criterion[];
const mayManageSchemes = (caller: Caller) => hasPermission(caller, 'supervision.manage') && isRegionWide(caller, 'supervision.manage');

function toScheme(caller: Caller, s: SchemeRow): z.infer<typeof contracts.RatingScheme> {
  return { id: s.id, year: s.year, title: s.title, criteria: criteriaOf(s), modelThreshold: s.modelThreshold, qualifiedThreshold: s.qualifiedThreshold, updatedByName: s.updatedByName, updatedAt: s.updatedAt.toISOString(), canManage: mayManageSchemes(caller) };
}

async function schemeOf(deps: Deps, regionId: number, year: number): Promise<SchemeRow> {
  const s = (await deps.db.select().from(ratingSchemes).where(and(eq(ratingSchemes.regionId, regionId), eq(ratingSchemes.year, year))))[0];
  if (!s) throw notFound();
  return s;
}

export async function getScheme(deps: Deps, caller: Caller, year: number) {
  scopeOf(caller, 'supervision.read');
  return toScheme(caller, await schemeOf(deps, caller.regionId, year));
}

export async function putScheme(deps: Deps, caller: Caller, year: number, body: z.infer<typeof contracts.RatingSchemeBody>) {
  scopeOf(caller, 'supervision.manage');
  if (!mayManageSchemes(caller)) throw forbidden();
  const problems = ratingSchemeProblems(body.criteria, { model: body.modelThreshold, qualified: body.qualifiedThreshold });
  body.criteria.forEach((c, i) => {
    if (c.metricKey && !metricByKey(c.metricKey)) problems[`criteria.${i}.metricKey`] = '没有这个指标';
    if (c.metricKey && c.metricTarget === null) problems[`criteria.${i}.metricTarget`] = '绑定指标时请填写指标目标值';
  });
  if (Object.keys(problems).length) throw badRequest('评估方案有误，请检查标出的项', problems);
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const [row] = await tx.insert(ratingSchemes).values({ regionId: caller.regionId, year, title: body.title, criteria: body.criteria, modelThreshold: body.modelThreshold, qualifiedThreshold: body.qualifiedThreshold, updatedByName: caller.displayName, updatedAt: now })
      .onConflictDoUpdate({ target: [ratingSchemes.regionId, ratingSchemes.year], set: { title: body.title, criteria: body.criteria, modelThreshold: body.modelThreshold, qualifiedThreshold: body.qualifiedThreshold, updatedByName: caller.displayName, updatedAt: now } })
      .returning({ id: ratingSchemes.id });
    await appendAudit(tx, { ...auditActor(caller), action: 'rating.scheme.save', objectType: 'rating_scheme', objectId: row!.id, orgPath: scopeOf(caller, 'supervision.manage').orgPaths[0] ?? null, detail: { year, criteria: body.criteria.length, model: body.modelThreshold, qualified: body.qualifiedThreshold } }, now);
  });
  return getScheme(deps, caller, year);
}

/** Live values of the scheme's metric-bound criteria for one school (each metric once, over that school). */
async function metricValuesFor(deps: Deps, regionId: number, year: number, schoolPath: string, criteria: Criterion[]): Promise<Record<string, number | null>> {
  const keys = [...new Set(criteria.map((c) => c.metricKey).filter((k): k is string => !!k && !!metricByKey(k)))];
  if (!keys.length) return {};
  const schools = (await schoolsUnder(deps, regionId, schoolPath)).filter((s) => s.path === schoolPath);
  const ctx = metricContext(deps, regionId, year, schools);
  const out: Record<string, number | null> = {};
  for (const k of keys) {
    const m = metricByKey(k)!;
    const f = (await computeMetric(m, ctx))[0];
    out[k] = f ? metricValue(f, m.unit) : null;
  }
  return out;
}

/** Self scores with the metric-bound criteria pre-filled from live values when the school left them empty. */
function prefilled(criteria: Criterion[], self: SelfMap, values: Record<string, number | null>): SelfMap {
  const out: SelfMap = { ...self };
  for (const c of criteria) {
    if (!c.metricKey || c.metricTarget === null) continue;
    const cur = out[c.id];
    if (cur?.score !== null && cur?.score !== undefined) continue;
    out[c.id] = { score: metricScore(values[c.metricKey] ?? null, c.metricTarget, 'at_least', c.maxScore), evidence: cur?.evidence ?? '', links: cur?.links ?? [] };
  }
  return out;
}

const scoresOf = (m: Record<string, { score: number | null }>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.score]));
const core = (criteria: Criterion[]): CoreCriterion[] => criteria.map((c) => ({ id: c.id, dimension: c.dimension, weight: c.weight, maxScore: c.maxScore }));

async function evaluationOut(deps: Deps, caller: Caller, scheme: SchemeRow, school: { id: number; name: string; path: string }, e: EvalRow | undefined): Promise<z.infer<typeof contracts.RatingEvaluation>> {
  const criteria = criteriaOf(scheme);
  const values = await metricValuesFor(deps, caller.regionId, scheme.year, school.path, criteria);
  const self = prefilled(criteria, (e?.self as SelfMap | undefined) ?? {}, values);
  const review = (e?.review as ReviewMap | undefined) ?? {};
  const selfScore = scoreRating(core(criteria), scoresOf(self), thresholdsOf(scheme));
  const reviewed = e?.status === 'approved' ? scoreRating(core(criteria), scoresOf(review), thresholdsOf(scheme)) : null;
  const status = e?.status ?? 'none';
  return {
    id: e?.id ?? null,
    year: scheme.year,
    schoolId: school.id,
    schoolName: school.name,
    status,
    scheme: toScheme(caller, scheme),
    metricValues: values,
    self,
    review,
    reviewComment: e?.reviewComment ?? '',
    selfTotal: selfScore.total,
    total: reviewed?.total ?? null,
    byDimension: (reviewed ?? selfScore).byDimension,
    result: reviewed?.result ?? null,
    submittedAt: e?.submittedAt?.toISOString() ?? null,
    reviewedAt: e?.reviewedAt?.toISOString() ?? null,
    reviewerName: e?.reviewerName ?? null,
    canSubmit: hasPermission(caller, 'rating.submit') && scopeIncludes(scopeFor(caller.assignments, 'rating.submit'), school.path) && (status === 'none' || status === 'draft' || status === 'returned'),
    canReview: hasPermission(caller, 'rating.review') && scopeIncludes(scopeFor(caller.assignments, 'rating.review'), school.path) && status === 'submitted',
  };
}

const evalOf = async (deps: Deps, schemeId: string, schoolId: number) =>
  (await deps.db.select().from(ratingEvaluations).where(and(eq(ratingEvaluations.schemeId, schemeId), eq(ratingEvaluations.schoolId, schoolId))))[0];

export async function getEvaluation(deps: Deps, caller: Caller, schoolId: number, year: number) {
  const school = await schoolInScope(deps.db, caller, schoolId, 'supervision.read');
  const scheme = await schemeOf(deps, caller.regionId, year);
  return evaluationOut(deps, caller, scheme, school, await evalOf(deps, scheme.id, school.id));
}

function scoreProblems(criteria: Criterion[], entries: Record<string, { score: number | null }>, field: string): Record<string, string> {
  const byId = new Map(criteria.map((c) => [c.id, c]));
  const out: Record<string, string> = {};
  for (const [id, v] of Object.entries(entries)) {
    const c = byId.get(id);
    if (!c) out[`${field}.${id}`] = '方案中没有这项指标';
    else if (v.score !== null && v.score > c.maxScore) out[`${field}.${id}.score`] = `得分不能超过满分 ${c.maxScore}`;
  }
  return out;
}

/** The school's self-evaluation: saved as a draft, or submitted for review. Only before review (or after a return). */
export async function saveSelf(deps: Deps, caller: Caller, schoolId: number, body: z.infer<typeof contracts.RatingSelfBody>) {
  const school = await schoolInScope(deps.db, caller, schoolId, 'rating.submit');
  const scheme = await schemeOf(deps, caller.regionId, body.year);
  const problems = scoreProblems(criteriaOf(scheme), body.self, 'self');
  if (Object.keys(problems).length) throw badRequest('自评有误，请检查标出的项', problems);
  const now = deps.clock();
  await deps.db.transaction(async (tx) => {
    const prior = (await tx.select().from(ratingEvaluations).where(and(eq(ratingEvaluations.schemeId, scheme.id), eq(ratingEvaluations.schoolId, school.id))).for('update'))[0];
    if (prior && (prior.status === 'submitted' || prior.status === 'approved')) throw conflict(prior.status === 'submitted' ? '自评已提交，正在审核，不能修改' : '评估已通过审核，不能修改');
    const status = body.submit ? 'submitted' : 'draft';
    const values = { self: body.self, status, submittedAt: body.submit ? now : null, updatedAt: now } as const;
    const [row] = prior
      ? await tx.update(ratingEvaluations).set(values).where(eq(ratingEvaluations.id, prior.id)).returning({ id: ratingEvaluations.id })
      : await tx.insert(ratingEvaluations).values({ regionId: caller.regionId, schemeId: scheme.id, schoolId: school.id, orgPath: school.path, ...values }).returning({ id: ratingEvaluations.id });
    await appendAudit(tx, { ...auditActor(caller), action: body.submit ? 'rating.submit' : 'rating.draft', objectType: 'rating_evaluation', objectId: row!.id, orgPath: school.path, detail: { year: body.year, criteria: Object.keys(body.self).length } }, now);
  });
  return getEvaluation(deps, caller, school.id, body.year);
}

/** The district's review of a submitted evaluation: scores and comments, then approve (total and result fixed) or return. */
export async function reviewEvaluation(deps: Deps, caller: Caller, id: string, body: z.infer<typeof contracts.RatingReviewBody>) {
  const scope = scopeOf(caller, 'rating.review');
  const e = (await deps.db.select().from(ratingEvaluations).where(and(eq(ratingEvaluations.id, id), eq(ratingEvaluations.regionId, caller.regionId), inScope(scope, ratingEvaluations.orgPath))))[0];
  if (!e) throw notFound();
  const scheme = (await deps.db.select().from(ratingSchemes).where(eq(ratingSchemes.id, e.schemeId)))[0]!;
  const criteria = criteriaOf(scheme);
  const problems = scoreProblems(criteria, body.review, 'review');
  if (body.decision === 'approve') for (const c of criteria) if (body.review[c.id]?.score === null || body.review[c.id]?.score === undefined) problems[`review.${c.id}.score`] = '通过前请为每项指标评分';
  if (body.decision === 'return' && !body.comment) problems.comment = '退回时请写明原因';
  if (Object.keys(problems).length) throw badRequest('审核有误，请检查标出的项', problems);
  const now = deps.clock();
  const scored = scoreRating(core(criteria), scoresOf(body.review), thresholdsOf(scheme));
  await deps.db.transaction(async (tx) => {
    const locked = (await tx.select({ status: ratingEvaluations.status }).from(ratingEvaluations).where(eq(ratingEvaluations.id, e.id)).for('update'))[0]!;
    if (locked.status !== 'submitted') throw conflict('只能审核已提交的自评');
    await tx.update(ratingEvaluations).set({
      status: body.decision === 'approve' ? 'approved' : 'returned',
      review: body.review,
      reviewComment: body.comment,
      total: body.decision === 'approve' ? scored.total : null,
      result: body.decision === 'approve' ? scored.result : null,
      reviewedAt: now,
      reviewerName: caller.displayName,
      updatedAt: now,
    }).where(eq(ratingEvaluations.id, e.id));
    await appendAudit(tx, { ...auditActor(caller), action: body.decision === 'approve' ? 'rating.approve' : 'rating.return', objectType: 'rating_evaluation', objectId: e.id, orgPath: e.orgPath, detail: { total: scored.total, result: scored.result } }, now);
  });
  const school = (await rows<{ id: number; name: string; path: string }>(deps.db, sql`select id, name, path from org_units where id = ${e.schoolId}`))[0]!;
  return evaluationOut(deps, caller, scheme, school, await evalOf(deps, scheme.id, school.id));
}

/** Evaluations of the year in the caller's scope (the review queue: submitted first). */
export async function ratingQueue(deps: Deps, caller: Caller, year: number): Promise<z.infer<typeof contracts.RatingQueue>> {
  const scope = scopeOf(caller, 'supervision.read');
  const scheme = (await deps.db.select().from(ratingSchemes).where(and(eq(ratingSchemes.regionId, caller.regionId), eq(ratingSchemes.year, year))))[0];
  if (!scheme) return { year, items: [] };
  const list = await deps.db.select().from(ratingEvaluations).where(and(eq(ratingEvaluations.schemeId, scheme.id), inScope(scope, ratingEvaluations.orgPath)))
    .orderBy(sql`case ${ratingEvaluations.status} when 'submitted' then 0 when 'returned' then 1 when 'draft' then 2 else 3 end`, asc(ratingEvaluations.submittedAt)).limit(1000);
  const names = list.length ? await rows<{ id: number; name: string; district: string | null }>(deps.db, sql`
    select s.id, s.name, d.name as district from org_units s left join org_units d on d.id = s.parent_id and d.kind = 'district' where s.id = any(${sql.param(list.map((e) => e.schoolId))}::int[])`) : [];
  const byId = new Map(names.map((n) => [Number(n.id), n]));
  const criteria = core(criteriaOf(scheme));
  return {
    year,
    items: list.map((e) => ({
      id: e.id,
      schoolId: e.schoolId,
      schoolName: byId.get(e.schoolId)?.name ?? '',
      districtName: byId.get(e.schoolId)?.district ?? '市直',
      status: e.status,
      selfTotal: scoreRating(criteria, scoresOf(e.self as SelfMap), thresholdsOf(scheme)).total,
      total: e.total,
      result: e.result,
      submittedAt: e.submittedAt?.toISOString() ?? null,
    })),
  };
}
