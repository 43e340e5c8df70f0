import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/client.js';
import type { Deps } from '../http/context.js';
import { sendAppointmentReminders } from '../modules/counseling/reminders.js';
import { escalateOverdueReferrals } from '../modules/crisis/escalation.js';
import { clearExpiredImportCredentials } from '../modules/org/import.js';
import { disableStaleAccounts } from '../modules/auth/service.js';
import { deliverOutbox } from '../modules/notify/service.js';
import { refreshDashboardCache } from '../modules/supervision/dashboard-cache.js';
import { auditSubmissions, raiseQueuedWarnings } from '../modules/screening/answering.js';
import { sendScheduledReminders } from '../modules/screening/reminders.js';
import { escalateAlerts } from '../modules/warning/service.js';

/**
 * Runs `fn` only if no other server holds the job's advisory lock (taken for the transaction, so it
 * is released however the job ends). Returns false when another server is running it.
 */
export async function runExclusive(db: Db, lockKey: number, fn: (tx: Db) => Promise<void>): Promise<boolean> {
  return db.transaction(async (tx) => {
    const got = await rows<{ ok: boolean }>(tx, sql`select pg_try_advisory_xact_lock(${lockKey}) as ok`);
    if (!got[0]?.ok) return false;
    // the job works in this transaction (embedded PGlite has one connection: a second would wait forever)
    await fn(tx);
    return true;
  });
}

export const JOBS: { name: string; lockKey: number; everyMs: number; run: (deps: Deps, tx: Db) => Promise<unknown> }[] = [
  { name: 'outbox delivery', lockKey: 7318101, everyMs: 10_000, run: (deps, tx) => deliverOutbox(deps, { db: tx }) },
  // often and in small runs: a run's hashing holds the event loop, so thousands of rows at once
  // stalled every request in flight (up to 4,000/s drained)
  { name: 'audit of screening submissions', lockKey: 7318102, everyMs: 500, run: (deps, tx) => auditSubmissions(deps, tx, 2000) },
  // a screening warning without a critical item reaches the warning lists within a second or so (a
  // few seconds when a long job such as the dashboard figures runs first: the jobs run one at a time)
  { name: 'screening warnings', lockKey: 7318110, everyMs: 500, run: (deps, tx) => raiseQueuedWarnings(deps, tx) },
  { name: 'screening reminders', lockKey: 7318103, everyMs: 15 * 60_000, run: (deps, tx) => sendScheduledReminders(deps, tx) },
  // overdue alerts climb a tier within a minute of their deadline
  { name: 'alert escalation', lockKey: 7318104, everyMs: 60_000, run: (deps, tx) => escalateAlerts(deps, tx) },
  // the day-before reminder of each appointment, sent once
  { name: 'appointment reminders', lockKey: 7318105, everyMs: 15 * 60_000, run: (deps, tx) => sendAppointmentReminders({ ...deps, db: tx }) },
  // a referral not accepted by its deadline is escalated to the school and the district within a minute
  { name: 'referral escalation', lockKey: 7318106, everyMs: 60_000, run: (deps, tx) => escalateOverdueReferrals({ ...deps, db: tx }) },
  // the supervision dashboard's cached metric figures, stalest first, about two seconds a run
  { name: 'dashboard figures', lockKey: 7318107, everyMs: 60_000, run: (deps, tx) => refreshDashboardCache({ ...deps, db: tx }, 2000) },
  // 等保: accounts of students who left, and (XINYU_STALE_ACCOUNT_DAYS) accounts unused too long, are disabled
  { name: 'stale accounts', lockKey: 7318108, everyMs: 6 * 3600_000, run: (deps, tx) => disableStaleAccounts(deps, tx) },
  // the sealed one-time passwords of staff accounts an import created, once their hour has passed
  // (also cleared when a job is read after it), for imports nobody looks at again
  { name: 'expired import passwords', lockKey: 7318109, everyMs: 10 * 60_000, run: (deps, tx) => clearExpiredImportCredentials(tx, deps.clock()) },
];

/** Starts the scheduled jobs; the returned function stops them and waits for a running one. */
export function startJobs(deps: Deps, log: (msg: string, err?: unknown) => void): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const timers = JOBS.map((job) =>
    setInterval(() => {
      running = running
        .then(() => runExclusive(deps.db, job.lockKey, async (tx) => void (await job.run(deps, tx))))
        .catch((e: unknown) => log(`job ${job.name} failed`, e));
    }, job.everyMs),
  );
  return async () => {
    for (const t of timers) clearInterval(t);
    await running;
  };
}
