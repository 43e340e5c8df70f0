// Durability under faults (issue 7 part 3), on a PostgreSQL server of its own (fsync on) that it
// stops: the real server as a child process, about 1,000 concurrent keep-alive clients writing
// through HTTP with client-generated idempotency keys — students submitting screening sheets (PHQ-9
// with a critical item for some, GAD-7), counselors reporting students (alerts), writing counseling
// records (sealed notes) and recording lessons — and in each trial one fault at a random moment:
//   kill -9 of the server (then a new process), an immediate stop of PostgreSQL (then a start: crash
//   recovery; the server is not restarted), SIGTERM (graceful shutdown; then a new process).
// Clients retry with the same bytes until acknowledged. Then, against the database: every
// acknowledged write stored exactly once, no write stored twice, every alert that notifies has
// exactly one outbox event, the loopback webhook receiver saw every event id, one audit row per write.
import { randomBytes, randomUUID } from 'node:crypto';
import { BUILTIN_INSTRUMENTS } from '@xinyu/core';
import { startTempPostgres, type TempPostgres } from '../../packages/server/src/db/temp-postgres.js';
import { cstToday } from '../../packages/server/src/modules/screening/campaigns.js';
import { rng } from '../../packages/server/src/seed/names.js';
import { publishCampaign, setupCity, type City } from '../lib/city.js';
import { sleep, WriteLoad, type Attempt, type Write, type WriteResult } from '../lib/load.js';
import { AppProcess } from '../lib/server-process.js';
import { startWebhookReceiver, type WebhookReceiver } from '../lib/webhook-receiver.js';
import type { AssureCheck, AssureContext, Figure } from '../types.js';

type Fault = 'kill' | 'pg-stop' | 'sigterm';
const INSTRUMENTS = ['phq-9', 'gad-7'].map((k) => BUILTIN_INSTRUMENTS[k]!);
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

interface TrialReport {
  fault: Fault;
  writes: number;
  faultAtAck: number;
  ms: number;
  /** kill: SIGKILL → new process ready (/readyz 200); pg-stop: PostgreSQL up again → /readyz 200 */
  recoveryMs: number;
  /** kill: SIGKILL → the first write acknowledged by the new process; pg-stop: PostgreSQL up → the first write acknowledged */
  servingMs?: number;
  /** pg-stop: PostgreSQL stopped → /readyz 200 again; the server process kept its pid */
  outageMs?: number;
  samePid?: boolean;
  sigterm?: SigtermReport;
}

interface SigtermReport {
  /** requests sent and not yet answered at the signal */
  inFlight: number;
  finished: number;
  inFlight503: number;
  /** of the in-flight requests, the connection closed without an answer: the server had not read them (nothing of theirs was stored by the stopping process) … */
  inFlightUnread: number;
  /** … or it had, and stored the write, but the answer was lost (must be 0) */
  inFlightLost: number;
  /** requests sent after the signal, until the process ended */
  /** answered 200: read before the server began to close */
  afterOk: number;
  after503: number;
  afterRefused: number;
  /** reset or closed without an answer (on a keep-alive connection closed as idle) */
  afterReset: number;
  afterOther: number;
  /** error codes of the requests without an answer */
  codes: Record<string, number>;
  exitMs: number;
  exitCode: number | null;
}

/** When each write was stored (the server's clock), by key. */
async function storedAt(city: City, writes: Write[]): Promise<Map<string, number>> {
  const keys = (kind: string) => writes.filter((w) => w.kind === kind).map((w) => w.key);
  const found = await city.pool.query<{ key: string; at: Date }>(
    `select client_id::text as key, submitted_at as at from screening_responses where client_id = any($1::uuid[])
     union all select source_ref, at from alert_signals where source = 'counselor' and source_ref = any($2::text[])
     union all select client_id::text, created_at from counseling_sessions where client_id = any($3::uuid[])
     union all select client_id::text, created_at from education_lessons where client_id = any($4::uuid[])`,
    [keys('screening'), keys('alert'), keys('session'), keys('lesson')],
  );
  return new Map(found.rows.map((r) => [r.key, r.at.getTime()]));
}

/** The writes of one trial, one queue per client. */
function trialWrites(city: City, trial: number, campaignId: string, r: () => number, used: { critical: Set<string>; raised: Set<string> }, criticalPerTrial: number, lessonDay: (classId: number) => string): Write[][] {
  const today = cstToday(new Date());
  const startedAt = new Date(Date.now() - 5 * 60_000).toISOString();
  const queues: Write[][] = [];
  // students: PHQ-9 then GAD-7; a few (not critical before) answer item 9 of PHQ-9 above 0
  const fresh = city.students.filter((s) => !used.critical.has(s.studentId));
  const critical = new Set<string>();
  while (critical.size < Math.min(criticalPerTrial, fresh.length)) critical.add(fresh[Math.floor(r() * fresh.length)]!.studentId);
  for (const s of city.students) {
    const isCritical = critical.has(s.studentId);
    if (isCritical) used.critical.add(s.studentId);
    queues.push(INSTRUMENTS.map((def) => {
      const clientId = randomUUID();
      // every required item at its lowest option (no warning from the bands); item 9 of PHQ-9 at "several days" for the critical ones
      const answers = Object.fromEntries(def.items.filter((item) => item.required !== false).map((item) => [item.id, item.id === 'phq9_9' && isCritical ? '1' : item.options[0]!.value]));
      return {
        kind: 'screening', key: clientId, path: `/api/v1/my/screenings/${campaignId}/${def.id}/submit`, headers: s.headers,
        body: JSON.stringify({ clientId, answers, startedAt }),
        meta: { trial, studentId: s.studentId, campaignId, instrument: def.id, critical: isCritical && def.id === 'phq-9' },
      };
    }));
  }
  // counselors: the first of each school reports a student (a new alert), every one writes a counseling record and records a lesson
  for (const school of city.schools) {
    school.writers.forEach((w, wi) => {
      const q: Write[] = [];
      const other = () => school.others[Math.floor(r() * school.others.length)]!;
      if (wi === 0) {
        const target = school.others.find((id) => !used.raised.has(id));
        if (!target) throw new Error(`school ${school.schoolId} has no student left to report`);
        used.raised.add(target);
        const clientId = randomUUID();
        q.push({ kind: 'alert', key: clientId, path: '/api/v1/alerts', headers: w.headers, body: JSON.stringify({ studentId: target, level: 'orange', description: '课堂上多次流泪，情绪低落，请心理教师关注。', clientId }), meta: { trial, studentId: target } });
      }
      for (let k = 0; k < 2; k++) {
        const clientId = randomUUID();
        q.push({
          kind: 'session', key: clientId, path: '/api/v1/counseling/sessions', headers: w.headers,
          body: JSON.stringify({ clientId, studentId: other(), kind: 'individual', date: today, durationMinutes: 45, notes: { presentingConcern: '学业压力大，睡眠不好。', assessment: '轻度焦虑情绪', intervention: '放松训练', riskLevel: 'low', nextStep: '两周后复谈' } }),
          meta: { trial },
        });
      }
      // a class has one lesson a day: each writer a class of its own (round robin), on a day without one
      const clientId = randomUUID();
      const classId = school.classes[wi % school.classes.length]!;
      q.push({
        kind: 'lesson', key: clientId, path: '/api/v1/education/lessons', headers: w.headers,
        body: JSON.stringify({ classId, date: lessonDay(classId), topic: '认识情绪，管理压力', clientId }),
        meta: { trial },
      });
      queues.push(q);
    });
  }
  return queues;
}

async function runTrial(ctx: AssureContext, city: City, app: AppProcess, pgServer: TempPostgres, fault: Fault, queues: Write[][], r: () => number): Promise<{ report: TrialReport; results: WriteResult[]; load: WriteLoad }> {
  const total = queues.reduce((n, q) => n + q.length, 0);
  // a random moment: after 10–80 % of the trial's writes are acknowledged
  const faultAtAck = Math.max(1, Math.floor(total * (0.1 + 0.7 * r())));
  let faultDone: Promise<void> = Promise.resolve();
  let afterLoad: () => Promise<void> = async () => undefined;
  const report: TrialReport = { fault, writes: total, faultAtAck, ms: 0, recoveryMs: NaN };
  const t0 = performance.now();
  const load: WriteLoad = new WriteLoad(app.port, queues, (n) => {
    if (n === faultAtAck) faultDone = inject();
  });
  const inject = async () => {
    if (fault === 'kill') {
      const tk = performance.now();
      app.signal('SIGKILL');
      await app.exited();
      // every connection to the killed process is gone with it: the next acknowledgement is the new one's
      const before = load.acked;
      const serving = (async () => {
        while (load.acked === before && load.acked < load.total && performance.now() - tk < 120_000) await sleep(10);
        report.servingMs = performance.now() - tk;
      })();
      await app.restart();
      report.recoveryMs = performance.now() - tk;
      await serving;
    } else if (fault === 'pg-stop') {
      const pid = app.pid;
      const ts = performance.now();
      pgServer.stopImmediate!();
      await sleep(2000);
      pgServer.start!();
      const tu = performance.now();
      const before = load.acked;
      const serving = (async () => {
        while (load.acked === before && load.acked < load.total && performance.now() - tu < 120_000) await sleep(10);
        report.servingMs = performance.now() - tu;
      })();
      while ((await app.readyz()) !== 200) {
        if (performance.now() - tu > 60_000) throw new Error(`the server did not recover from the PostgreSQL stop within 60 s:\n${app.logTail()}`);
        await sleep(50);
      }
      report.recoveryMs = performance.now() - tu;
      report.outageMs = performance.now() - ts;
      report.samePid = app.alive && app.pid === pid;
      await serving;
    } else {
      const s: SigtermReport = { inFlight: 0, finished: 0, inFlight503: 0, inFlightUnread: 0, inFlightLost: 0, afterOk: 0, after503: 0, afterRefused: 0, afterReset: 0, afterOther: 0, codes: {}, exitMs: NaN, exitCode: null };
      const outstanding = new Map([...load.inFlight].map(([id, a]) => [id, a.write]));
      s.inFlight = outstanding.size;
      // by attempt: an attempt still open when the process ended is cut, and its error arrives later too
      const cut = new Map<number, Write>();
      let exited = false;
      const tSig = performance.now();
      load.observer = (a: Attempt) => {
        if (a.error) s.codes[a.error] = (s.codes[a.error] ?? 0) + 1;
        if (outstanding.has(a.id)) {
          if (a.status >= 200 && a.status < 300) s.finished++;
          else if (a.status === 503) s.inFlight503++;
          else cut.set(a.id, a.write);
        } else if (a.sentAt >= tSig && !exited) {
          if (a.status >= 200 && a.status < 300) s.afterOk++;
          else if (a.status === 503) s.after503++;
          else if (a.error === 'ECONNREFUSED') s.afterRefused++;
          else if (a.error === 'ECONNRESET' || a.error === 'EPIPE' || a.error === 'connection closed') s.afterReset++;
          else s.afterOther++;
        }
      };
      app.signal('SIGTERM');
      s.exitCode = await app.exited();
      exited = true;
      s.exitMs = performance.now() - tSig;
      const exitWall = Date.now();
      // still unanswered when the process ended: cut off too
      for (const [id, w] of outstanding) if (load.inFlight.has(id)) cut.set(id, w);
      report.sigterm = s;
      const tr = performance.now();
      await app.restart();
      report.recoveryMs = performance.now() - tr;
      // a cut request whose write the stopping process stored lost its answer; one stored later (by the retry) was never read
      afterLoad = async () => {
        const at = await storedAt(city, [...cut.values()]);
        for (const w of cut.values()) {
          if ((at.get(w.key) ?? Infinity) <= exitWall) s.inFlightLost++;
          else s.inFlightUnread++;
        }
      };
    }
  };
  await load.run();
  await faultDone;
  load.observer = null;
  await afterLoad();
  report.ms = performance.now() - t0;
  const notAcked = load.results.filter((x) => x.state !== 'acked');
  ctx.log(`trial (${fault}): ${load.acked.toLocaleString('en')} of ${total.toLocaleString('en')} writes acknowledged in ${secs(report.ms)}, fault after ${faultAtAck} acks, ` +
    `${fault === 'kill' ? `kill → ready ${secs(report.recoveryMs)}, → first write acknowledged ${secs(report.servingMs!)}` : fault === 'pg-stop' ? `PostgreSQL up → /readyz 200 ${secs(report.recoveryMs)}, → first write acknowledged ${secs(report.servingMs!)} (outage ${secs(report.outageMs!)}, same process: ${report.samePid})` : `SIGTERM: ${JSON.stringify(report.sigterm)}`}; ` +
    `${load.retries} retries (${load.networkErrors} network errors, 5xx ${JSON.stringify(Object.fromEntries(load.serverErrors))})${notAcked.length ? `; NOT acknowledged: ${notAcked.length}, e.g. ${notAcked.slice(0, 3).map((x) => `${x.write.kind} ${x.state} ${x.status} ${x.body.slice(0, 120)}`).join(' | ')}` : ''}`);
  return { report, results: load.results, load };
}

async function waitFor(what: string, ctx: AssureContext, limitMs: number, f: () => Promise<number>): Promise<number> {
  const t0 = performance.now();
  let left = await f();
  while (left > 0 && performance.now() - t0 < limitMs) {
    await sleep(500);
    left = await f();
  }
  ctx.log(`${what}: ${left === 0 ? `done after ${secs(performance.now() - t0)}` : `${left} left after ${secs(limitMs)}`}`);
  return left;
}

export const check: AssureCheck = {
  id: 'durability',
  order: 30,
  title: 'Durability: kill -9 of the server, an immediate stop of PostgreSQL and SIGTERM under ~1,000 concurrent writing clients',
  budgetMinutes: 7,
  async run(ctx) {
    const quick = ctx.quick;
    const killTrials = quick ? 1 : 5;
    const seed = Number(process.env.XINYU_ASSURE_SEED ?? Date.now() % 1_000_000);
    const r = rng(seed);
    ctx.log(`random seed ${seed} (XINYU_ASSURE_SEED repeats a run)`);
    const pgServer = await startTempPostgres({ durable: true, log: ctx.log });
    let receiver: WebhookReceiver | null = null;
    let app: AppProcess | null = null;
    let city: City | null = null;
    try {
      city = await setupCity(pgServer, { scale: quick ? 0.1 : 0.3, studentAccounts: quick ? 250 : 850, writersPerSchool: quick ? 2 : 8, log: ctx.log });
      const c = city;
      const q = async <T>(text: string, values: unknown[] = []) => (await c.pool.query(text, values)).rows as T[];
      const n = async (text: string, values: unknown[] = []) => (await q<{ n: number }>(text, values))[0]!.n;
      receiver = await startWebhookReceiver(randomBytes(24).toString('base64url'));
      app = new AppProcess({ databaseUrl: city.serverDbUrl, tmpDir: ctx.tmpDir, env: { XINYU_WEBHOOK_URL: receiver.url, XINYU_WEBHOOK_SECRET: receiver.secret } });
      await app.start();
      const baseOutbox = await n(`select coalesce(max(id), 0)::int as n from outbox`);
      const auditBase = new Map((await q<{ action: string; n: number }>(`select action, count(*)::int as n from audit_log group by action`)).map((x) => [x.action, x.n]));

      // the days on which a class has no lesson yet (the demo city has recorded some), counting back from yesterday
      const taken = new Set((await q<{ k: string }>(`select class_id || '|' || date::text as k from education_lessons`)).map((x) => x.k));
      const today = Date.parse(`${cstToday(new Date())}T00:00:00Z`);
      const lessonDay = (classId: number) => {
        for (let d = 1; ; d++) {
          const day = new Date(today - d * 86400_000).toISOString().slice(0, 10);
          if (!taken.has(`${classId}|${day}`)) {
            taken.add(`${classId}|${day}`);
            return day;
          }
        }
      };
      const faults: Fault[] = [...Array.from({ length: killTrials }, () => 'kill' as const), 'pg-stop', 'sigterm'];
      const used = { critical: new Set<string>(), raised: new Set<string>() };
      const reports: TrialReport[] = [];
      const results: WriteResult[] = [];
      const campaigns: string[] = [];
      let clients = 0;
      for (const [i, fault] of faults.entries()) {
        const campaignId = await publishCampaign(city, `2026 年秋季学期心理健康测评（第 ${i + 1} 轮）`, INSTRUMENTS.map((d) => ({ key: d.id, version: d.version })));
        campaigns.push(campaignId);
        const queues = trialWrites(city, i, campaignId, r, used, quick ? 8 : 20, lessonDay);
        clients = Math.max(clients, queues.length);
        const t = await runTrial(ctx, city, app, pgServer, fault, queues, r);
        reports.push(t.report);
        results.push(...t.results);
      }

      // --- the jobs catch up: audit rows of submissions, outbox deliveries (every 10 s, 50 a run) ---
      await waitFor('audit job (screening submissions)', ctx, 60_000, () => n(`select count(*)::int as n from screening_audit_queue`));
      const undelivered = await waitFor('outbox delivery to the webhook', ctx, 180_000, () => n(`select count(*)::int as n from outbox where id > $1 and delivered_at is null`, [baseOutbox]));

      // --- every acknowledged write stored exactly once ---
      const acked = results.filter((x) => x.state === 'acked');
      const notAcked = results.filter((x) => x.state !== 'acked');
      const keysOf = (kind: string) => acked.filter((x) => x.write.kind === kind).map((x) => x.write.key);
      const counts = new Map<string, number>();
      const countBy = async (kind: string, text: string) => {
        for (const row of await q<{ key: string; n: number }>(text, [keysOf(kind)])) counts.set(row.key, row.n);
      };
      await countBy('screening', `select k.key::text as key, count(r.id)::int as n from unnest($1::uuid[]) as k(key) left join screening_responses r on r.client_id = k.key and r.status = 'submitted' group by k.key`);
      await countBy('alert', `select k.key as key, count(s.id)::int as n from unnest($1::text[]) as k(key) left join alert_signals s on s.source = 'counselor' and s.source_ref = k.key group by k.key`);
      await countBy('session', `select k.key::text as key, count(s.id)::int as n from unnest($1::uuid[]) as k(key) left join counseling_sessions s on s.client_id = k.key group by k.key`);
      await countBy('lesson', `select k.key::text as key, count(l.id)::int as n from unnest($1::uuid[]) as k(key) left join education_lessons l on l.client_id = k.key group by k.key`);
      // the screening rows also belong to the right sheet
      const wrongSheet = await n(
        `select count(*)::int as n from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[]) as k(key, student, campaign, instrument)
         join screening_responses r on r.client_id = k.key where r.student_id <> k.student or r.campaign_id <> k.campaign or r.instrument_key <> k.instrument`,
        [keysOf('screening'), ...['studentId', 'campaignId', 'instrument'].map((m) => acked.filter((x) => x.write.kind === 'screening').map((x) => x.write.meta[m]))],
      );
      const lostBy = new Map<string, number>();
      const dupBy = new Map<string, number>();
      for (const x of acked) {
        const found = counts.get(x.write.key) ?? 0;
        const label = `${x.write.meta.trial}`;
        if (found === 0) lostBy.set(label, (lostBy.get(label) ?? 0) + 1);
        if (found > 1) dupBy.set(label, (dupBy.get(label) ?? 0) + found - 1);
      }
      const lost = [...lostBy.values()].reduce((a, b) => a + b, 0);
      let duplicated = [...dupBy.values()].reduce((a, b) => a + b, 0);
      // nothing stored twice under another key either: one sheet per student, campaign and instrument;
      // exactly as many rows by the harness's accounts as writes acknowledged
      const writerIds = city.schools.flatMap((s) => s.writers.map((w) => w.accountId));
      const sheetDup = await n(`select count(*)::int as n from (select 1 from screening_responses where campaign_id = any($1::uuid[]) group by campaign_id, student_id, instrument_key having count(*) > 1) d`, [campaigns]);
      const rowsStored = {
        screening: await n(`select count(*)::int as n from screening_responses where campaign_id = any($1::uuid[])`, [campaigns]),
        alert: await n(`select count(*)::int as n from alert_signals where reported_by = any($1::uuid[])`, [writerIds]),
        session: await n(`select count(*)::int as n from counseling_sessions where counselor_account_id = any($1::uuid[])`, [writerIds]),
        lesson: await n(`select count(*)::int as n from education_lessons where created_by = any($1::uuid[])`, [writerIds]),
      };
      const extraRows = Object.entries(rowsStored).reduce((sum, [kind, stored]) => sum + Math.max(0, stored - keysOf(kind).length), 0);
      duplicated += sheetDup + extraRows;
      const replayed = acked.filter((x) => /"duplicate":true/.test(x.body)).length;

      // --- every alert that notifies has exactly one outbox event; the receiver saw each ---
      const criticalKeys = acked.filter((x) => x.write.meta.critical === true).map((x) => x.write.key);
      const expectedAlerts = [
        ...(await q<{ alert_id: string }>(`select s.alert_id from screening_responses r join alert_signals s on s.source = 'screening' and s.source_ref = r.id::text where r.client_id = any($1::uuid[])`, [criticalKeys])),
        ...(await q<{ alert_id: string }>(`select alert_id from alert_signals where source = 'counselor' and source_ref = any($1::text[])`, [keysOf('alert')])),
      ].map((x) => x.alert_id);
      const expectedSet = new Set(expectedAlerts);
      const events = new Map((await q<{ id: string; n: number }>(`select payload->>'objectId' as id, count(*)::int as n from outbox where id > $1 and payload->>'objectType' = 'alert' group by 1`, [baseOutbox])).map((x) => [x.id, x.n]));
      const perAlert = expectedAlerts.map((id) => events.get(id) ?? 0);
      const alertsWithOne = perAlert.filter((v) => v === 1).length;
      const strayEvents = [...events.keys()].filter((id) => !expectedSet.has(id)).length;
      const alertsCreated = await n(`select count(*)::int as n from alerts where created_at >= (select min(created_at) from campaigns where id = any($1::uuid[]))`, [campaigns]);
      const inboxDup = await n(`select count(*)::int as n from (select 1 from notifications where object_type = 'alert' group by object_id, account_id, kind having count(*) > 1) d`);
      const outboxIds = (await q<{ id: string }>(`select id::text as id from outbox where id > $1`, [baseOutbox])).map((x) => Number(x.id));
      const unseen = outboxIds.filter((id) => !receiver!.seen.has(id)).length;
      const deliveries = [...receiver.seen.values()].reduce((a, b) => a + b, 0);

      // --- one audit row per stored write ---
      const auditNow = new Map((await q<{ action: string; n: number }>(`select action, count(*)::int as n from audit_log group by action`)).map((x) => [x.action, x.n]));
      const audited = (action: string) => (auditNow.get(action) ?? 0) - (auditBase.get(action) ?? 0);
      const auditPairs: [string, string][] = [['screening', 'screening.submit'], ['alert', 'alert.raise'], ['session', 'counseling.session.create'], ['lesson', 'education.lesson.create']];
      const auditOff = auditPairs.filter(([kind, action]) => audited(action) !== keysOf(kind).length);

      const kills = reports.filter((x) => x.fault === 'kill');
      const pgStop = reports.find((x) => x.fault === 'pg-stop')!;
      const term = reports.find((x) => x.fault === 'sigterm')!.sigterm!;
      const byKind = ['screening', 'alert', 'session', 'lesson'].map((k) => `${k} ${keysOf(k).length}`).join(', ');
      ctx.log(`stored: ${JSON.stringify(rowsStored)}; per trial lost ${JSON.stringify(Object.fromEntries(lostBy))} duplicated ${JSON.stringify(Object.fromEntries(dupBy))}; sheets twice ${sheetDup}; wrong sheet ${wrongSheet}`);
      ctx.log(`alerts: ${expectedAlerts.length} expected to notify (${criticalKeys.length} critical sheets, ${keysOf('alert').length} reports), ${alertsCreated} created, events per alert ${Math.min(...perAlert)}–${Math.max(...perAlert)}, stray ${strayEvents}; outbox ${outboxIds.length} events, webhook ${deliveries} deliveries of ${receiver.seen.size} ids, ${receiver.rejected} rejected; audit ${auditPairs.map(([k, a]) => `${a} ${audited(a)}/${keysOf(k).length}`).join(', ')}`);
      const maxKill = Math.max(...kills.map((k) => k.recoveryMs));
      const maxServing = Math.max(...kills.map((k) => k.servingMs ?? NaN));
      const ref = 'durability';
      const figures: Figure[] = [
        { label: 'fault trials (kill -9 of the server / immediate stop of PostgreSQL / SIGTERM)', value: `${kills.length} / 1 / 1`, ref },
        { label: 'concurrent clients (keep-alive, idempotency keys)', value: clients, ref },
        { label: 'writes acknowledged', value: `${acked.length} (${byKind})`, ref },
        { label: 'writes never acknowledged (4xx or still failing)', value: notAcked.length, target: '0', ok: notAcked.length === 0, ref },
        { label: 'acknowledged writes lost', value: lost + wrongSheet, target: '0', ok: lost + wrongSheet === 0, ref },
        { label: 'writes stored twice', value: duplicated, target: '0', ok: duplicated === 0, ref },
        { label: 'retries answered "already stored" (committed, answer lost in the fault)', value: replayed, ref },
        { label: 'kill -9 → new process ready / first write acknowledged (max, under the clients\' retries)', value: `${secs(maxKill)} / ${secs(maxServing)}`, ref },
        { label: 'alerts raised (critical screening items + reports)', value: expectedAlerts.length, target: `= ${criticalKeys.length + keysOf('alert').length} written, ${alertsCreated} created`, ok: expectedSet.size === criticalKeys.length + keysOf('alert').length && alertsCreated === expectedSet.size, ref },
        { label: 'outbox events per alert (exactly once: one event row, committed with the alert)', value: perAlert.length ? `${Math.min(...perAlert)}–${Math.max(...perAlert)}` : 'none', target: '1–1', ok: perAlert.length > 0 && alertsWithOne === perAlert.length && strayEvents === 0, ref },
        { label: 'inbox messages repeated for an alert and recipient', value: inboxDup, target: '0', ok: inboxDup === 0, ref },
        { label: 'event ids not seen by the webhook receiver (signed; at-least-once, deduped by id)', value: unseen + undelivered, target: '0', ok: unseen + undelivered === 0 && receiver.rejected === 0 && outboxIds.length === expectedAlerts.length, ref },
        { label: 'webhook deliveries / distinct event ids (repeats are redeliveries after a fault)', value: `${deliveries} / ${receiver.seen.size}`, ref },
        { label: 'audit rows per stored write', value: auditOff.length ? `off for ${auditOff.map(([k]) => k).join(', ')}` : 'exactly 1', target: 'exactly 1', ok: auditOff.length === 0, ref },
        { label: 'PostgreSQL immediate stop: back up → first write acknowledged / /readyz 200 (same server process)', value: `${secs(pgStop.servingMs!)} / ${secs(pgStop.recoveryMs)} (outage ${secs(pgStop.outageMs!)})`, target: 'recovers without restart', ok: pgStop.samePid === true && Number.isFinite(pgStop.recoveryMs), ref },
        { label: 'SIGTERM: requests in flight at the signal: answered 200 / 503 / closed unread', value: `${term.inFlight}: ${term.finished} / ${term.inFlight503} / ${term.inFlightUnread}`, ref: 'shutdown' },
        { label: 'SIGTERM: requests the stopping server processed whose answer was lost', value: term.inFlightLost, target: '0 (every request it took finished)', ok: term.inFlightLost === 0 && term.finished + term.inFlight503 + term.inFlightUnread === term.inFlight, ref: 'shutdown' },
        { label: 'SIGTERM: later requests: 200 (read before closing began) / 503 / connection refused / reset unread / other', value: `${term.afterOk} / ${term.after503} / ${term.afterRefused} / ${term.afterReset} / ${term.afterOther}`, target: 'no other', ok: term.afterOther === 0, ref: 'shutdown' },
        { label: 'SIGTERM: exit time (exit code)', value: `${secs(term.exitMs)} (${term.exitCode})`, target: '< 10 s, 0', ok: term.exitMs < 10_000 && term.exitCode === 0, ref: 'shutdown' },
      ];
      return figures;
    } finally {
      await app?.stop();
      await receiver?.close();
      await city?.close();
      await pgServer.stop();
    }
  },
};
