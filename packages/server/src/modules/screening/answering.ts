/**
 * A student answering a screening: their tasks, one answer sheet, autosaved drafts and an
 * idempotent submit that scores at once and raises warnings. A student never sees a score, a band
 * or a label; the answer sheet carries item text and option labels only.
 */
import {
  instrumentsForGrade,
  needsGuardianConsent,
  ResponseMismatchError,
  scoreResponse,
  screeningAlert,
  windowOpen,
  contracts,
  type GradeBandPlan,
  type InstrumentDefinition,
  type ItemCondition,
  type ScoreResult,
} from '@xinyu/core';
import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { Batcher, batcherFor } from '../../db/batch.js';
import { longTextArray, prepared, rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { AppError, badRequest, conflict, notFound } from '../../http/errors.js';
import { scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { openSession, SESSION_COOKIE, sessionIdOf } from '../auth/service.js';
import { accounts, loginThrottle } from '../auth/tables.js';
import { roleAssignments } from '../access/tables.js';
import { hashPassword } from '../auth/passwords.js';
import { raiseAlerts, type SignalInput } from '../warning/service.js';
import { cstToday } from './campaigns.js';
import { getInstrumentInRegion } from './service.js';
import { sealerFor } from '../../lib/sealed.js';
import { sealMany } from '../../lib/seal-pool.js';
import { answersAad, openAnswers, openScore, sealAnswers, scoreAad } from './sealing.js';

type Status = 'not_started' | 'in_progress' | 'submitted';

/** The student a caller answers as (a student account is bound to exactly one). */
function studentOf(caller: Caller): string {
  const id = scopeOf(caller, 'screening.answer').studentIds[0];
  if (!id) throw notFound();
  return id;
}

/** What answering needs of the student and one campaign released to their class. */
interface SheetContext {
  student_id: string;
  class_id: number;
  school_id: number;
  gender: 'male' | 'female';
  birth_date: string;
  org_path: string;
  grade_level: number | null;
  campaign_id: string;
  plan: GradeBandPlan[];
  window_start: string;
  window_end: string;
  consent_for_all: boolean;
  consent: 'granted' | 'refused' | null;
}

/** The same with the campaign's title and purpose, for the student's task list. */
interface Context extends SheetContext {
  title: string;
  purpose: string;
  [k: string]: unknown;
}

const sheetColumns = sql`s.id as student_id, s.class_id, s.school_id, s.gender, s.birth_date::text as birth_date, s.org_path,
  coalesce(c.grade_level, g.grade_level)::int as grade_level,
  k.id as campaign_id, k.window_start::text as window_start, k.window_end::text as window_end, k.consent_for_all,
  sc.decision as consent`;
const contextColumns = sql`${sheetColumns}, k.plan, k.title, k.purpose`;

/**
 * A campaign's plan, parsed once per text: every sheet request of a batch carries the same plan,
 * and parsing it per request was a measurable part of the answering path.
 */
const planCache = new Map<string, GradeBandPlan[]>();
function parsePlan(text: string): GradeBandPlan[] {
  let plan = planCache.get(text);
  if (!plan) {
    plan = JSON.parse(text) as GradeBandPlan[];
    if (planCache.size > 200) planCache.clear();
    planCache.set(text, plan);
  }
  return plan;
}

/** One query: the student, their class's grade, and the published campaigns released to the class. */
function contexts(db: Db, studentId: string): Promise<Context[]> {
  // prepared once per connection: planning this join cost more than running it, on every request
  return prepared<Context>(
    db,
    'xinyu_screening_contexts',
    sql`select ${contextColumns}
        from students s
        join org_units c on c.id = s.class_id
        left join org_units g on g.id = c.parent_id and g.kind = 'grade'
        join campaign_releases r on r.class_id = s.class_id
        join campaigns k on k.id = r.campaign_id and k.status = 'published'
        left join screening_consents sc on sc.campaign_id = k.id and sc.student_id = s.id
        where s.id = ${studentId} and s.status = 'active'
        order by k.window_end, k.title`,
  );
}

/** From an active student `s` and the input's campaign `i.campaign_id`: what SheetContext needs. */
const sheetJoins = sql`join org_units c on c.id = s.class_id
          left join org_units g on g.id = c.parent_id and g.kind = 'grade'
          join campaign_releases r on r.class_id = s.class_id and r.campaign_id = i.campaign_id
          join campaigns k on k.id = r.campaign_id and k.status = 'published'
          left join screening_consents sc on sc.campaign_id = k.id and sc.student_id = s.id`;

/**
 * The student and one campaign released to their class (as `contexts`), or null. Concurrent
 * requests share one statement: every answer-sheet request and submit starts here (unless the
 * context came ahead with the request, prefetchSheetContext).
 */
function contextFor(db: Db, studentId: string, campaignId: string): Promise<SheetContext | null> {
  const batcher = batcherFor(db, 'screening-context', () => new Batcher<{ studentId: string; campaignId: string }, SheetContext | null>(async (items) => {
    const found = await prepared<Omit<SheetContext, 'plan'> & { plan: string }>(
      db,
      'xinyu_screening_sheet_batch',
      sql`select ${sheetColumns}, k.plan::text as plan
          from unnest(${sql.param(items.map((i) => i.studentId))}::uuid[], ${sql.param(items.map((i) => i.campaignId))}::uuid[]) as i(student_id, campaign_id)
          join students s on s.id = i.student_id and s.status = 'active'
          ${sheetJoins}`,
    );
    const byKey = new Map(found.map((c) => [`${c.student_id}|${c.campaign_id}`, { ...c, plan: parsePlan(c.plan) }]));
    return items.map((i) => byKey.get(`${i.studentId}|${i.campaignId}`) ?? null);
  }, { concurrency: 3, maxBatch: 500 }));
  return batcher.load({ studentId, campaignId });
}

/** The same looked up by the session's student account (its row id, sessionIdOf). */
function contextBySession(db: Db, sessionId: string, campaignId: string): Promise<SheetContext | null> {
  const batcher = batcherFor(db, 'screening-context-by-session', () => new Batcher<{ sessionId: string; campaignId: string }, SheetContext | null>(async (items) => {
    const found = await prepared<Omit<SheetContext, 'plan'> & { plan: string; session_id: string }>(
      db,
      'xinyu_screening_sheet_by_session',
      sql`select ${sheetColumns}, k.plan::text as plan, i.session_id
          from unnest(${sql.param(items.map((i) => i.sessionId))}::text[], ${sql.param(items.map((i) => i.campaignId))}::uuid[]) as i(session_id, campaign_id)
          join sessions se on se.id = i.session_id
          join role_assignments ra on ra.account_id = se.account_id and ra.role = 'student'
          join students s on s.id = ra.student_id and s.status = 'active'
          ${sheetJoins}`,
    );
    const byKey = new Map(found.map(({ session_id: sessionId, ...c }) => [`${sessionId}|${c.campaign_id}`, { ...c, plan: parsePlan(c.plan) }]));
    return items.map((i) => byKey.get(`${i.sessionId}|${i.campaignId}`) ?? null);
  }, { concurrency: 3, maxBatch: 500 }));
  return batcher.load({ sessionId, campaignId });
}

const prefetched = new WeakMap<object, Promise<SheetContext | null>>();

/**
 * Starts the answering context's lookup by the request's session cookie as the request arrives, so
 * that it runs beside the session lookup instead of after it: one batched round trip fewer before
 * a submit is scored. Nothing of it is used unless the caller, once signed in, is the student it
 * found (ready); a failed or empty lookup only means ready looks the context up itself.
 */
export function prefetchSheetContext(deps: Deps, req: { cookies: Record<string, string | undefined>; params: unknown }): void {
  const token = req.cookies[SESSION_COOKIE];
  // the address is not validated yet (onRequest): a malformed id would fail the whole batch's statement
  const params = contracts.SheetParams.safeParse(req.params);
  if (!token || !params.success) return;
  const lookup = contextBySession(deps.db, sessionIdOf(token), params.data.campaignId).catch(() => null);
  prefetched.set(req, lookup);
}

/** The context prefetchSheetContext started for this request, if it did. */
export function prefetchedSheetContext(req: object): Promise<SheetContext | null> | undefined {
  return prefetched.get(req);
}

function consentState(ctx: SheetContext): 'not_needed' | 'waiting' | 'granted' | 'refused' {
  if (!needsGuardianConsent(ctx.birth_date, ctx.window_start, ctx.consent_for_all)) return 'not_needed';
  return ctx.consent ?? 'waiting';
}

function plannedFor(ctx: SheetContext) {
  return ctx.grade_level == null ? [] : instrumentsForGrade(ctx.plan, ctx.grade_level);
}

export async function myTasks(deps: Deps, caller: Caller, locale: 'zh-CN' | 'en-US' = 'zh-CN'): Promise<z.infer<typeof contracts.MyTask>[]> {
  const studentId = studentOf(caller);
  const today = cstToday(deps.clock());
  const list = (await contexts(deps.db, studentId)).filter((c) => windowOpen({ start: c.window_start, end: c.window_end }, today) && plannedFor(c).length);
  if (!list.length) return [];
  const progress = await rows<{ campaign_id: string; instrument_key: string; status: Status; answers: string }>(
    deps.db,
    sql`select campaign_id, instrument_key, status, answers
        from screening_responses where student_id = ${studentId} and status <> 'superseded'
        and campaign_id = any(${sql.param(list.map((c) => c.campaign_id))}::uuid[])`,
  );
  const key = (c: string, k: string) => `${c}|${k}`;
  const sealer = sealerFor(deps.config);
  // answers are sealed: how many there are is counted here, not in SQL
  const byKey = new Map(progress.map((p) => [key(p.campaign_id, p.instrument_key), {
    status: p.status,
    answered: Object.keys(openAnswers(sealer, { campaignId: p.campaign_id, studentId, instrumentKey: p.instrument_key }, p.answers)).length,
  }]));
  const out = [];
  for (const c of list) {
    const instruments = [];
    for (const ref of plannedFor(c)) {
      const def = await getInstrumentInRegion(deps.db, caller.regionId, ref.key, ref.version);
      const p = byKey.get(key(c.campaign_id, ref.key));
      instruments.push({ key: ref.key, version: ref.version, title: def.title[locale], itemCount: def.items.length, status: p?.status ?? 'not_started', answered: p?.answered ?? 0 });
    }
    out.push({ campaignId: c.campaign_id, title: c.title, purpose: c.purpose, window: { start: c.window_start, end: c.window_end }, consent: consentState(c), instruments });
  }
  return out;
}

interface Ready {
  ctx: SheetContext;
  def: InstrumentDefinition;
}

/**
 * The campaign, instrument and student, checked: released, open, planned for the grade, consented.
 * A context prefetched with the request is used only when it is the caller's own.
 */
async function ready(deps: Deps, caller: Caller, campaignId: string, key: string, early?: Promise<SheetContext | null>): Promise<Ready> {
  const studentId = studentOf(caller);
  const found = early ? await early : null;
  const ctx = found && found.student_id === studentId && found.campaign_id === campaignId ? found : await contextFor(deps.db, studentId, campaignId);
  const ref = ctx && plannedFor(ctx).find((r) => r.key === key);
  if (!ctx || !ref) throw notFound();
  if (!windowOpen({ start: ctx.window_start, end: ctx.window_end }, cstToday(deps.clock()))) {
    throw new AppError(409, 'window_closed', `本次测评的时间是 ${ctx.window_start} 至 ${ctx.window_end}，现在不能作答`);
  }
  const consent = consentState(ctx);
  if (consent === 'waiting') throw new AppError(409, 'consent_required', '需要家长同意后才能参加本次测评，请提醒家长在家长账号中确认，或交回纸质同意书');
  if (consent === 'refused') throw new AppError(409, 'consent_refused', '家长未同意参加本次测评');
  return { ctx, def: await getInstrumentInRegion(deps.db, caller.regionId, ref.key, ref.version) };
}

export async function answerSheet(deps: Deps, caller: Caller, campaignId: string, key: string, locale: 'zh-CN' | 'en-US', early?: Promise<SheetContext | null>): Promise<z.infer<typeof contracts.AnswerSheet>> {
  const { ctx, def } = await ready(deps, caller, campaignId, key, early);
  const saved = (
    await rows<{ answers: string; started_at: Date | string; status: Status }>(deps.db, sql`select answers, started_at, status from screening_responses where campaign_id = ${campaignId} and student_id = ${ctx.student_id} and instrument_key = ${key} and status <> 'superseded'`)
  )[0];
  const submitted = saved?.status === 'submitted';
  const draft = saved && !submitted ? openAnswers(sealerFor(deps.config), { campaignId, studentId: ctx.student_id, instrumentKey: key }, saved.answers) : {};
  return {
    campaignId,
    key: def.id,
    version: def.version,
    title: def.title[locale],
    instructions: def.instructions?.[locale] ?? null,
    items: def.items.map((item) => ({
      id: item.id,
      text: item.text[locale],
      required: item.required !== false,
      options: item.options.map((o) => ({ value: o.value, label: o.label[locale] })),
      ...(item.enableWhen ? { enableWhen: item.enableWhen.map((c) => sheetCondition(def, c)), enableBehavior: item.enableBehavior ?? 'all' } : {}),
    })),
    // a submitted sheet is not shown again: answers are sensitive even to their author's next reader
    answers: draft,
    startedAt: saved ? new Date(saved.started_at).toISOString() : null,
    status: saved?.status ?? 'not_started',
  };
}

/**
 * A skip-logic condition for the answer sheet. Comparisons (`>` …) are on option scores, which the
 * sheet does not carry; they become the list of option values that satisfy them, so the page
 * decides exactly as the scoring engine does.
 */
function sheetCondition(def: InstrumentDefinition, c: ItemCondition): { item: string; operator: string; value?: string | number | boolean; values?: string[] } {
  if (c.operator === 'exists' || c.operator === '=' || c.operator === '!=') return { item: c.item, operator: c.operator, ...(c.value !== undefined ? { value: c.value } : {}) };
  const options = def.items.find((i) => i.id === c.item)?.options ?? [];
  const v = typeof c.value === 'number' ? c.value : Number.NaN;
  const holds = (s: number) => (c.operator === '>' ? s > v : c.operator === '>=' ? s >= v : c.operator === '<' ? s < v : s <= v);
  return { item: c.item, operator: 'in', values: options.filter((o) => o.score !== undefined && holds(o.score)).map((o) => o.value) };
}

/** Answers that do not fit the definition, as field errors (answers.<item>). */
function checkAnswers(def: InstrumentDefinition, answers: Record<string, string>): Record<string, string> {
  const fields: Record<string, string> = {};
  const items = new Map(def.items.map((i) => [i.id, i]));
  for (const [id, value] of Object.entries(answers)) {
    const item = items.get(id);
    if (!item) fields[`answers.${id}`] = '本量表没有这道题';
    else if (!item.options.some((o) => o.value === value)) fields[`answers.${id}`] = '不是这道题的选项';
  }
  return fields;
}

/** Autosave: keeps a draft; nothing happens once the sheet is submitted. */
export async function saveDraft(deps: Deps, caller: Caller, campaignId: string, key: string, body: z.infer<typeof contracts.SaveDraftBody>, early?: Promise<SheetContext | null>): Promise<{ savedAt: string }> {
  const { ctx, def } = await ready(deps, caller, campaignId, key, early);
  const fields = checkAnswers(def, body.answers);
  if (Object.keys(fields).length) throw badRequest('有答案与题目不符', fields);
  const now = deps.clock();
  const started = new Date(Math.min(Date.parse(body.startedAt), now.getTime()));
  const result = await rows<{ id: string }>(deps.db, sql`
    insert into screening_responses (region_id, campaign_id, student_id, instrument_key, instrument_version, attempt, status, answers, school_id, class_id, grade_level, gender, started_at, updated_at)
    values (${caller.regionId}, ${campaignId}, ${ctx.student_id}, ${def.id}, ${def.version},
      -- after the sheet's superseded responses, as in submit (see there)
      (select coalesce(max(x.attempt), 0) + 1 from (select campaign_id, instrument_key, attempt from screening_responses where student_id = ${ctx.student_id} and status = 'superseded' offset 0) x
        where x.campaign_id = ${campaignId} and x.instrument_key = ${def.id}),
      'in_progress', ${sealAnswers(sealerFor(deps.config), { campaignId, studentId: ctx.student_id, instrumentKey: def.id }, body.answers)}, ${ctx.school_id}, ${ctx.class_id}, ${ctx.grade_level}, ${ctx.gender}, ${started}, ${now})
    on conflict (campaign_id, student_id, instrument_key) where status <> 'superseded'
    do update set answers = excluded.answers, updated_at = excluded.updated_at
      where screening_responses.status = 'in_progress'
    returning id`);
  if (!result.length) throw new AppError(409, 'already_submitted', '这份问卷已经提交，谢谢你');
  return { savedAt: now.toISOString() };
}

function mismatchFields(e: ResponseMismatchError): Record<string, string> {
  return Object.fromEntries(e.problems.slice(0, 50).map((p) => [`answers.${p.itemId}`, p.message]));
}

/**
 * Submits a sheet. The client's id makes it idempotent: a retry or a double click returns the
 * first acknowledgement and stores nothing more. Scored at once; a warning's follow-up is written
 * with the response, and its signal is queued for the warning job, or, for a critical item, raised
 * and told to the school in the same transaction.
 */
export async function submit(deps: Deps, caller: Caller, campaignId: string, key: string, body: z.infer<typeof contracts.SubmitBody>, early?: Promise<SheetContext | null>): Promise<z.infer<typeof contracts.SubmitAck>> {
  const { ctx, def } = await ready(deps, caller, campaignId, key, early);
  const now = deps.clock();
  const startedMs = Math.min(Date.parse(body.startedAt), now.getTime());
  let score: ScoreResult;
  try {
    score = scoreResponse(def, {
      answers: body.answers,
      startedAt: new Date(startedMs),
      submittedAt: now,
      respondent: { gender: ctx.gender, ...(ctx.grade_level != null ? { gradeLevel: ctx.grade_level } : {}) },
    });
  } catch (e) {
    if (e instanceof ResponseMismatchError) throw badRequest('有答案与题目不符，未提交', mismatchFields(e));
    throw e;
  }
  if (!score.complete) {
    const fields = Object.fromEntries(score.missing.map((id) => [`answers.${id}`, '这道题还没有回答']));
    throw badRequest(`还有 ${score.missing.length} 道题没有回答`, fields);
  }
  const alert = screeningAlert(score);
  // answers to items skip logic switched off are not kept: they were never asked
  const skipped = new Set(score.skipped);
  const kept = skipped.size ? Object.fromEntries(Object.entries(body.answers).filter(([id]) => !skipped.has(id))) : body.answers;
  const row: SheetRow = {
    region_id: caller.regionId, campaign_id: campaignId, student_id: ctx.student_id, instrument_key: def.id, instrument_version: def.version,
    answers_plain: JSON.stringify(kept), client_id: body.clientId, school_id: ctx.school_id, class_id: ctx.class_id, grade_level: ctx.grade_level, gender: ctx.gender,
    started_at: new Date(startedMs).toISOString(), submitted_at: now.toISOString(),
    duration_seconds: score.durationSeconds === undefined ? null : Math.round(score.durationSeconds),
    score_plain: JSON.stringify(score), warning_level: score.warningLevel, valid: score.validity.valid,
    org_path: ctx.org_path, actor_id: caller.accountId, actor_name: caller.displayName, follow_up_level: alert?.level ?? null,
    warn_later: alert !== null && !alert.critical,
  };
  // Without a critical item the response is the only write: concurrent ones share one INSERT, which
  // also starts a warning's follow-up and queues its signal (raiseQueuedWarnings raises it within a
  // second or so; it notifies nobody on arrival). A critical item notifies the school at once:
  // concurrent ones share one transaction with their signals and alerts (criticalBatcher).
  const stored = await clientIdChecked(async () => {
    if (!alert?.critical) return responseBatcher(deps).load(row);
    return criticalBatcher(deps).load({ row, alert: { regionId: caller.regionId, campaignId, studentId: ctx.student_id, schoolId: ctx.school_id, classId: ctx.class_id, orgPath: ctx.org_path, alert, now } });
  });
  if (stored) return { status: 'submitted', submittedAt: now.toISOString(), duplicate: false };
  // nothing was stored: this sheet was submitted before. The same client id is a retry; another is a second attempt.
  const earlier = (
    await rows<{ client_id: string | null; submitted_at: Date | string }>(deps.db, sql`select client_id, submitted_at from screening_responses where campaign_id = ${campaignId} and student_id = ${ctx.student_id} and instrument_key = ${def.id} and status = 'submitted'`)
  )[0];
  if (earlier && earlier.client_id === body.clientId) return { status: 'submitted', submittedAt: new Date(earlier.submitted_at).toISOString(), duplicate: true };
  throw new AppError(409, 'already_submitted', '这份问卷已经提交过了，谢谢你');
}

/** A client id already used by another sheet is a clear 409, not a 500. */
async function clientIdChecked<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const text = `${e instanceof Error ? e.message : ''} ${String((e as { cause?: unknown }).cause ?? '')}`;
    if (text.includes('screening_responses_client_uq')) throw new AppError(409, 'client_id_reused', '提交编号重复，请刷新页面后重新提交');
    throw e;
  }
}

/**
 * A submitted response's fields as stored, but for its sealed answers and score (snake_case: they
 * travel to PostgreSQL as one JSON record; the sealed values travel beside them, SealedBatch).
 */
interface ResponseFields {
  region_id: number;
  campaign_id: string;
  student_id: string;
  instrument_key: string;
  instrument_version: string;
  client_id: string;
  school_id: number;
  class_id: number;
  grade_level: number | null;
  gender: 'male' | 'female';
  started_at: string;
  submitted_at: string;
  duration_seconds: number | null;
  warning_level: string;
  valid: boolean;
  /** for the audit row (screening_audit_queue) */
  org_path: string;
  actor_id: string;
  actor_name: string;
  /** a warned response's level: the student's re-check follow-up for the campaign starts at the highest (screening_follow_ups) */
  follow_up_level: string | null;
  /** a warning without a critical item: its signal is queued (screening_warning_queue) */
  warn_later: boolean;
}

/** A warning level's rank in SQL, for keeping the highest of several. */
const rankSql = (column: string) => sql.raw(`(case ${column} when 'red' then 3 when 'orange' then 2 when 'yellow' then 1 else 0 end)`);

/** A response before its answers and score are sealed (the batch seals them together, lib/seal-pool.ts). */
interface SheetRow extends ResponseFields {
  answers_plain: string;
  score_plain: string;
}

/** A batch of responses ready to store: their fields, and per response its sealed answers and score. */
interface SealedBatch {
  fields: ResponseFields[];
  answers: string[];
  scores: string[];
}

/**
 * Seals a batch's answers and scores (as sealAnswers / sealScore do, bound to their sheet), off the
 * event loop when the batch is big enough.
 */
async function sealRows(config: Deps['config'], list: SheetRow[]): Promise<SealedBatch> {
  const sealed = await sealMany(config, list.flatMap((r) => [
    { plain: r.answers_plain, aad: answersAad(r.campaign_id, r.student_id, r.instrument_key) },
    { plain: r.score_plain, aad: scoreAad(r.campaign_id, r.student_id, r.instrument_key) },
  ]));
  return {
    fields: list.map(({ answers_plain: _a, score_plain: _s, ...fields }) => fields),
    answers: list.map((_, i) => sealed[2 * i]!),
    scores: list.map((_, i) => sealed[2 * i + 1]!),
  };
}

const sheetKey = (r: { campaign_id: string; student_id: string; instrument_key: string }) => `${r.campaign_id}|${r.student_id}|${r.instrument_key}`;

/**
 * Stores submitted responses in one statement; returns the stored rows' keys. A sheet already
 * submitted is left alone and not returned; a draft becomes the submitted response (its start
 * time kept). A new response's attempt follows the sheet's superseded ones (re-tests), looked up
 * in their small partial index ("offset 0" keeps the other conditions out of the index choice:
 * with statistics older than a campaign's first burst of submissions the planner ANDed in the
 * campaign's index, every row of it). The live response, if any, always has the highest attempt.
 */
async function insertResponses(db: Db, batch: SealedBatch): Promise<{ id: string; campaign_id: string; student_id: string; instrument_key: string }[]> {
  return prepared(db, 'xinyu_insert_responses', sql`
    with v as materialized (
      -- the sealed answers and scores beside the other fields, not inside their JSON (longTextArray)
      select * from rows from (
        json_to_recordset(${JSON.stringify(batch.fields)}::json) as (region_id int, campaign_id uuid, student_id uuid, instrument_key text, instrument_version text,
          client_id uuid, school_id int, class_id int, grade_level smallint, gender text, started_at timestamptz, submitted_at timestamptz,
          duration_seconds int, warning_level text, valid boolean, org_path text, actor_id text, actor_name text, follow_up_level text, warn_later boolean),
        unnest(${sql.param(longTextArray(db, batch.answers))}::text[]),
        unnest(${sql.param(longTextArray(db, batch.scores))}::text[])
      ) as v(region_id, campaign_id, student_id, instrument_key, instrument_version, client_id, school_id, class_id, grade_level, gender, started_at, submitted_at,
        duration_seconds, warning_level, valid, org_path, actor_id, actor_name, follow_up_level, warn_later, answers, score)
    ), stored as (
      insert into screening_responses (region_id, campaign_id, student_id, instrument_key, instrument_version, attempt, status, answers, client_id,
        school_id, class_id, grade_level, gender, started_at, submitted_at, duration_seconds, score, warning_level, valid, updated_at)
      select v.region_id, v.campaign_id, v.student_id, v.instrument_key, v.instrument_version,
        (select coalesce(max(x.attempt), 0) + 1 from (select campaign_id, instrument_key, attempt from screening_responses where student_id = v.student_id and status = 'superseded' offset 0) x
          where x.campaign_id = v.campaign_id and x.instrument_key = v.instrument_key),
        'submitted', v.answers, v.client_id, v.school_id, v.class_id, v.grade_level, v.gender, v.started_at, v.submitted_at, v.duration_seconds, v.score, v.warning_level, v.valid, v.submitted_at
      from v
      -- the same order in every batch: two batches touching the same sheets wait for each other instead of deadlocking
      order by v.student_id, v.campaign_id, v.instrument_key
      on conflict (campaign_id, student_id, instrument_key) where status <> 'superseded'
      do update set status = 'submitted', answers = excluded.answers, client_id = excluded.client_id, started_at = least(screening_responses.started_at, excluded.started_at),
        submitted_at = excluded.submitted_at, duration_seconds = extract(epoch from excluded.submitted_at - least(screening_responses.started_at, excluded.started_at))::int,
        score = excluded.score, warning_level = excluded.warning_level, valid = excluded.valid, updated_at = excluded.updated_at
        where screening_responses.status = 'in_progress'
      returning id, campaign_id, student_id, instrument_key, submitted_at
    ), queued as (
      -- its audit row follows in a batch (auditSubmissions)
      insert into screening_audit_queue (response_id, student_id, campaign_id, instrument_key, submitted_at, org_path, actor_id, actor_name)
      select s.id, s.student_id, s.campaign_id, s.instrument_key, s.submitted_at, v.org_path, v.actor_id, v.actor_name
      from stored s join v on v.student_id = s.student_id and v.campaign_id = s.campaign_id and v.instrument_key = s.instrument_key
    ), warned as (
      -- a warning without a critical item: its signal follows in a batch (raiseQueuedWarnings)
      insert into screening_warning_queue (response_id, org_path)
      select s.id, v.org_path
      from stored s join v on v.student_id = s.student_id and v.campaign_id = s.campaign_id and v.instrument_key = s.instrument_key
      where v.warn_later
    ), followed as (
      -- a warned response's re-check follow-up: one per campaign and student, at the highest level any instrument raised
      insert into screening_follow_ups (region_id, campaign_id, student_id, school_id, initial_level, created_at)
      select region_id, campaign_id, student_id, school_id, follow_up_level, submitted_at from (
        select distinct on (v.student_id, v.campaign_id) v.region_id, v.campaign_id, v.student_id, v.school_id, v.follow_up_level, s.submitted_at
        from stored s join v on v.student_id = s.student_id and v.campaign_id = s.campaign_id and v.instrument_key = s.instrument_key
        where v.follow_up_level is not null
        order by v.student_id, v.campaign_id, ${rankSql('v.follow_up_level')} desc
      ) f
      order by student_id, campaign_id
      on conflict (campaign_id, student_id) do update set initial_level = excluded.initial_level
        where ${rankSql('excluded.initial_level')} > ${rankSql('screening_follow_ups.initial_level')}
    )
    select id, campaign_id, student_id, instrument_key from stored`);
}

/**
 * One batch of sheets written together (`many`), the way both batchers below need it: the same sheet
 * twice in a batch (a double click) goes in once and its repeats follow one by one (`one`) and find it
 * stored; when the shared write fails (one sheet's client id used before), each sheet is written on
 * its own so that only that sheet gets the error. Results: the stored response's id, or null.
 */
async function writeSheets<T>(items: T[], rowOf: (item: T) => SheetRow, many: (list: T[]) => Promise<(string | null)[]>, one: (item: T) => Promise<string | null>): Promise<(string | null | Error)[]> {
  const single = async (item: T): Promise<string | null | Error> => {
    try {
      return await one(item);
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e));
    }
  };
  const results: (string | null | Error)[] = new Array<string | null | Error>(items.length).fill(null);
  const seen = new Set<string>();
  const first: number[] = [];
  const repeats: number[] = [];
  items.forEach((item, i) => {
    const k = sheetKey(rowOf(item));
    (seen.has(k) ? repeats : first).push(i);
    seen.add(k);
  });
  try {
    const ids = await many(first.map((i) => items[i]!));
    first.forEach((i, j) => (results[i] = ids[j] ?? null));
  } catch {
    for (const i of first) results[i] = await single(items[i]!);
  }
  for (const i of repeats) results[i] = await single(items[i]!);
  return results;
}

/** Concurrent submissions without a warning share one INSERT (writeSheets). */
function responseBatcher(deps: Deps): Batcher<SheetRow, string | null> {
  const { db } = deps;
  const store = async (list: SheetRow[]) => {
    const stored = new Map((await insertResponses(db, await sealRows(deps.config, list))).map((r) => [sheetKey(r), r.id]));
    return list.map((r) => stored.get(sheetKey(r)) ?? null);
  };
  return batcherFor(db, 'screening-responses', () => new Batcher<SheetRow, string | null>(
    (items) => writeSheets(items, (r) => r, store, async (r) => (await store([r]))[0] ?? null),
    { concurrency: 3, maxBatch: 200 },
  ));
}

interface AlertInput {
  regionId: number;
  campaignId: string;
  studentId: string;
  schoolId: number;
  classId: number;
  orgPath: string;
  alert: NonNullable<ReturnType<typeof screeningAlert>>;
  now: Date;
}

/** A response with a critical item and its warning (criticalBatcher). */
interface CriticalSheet {
  row: SheetRow;
  alert: AlertInput;
}

/** A stored response's signal to the warning network, the same whether raised with it or from the queue. */
const screeningSignal = (a: AlertInput, responseId: string): SignalInput => ({
  regionId: a.regionId,
  studentId: a.studentId,
  schoolId: a.schoolId,
  classId: a.classId,
  orgPath: a.orgPath,
  source: 'screening',
  sourceRef: responseId,
  level: a.alert.level,
  critical: a.alert.critical,
  evidence: { campaignId: a.campaignId, responseId, ...a.alert.evidence },
  now: a.now,
});

/**
 * Stores responses with a critical item with their warnings, in the caller's transaction: the
 * responses and the students' re-check follow-ups for the campaign at the highest level any
 * instrument raised (one statement, insertResponses), then each stored one's signal to the warning
 * network (`raiseAlerts`: stored once per response, joining the student's open alert if there is
 * one; a critical item tells the school's counselors and leaders at once, warning/service.ts decides
 * who hears what). Returns the stored response's id per item, or null when nothing was stored.
 */
async function storeCritical(tx: Db, deps: Deps, list: CriticalSheet[], batch: SealedBatch): Promise<(string | null)[]> {
  const stored = new Map((await insertResponses(tx, batch)).map((r) => [sheetKey(r), r.id]));
  const ids = list.map((w) => stored.get(sheetKey(w.row)) ?? null);
  const raised = list.flatMap((w, i) => (ids[i] ? [screeningSignal(w.alert, ids[i])] : []));
  if (raised.length) await raiseAlerts(tx, deps, raised);
  return ids;
}

/**
 * Concurrent submissions with a critical item share one transaction (storeCritical; writeSheets):
 * one by one, each was a dozen statements one after the other.
 */
function criticalBatcher(deps: Deps): Batcher<CriticalSheet, string | null> {
  const store = async (list: CriticalSheet[]) => {
    // sealed before the transaction: it holds a connection and the students' alerts meanwhile
    const batch = await sealRows(deps.config, list.map((w) => w.row));
    return deps.db.transaction((tx) => storeCritical(tx, deps, list, batch));
  };
  return batcherFor(deps.db, 'screening-critical', () => new Batcher<CriticalSheet, string | null>(
    (items) => writeSheets(items, (w) => w.row, store, async (w) => (await store([w]))[0] ?? null),
    { concurrency: 2, maxBatch: 100 },
  ));
}

// --- class code sign-in for shared computer-room PCs ----------------------------------------------

/**
 * Signs a student in with the class code shown by the teacher, their 学籍号 and name. The code
 * only works while its campaign is open; a student without an account gets one (no usable
 * password: it can only be entered this way). Failures count towards the code's lockout.
 */
export async function classCodeLogin(deps: Deps, body: z.infer<typeof contracts.ClassCodeLoginBody>, ctx: { ip: string; userAgent: string | undefined }): Promise<{ token: string; accountId: string }> {
  const { db, config } = deps;
  const now = deps.clock();
  const throttleKey = `class-code:${body.classCode}:${body.studentNo}`;
  const throttle = (await db.select().from(loginThrottle).where(eq(loginThrottle.login, throttleKey)))[0];
  if (throttle?.lockedUntil && throttle.lockedUntil > now) throw new AppError(401, 'locked', `尝试次数过多，请 ${config.lockoutMinutes} 分钟后再试，或请老师帮助`);
  const today = cstToday(now);
  const found = await rows<{ id: string; name: string; region_id: number; org_path: string }>(db, sql`
    select s.id, s.name, s.region_id, s.org_path from campaign_releases r
    join campaigns k on k.id = r.campaign_id and k.status = 'published' and k.window_start <= ${today} and k.window_end >= ${today}
    join students s on s.class_id = r.class_id and s.student_no = ${body.studentNo} and s.status = 'active'
    where r.class_code = ${body.classCode}`);
  const student = found[0];
  if (!student || student.name !== body.name) {
    const failures = (throttle && (!throttle.lockedUntil || throttle.lockedUntil <= now) ? throttle.failures : 0) + 1;
    const lockedUntil = failures >= config.lockoutFailures ? new Date(now.getTime() + config.lockoutMinutes * 60000) : null;
    await db.insert(loginThrottle).values({ login: throttleKey, failures: lockedUntil ? 0 : failures, lockedUntil, updatedAt: now })
      .onConflictDoUpdate({ target: loginThrottle.login, set: { failures: lockedUntil ? 0 : failures, lockedUntil, updatedAt: now } });
    await appendAudit(db, { action: 'auth.class_code', outcome: 'failed', ip: ctx.ip, detail: { classCode: body.classCode, studentNo: body.studentNo.slice(0, 30) } }, now);
    throw new AppError(401, 'invalid_credentials', '班级码、学籍号或姓名不正确');
  }
  await db.delete(loginThrottle).where(eq(loginThrottle.login, throttleKey));
  const accountId = await db.transaction(async (tx) => {
    const existing = await tx.select({ id: accounts.id, disabled: accounts.disabled }).from(accounts).where(eq(accounts.studentId, student.id));
    if (existing[0]) {
      if (existing[0].disabled) throw new AppError(401, 'invalid_credentials', '班级码、学籍号或姓名不正确');
      return existing[0].id;
    }
    // nobody knows this password: the account signs in only by class code until the school sets one
    const [created] = await tx
      .insert(accounts)
      .values({ regionId: student.region_id, username: `stu-${body.studentNo.toLowerCase()}`, studentNo: body.studentNo, displayName: student.name, passwordHash: await hashPassword(crypto.randomUUID() + crypto.randomUUID()), studentId: student.id, createdAt: now })
      .onConflictDoNothing()
      .returning({ id: accounts.id });
    const id = created?.id ?? (await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.studentId, student.id)))[0]?.id;
    if (!id) throw conflict('账号冲突，请联系老师');
    if (created) await tx.insert(roleAssignments).values({ regionId: student.region_id, accountId: id, role: 'student', studentId: student.id, createdAt: now });
    return id;
  });
  // a computer-room session is short: the next student sits down within the hour
  const token = await openSession(deps, accountId, ctx, 2);
  await appendAudit(db, { actorId: accountId, actorName: student.name, action: 'auth.class_code', objectType: 'account', objectId: accountId, ip: ctx.ip, orgPath: student.org_path }, now);
  return { token, accountId };
}


/**
 * Raises the queued signals of submissions with a warning but no critical item
 * (screening_warning_queue), in bulk: each recomputed from its response's stored score, as the
 * submit would have raised it (screeningSignal), and exactly once (its queue entry is removed in the
 * transaction that stores the signal, and a signal's source ref is unique). Runs as a scheduled job
 * under an advisory lock, twice a second.
 */
export async function raiseQueuedWarnings(deps: Pick<Deps, 'config'>, tx: Db, limit = 500): Promise<number> {
  const list = await rows<{ response_id: string; org_path: string; region_id: number; campaign_id: string; student_id: string; instrument_key: string; school_id: number; class_id: number; submitted_at: Date | string; score: string | null }>(tx, sql`
    with taken as (
      delete from screening_warning_queue where id in (select id from screening_warning_queue order by id limit ${limit} for update skip locked)
      returning *
    )
    select t.response_id, t.org_path, r.region_id, r.campaign_id, r.student_id, r.instrument_key, r.school_id, r.class_id, r.submitted_at, r.score
    from taken t join screening_responses r on r.id = t.response_id order by t.id`);
  const sealer = sealerFor(deps.config);
  const signals = list.flatMap((r) => {
    if (!r.score) return [];
    const alert = screeningAlert(openScore(sealer, { campaignId: r.campaign_id, studentId: r.student_id, instrumentKey: r.instrument_key }, r.score));
    if (!alert) return [];
    const input: AlertInput = {
      regionId: r.region_id, campaignId: r.campaign_id, studentId: r.student_id, schoolId: r.school_id, classId: r.class_id, orgPath: r.org_path,
      alert, now: new Date(r.submitted_at),
    };
    return [screeningSignal(input, r.response_id)];
  });
  if (signals.length) await raiseAlerts(tx, deps, signals);
  return list.length;
}

/**
 * Appends the audit rows of submissions in batches, off the answering hot path: every submission
 * is audited exactly once (its queue entry is removed in the same transaction as its audit row is
 * appended), a few seconds after it is stored. Runs as a scheduled job under an advisory lock.
 */
export async function auditSubmissions(deps: Pick<Deps, 'clock'>, tx: Db, limit = 5000): Promise<number> {
  // in queue order by the primary key: an index scan, which also skips entries earlier runs removed
  const list = await rows<{ response_id: string; student_id: string; campaign_id: string; instrument_key: string; submitted_at: Date | string; org_path: string; actor_id: string | null; actor_name: string | null }>(tx, sql`
    with taken as (
      delete from screening_audit_queue where id in (select id from screening_audit_queue order by id limit ${limit} for update skip locked)
      returning *
    )
    select * from taken order by id`);
  if (!list.length) return 0;
  await appendAudit(tx, list.map((r) => ({
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: 'screening.submit',
    objectType: 'student',
    objectId: r.student_id,
    orgPath: r.org_path,
    detail: { responseId: r.response_id, campaignId: r.campaign_id, instrument: r.instrument_key, submittedAt: new Date(r.submitted_at).toISOString() },
  })), deps.clock());
  return list.length;
}
