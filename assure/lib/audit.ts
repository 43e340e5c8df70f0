// The audit harness shared by `assure/checks/50-audit.ts` (a million rows, real PostgreSQL) and the
// fast subset in packages/server/src/modules/audit/assure.test.ts (a few thousand rows, both engines).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../packages/server/src/db/client.js';
import { appendAudit, auditHeadOf, canonicalJson, rowHash, verifyAuditChain, type AuditAnchor, type VerifyResult } from '../../packages/server/src/modules/audit/service.js';
import type { AssureApp, Client } from './app.js';
import { one } from './app.js';
import { CRISIS_CARE_SEALED_FIELDS, CRISIS_CARE_SEALED_TABLES, plantCrisisCare, type CrisisCarePlanted } from './sealed-crisis-care.js';

/** Appends `n` rows through the real appendAudit, in batches (hashes computed exactly as the app does). */
export async function fillAuditChain(db: Db, n: number, opts: { batch?: number; start?: Date; log?: (m: string) => void } = {}): Promise<{ rows: number; seconds: number }> {
  const batch = opts.batch ?? 20000;
  const start = (opts.start ?? new Date('2026-01-01T00:00:00Z')).getTime();
  const t0 = performance.now();
  for (let done = 0; done < n; ) {
    const size = Math.min(batch, n - done);
    const entries = Array.from({ length: size }, (_, j) => {
      const i = done + j;
      return {
        actorId: randomUUID(), actorName: `教师${i % 997}`, action: ['student.sensitive.read', 'counseling.session.read', 'alert.read', 'crisis.case.read'][i % 4]!,
        objectType: 'student', objectId: randomUUID(), outcome: 'ok' as const, ip: `10.0.${(i >> 8) & 255}.${i & 255}`, orgPath: `/1/${2 + (i % 7)}/${20 + (i % 60)}/`,
        detail: { n: i, fields: ['circumstances'], note: i % 3 === 0 ? '含"引号"与\\反斜杠' : null },
      };
    });
    await appendAudit(db, entries, new Date(start + done * 100));
    done += size;
    if (opts.log && (done % 200000 === 0 || done === n)) opts.log(`${done.toLocaleString('en')} audit rows appended (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  return { rows: n, seconds: (performance.now() - t0) / 1000 };
}

const copyText = (v: string | null) => (v === null ? '\\N' : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r'));

/**
 * The fast way to a million rows: the same entries, hashed by the app's own rowHash and canonicalJson
 * in this process, streamed into `COPY audit_log FROM STDIN` through psql as the role of `url`
 * (COPY needs only INSERT). The verification that follows is the app's real one.
 */
export async function copyAuditChain(db: Db, url: string, psql: string, n: number, opts: { start?: Date; log?: (m: string) => void } = {}): Promise<{ rows: number; seconds: number }> {
  const head = await one<{ seq: number | null; hash: string | null }>(db, sql`select max(seq)::bigint as seq, (select hash from audit_log order by seq desc limit 1) as hash from audit_log`);
  let seq = Number(head.seq ?? 0);
  let prev = head.hash ?? '0'.repeat(64);
  const start = (opts.start ?? new Date('2026-01-01T00:00:00Z')).getTime();
  const t0 = performance.now();
  const child = spawn(psql, ['--quiet', '--no-psqlrc', '-v', 'ON_ERROR_STOP=1', '-c', '\\copy audit_log (seq, at, actor_id, actor_name, action, object_type, object_id, outcome, ip, org_path, detail, prev_hash, hash) from stdin', url], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`psql \\copy failed (${code}): ${stderr.slice(-1000)}`))));
  });
  const write = (chunk: string) => new Promise<void>((resolve, reject) => {
    if (child.stdin.write(chunk)) resolve();
    else child.stdin.once('drain', resolve).once('error', reject);
  });
  for (let i = 0; i < n; ) {
    let chunk = '';
    for (let j = 0; j < 5000 && i < n; j++, i++) {
      seq += 1;
      const e = {
        seq, at: new Date(start + i * 100).toISOString(), actorId: randomUUID(), actorName: `教师${i % 997}`, action: ['student.sensitive.read', 'counseling.session.read', 'alert.read', 'crisis.case.read'][i % 4]!,
        objectType: 'student', objectId: randomUUID(), outcome: 'ok', ip: `10.0.${(i >> 8) & 255}.${i & 255}`, orgPath: `/1/${2 + (i % 7)}/${20 + (i % 60)}/`,
        detail: JSON.parse(canonicalJson({ n: i, fields: ['circumstances'], note: i % 3 === 0 ? '含"引号"与\\反斜杠\t制表' : null })) as unknown,
      };
      const hash = rowHash(prev, e);
      chunk += [String(seq), e.at, e.actorId, e.actorName, e.action, e.objectType, e.objectId, e.outcome, e.ip, e.orgPath, canonicalJson(e.detail), prev, hash].map(copyText).join('\t') + '\n';
      prev = hash;
    }
    await write(chunk);
    if (opts.log && i % 200000 === 0) opts.log(`${i.toLocaleString('en')} audit rows streamed to COPY (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  child.stdin.end();
  await done;
  return { rows: n, seconds: (performance.now() - t0) / 1000 };
}

export async function timedVerify(db: Db, anchor?: AuditAnchor): Promise<VerifyResult & { seconds: number; rowsPerSecond: number }> {
  const t0 = performance.now();
  const r = await verifyAuditChain(db, undefined, anchor);
  const seconds = (performance.now() - t0) / 1000;
  return { ...r, seconds, rowsPerSecond: Math.round(r.rows / seconds) };
}

export interface TamperCase {
  name: string;
  /** the row the verification must name */
  expected: number;
  named: number | null;
  reason: string;
  detected: boolean;
}

interface Row extends Record<string, unknown> {
  seq: number;
}

/**
 * Tampers with the chain in each way an attacker holding the owner role could (switching the
 * trigger off first), runs the real verification, and puts the row back. `owner` must own audit_log.
 * Positions are picked at random in [lo, hi].
 */
export async function tamperCases(owner: Db, pick: () => number, log: (m: string) => void = () => undefined): Promise<TamperCase[]> {
  const results: TamperCase[] = [];
  // the head an operator records outside the database (`audit head`): without it a deleted tail would not show
  const anchor = (await auditHeadOf(owner)) ?? undefined;
  const getRow = async (seq: number) => one<Row>(owner, sql`select * from audit_log where seq = ${seq}`);
  const put = async (r: Row) => {
    await owner.execute(sql`insert into audit_log select * from jsonb_populate_record(null::audit_log, ${JSON.stringify(r)}::jsonb)`);
  };
  const guard = async (on: boolean) => owner.execute(on ? sql`alter table audit_log enable trigger user` : sql`alter table audit_log disable trigger user`);
  const run = async (name: string, expected: number, tamper: () => Promise<void>, restore: () => Promise<void>) => {
    await guard(false);
    try {
      await tamper();
    } finally {
      await guard(true);
    }
    const t0 = performance.now();
    const v = await verifyAuditChain(owner, undefined, anchor);
    const named = v.ok ? null : v.firstBrokenSeq;
    const reason = v.ok ? 'not detected' : v.reason;
    results.push({ name, expected, named, reason, detected: named === expected });
    log(`tamper "${name}" at row ${expected}: ${v.ok ? 'NOT detected' : `detected, names row ${named} (${reason})`} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await guard(false);
    try {
      await restore();
    } finally {
      await guard(true);
    }
  };
  const max = async () => Number((await one<{ m: number }>(owner, sql`select max(seq)::bigint as m from audit_log`)).m);

  // 1. edit one row's content (its stored hash left as it was)
  {
    const k = pick();
    const before = await getRow(k);
    await run('edit a row', k,
      async () => void (await owner.execute(sql`update audit_log set detail = jsonb_set(detail, '{tampered}', 'true'), actor_name = '某人' where seq = ${k}`)),
      async () => {
        await owner.execute(sql`delete from audit_log where seq = ${k}`);
        await put(before);
      });
  }
  // 2. delete one row
  {
    const k = pick();
    const before = await getRow(k);
    await run('delete a row', k, async () => void (await owner.execute(sql`delete from audit_log where seq = ${k}`)), () => put(before));
  }
  // 3. insert a forged row between two real ones: the rows after it move up one place (near the
  // head, so that the renumbering stays cheap; the verification still walks the chain from row 1)
  {
    const m = await max();
    const k = m - 1 - Math.floor(Math.random() * Math.min(500, m - 2));
    const forged = { ...(await getRow(k)), action: 'auth.login', actor_name: '伪造', detail: { forged: true } };
    await run('insert a forged row', k,
      async () => {
        await owner.execute(sql`update audit_log set seq = -seq - 1 where seq >= ${k}`);
        await owner.execute(sql`update audit_log set seq = -seq where seq < 0`);
        await put({ ...forged, seq: k });
      },
      async () => {
        await owner.execute(sql`delete from audit_log where seq = ${k}`);
        await owner.execute(sql`update audit_log set seq = -seq where seq > ${k}`);
        await owner.execute(sql`update audit_log set seq = -seq - 1 where seq < 0`);
      });
  }
  // 4. swap two neighbouring rows (reorder)
  {
    const k = pick();
    const swap = async () => {
      await owner.execute(sql`update audit_log set seq = -1 where seq = ${k}`);
      await owner.execute(sql`update audit_log set seq = ${k} where seq = ${k + 1}`);
      await owner.execute(sql`update audit_log set seq = ${k + 1} where seq = -1`);
    };
    await run('reorder two rows', k, swap, swap);
  }
  // 5. append a forged row at the end (a made-up hash)
  {
    const m = await max();
    const last = await getRow(m);
    await run('append a forged row', m + 1,
      () => put({ ...last, seq: m + 1, prev_hash: last.hash, hash: (last.hash as string).replace(/^./, (c) => (c === '0' ? '1' : '0')), action: 'auth.login', detail: {} }),
      async () => void (await owner.execute(sql`delete from audit_log where seq = ${m + 1}`)));
  }
  // 6. delete the newest row (the tail)
  {
    const m = await max();
    const before = await getRow(m);
    await run('delete the last row', m, async () => void (await owner.execute(sql`delete from audit_log where seq = ${m}`)), () => put(before));
  }
  return results;
}

export interface RefusalProbe {
  attempt: string;
  refused: boolean;
  error: string;
}

/** What a role that owns nothing tries against the audit log; every attempt must fail. `db` connects as that role. */
export async function appRoleProbes(db: Db, ownerRole: string): Promise<RefusalProbe[]> {
  const attempts: [string, ReturnType<typeof sql>][] = [
    ['UPDATE a row', sql`update audit_log set action = 'x' where seq = (select min(seq) from audit_log)`],
    ['DELETE a row', sql`delete from audit_log where seq = (select min(seq) from audit_log)`],
    ['TRUNCATE', sql`truncate audit_log`],
    ['ALTER TABLE (add a column)', sql`alter table audit_log add column note text`],
    ['DISABLE the trigger', sql`alter table audit_log disable trigger audit_log_no_update_delete`],
    ['DROP the trigger', sql`drop trigger audit_log_no_update_delete on audit_log`],
    ['replace the trigger function', sql`create or replace function audit_log_refuse_change() returns trigger language plpgsql as $$ begin return new; end $$`],
    ['DROP TABLE', sql`drop table audit_log`],
    ['SET ROLE to the owner', sql`set role ${sql.identifier(ownerRole)}`],
  ];
  const out: RefusalProbe[] = [];
  for (const [attempt, q] of attempts) {
    try {
      await db.transaction(async (tx) => {
        await tx.execute(q);
      });
      out.push({ attempt, refused: false, error: '' });
    } catch (e) {
      const err = e as { message?: string; cause?: { message?: string; code?: string } };
      const message = err.cause?.message ?? err.message ?? String(e);
      // refused by privileges (42501 permission denied / must be owner), not by the trigger
      out.push({ attempt, refused: /permission denied|must be owner|must be a member/i.test(message), error: message.split('\n')[0]!.slice(0, 120) });
    }
  }
  return out;
}

/** Max audit seq now. */
export async function auditHead(db: Db): Promise<number> {
  return Number((await one<{ m: number | null }>(db, sql`select coalesce(max(seq), 0)::bigint as m from audit_log`)).m);
}

/** Fields sealed at rest whose canaries `sensitiveReads` plants (the others it plants are not sealed yet). */
export const SEALED_FIELDS = [
  'counseling_sessions.notes', 'hotline_calls.summary', 'crisis_cases.summary', 'alerts (description)',
  'mailbox_threads.subject', 'mailbox_messages.body', 'appointments.topic', 'sweep_entries.note', 'staff_sweep_reviews.note',
  ...CRISIS_CARE_SEALED_FIELDS,
];

/** The tables that hold a sealed field's text (or a copy of it): a canary must be in none of their rows. */
export const SEALED_TABLES = [
  'counseling_sessions', 'counseling_session_versions', 'hotline_calls', 'crisis_cases', 'crisis_events', 'alerts', 'alert_signals',
  'mailbox_threads', 'mailbox_messages', 'appointments', 'sweep_entries', 'staff_sweep_reviews', 'notifications', 'audit_log',
  ...CRISIS_CARE_SEALED_TABLES,
];

export interface ReadsResult {
  reads: number;
  auditRows: number;
  kinds: string[];
  mismatches: string[];
}

/**
 * Sends `rounds` rounds of sensitive reads of several kinds through HTTP and counts the audit rows
 * they left: each read must leave exactly one row naming its object.
 */
export async function sensitiveReads(a: AssureApp, ids: { student: string; otherStudent: string }, rounds: number, canaryOf: (f: string) => string = (f) => f): Promise<ReadsResult & { planted: Record<string, string>; caseId: string; alertId: string; threadId: string; appointmentId: string; sweepId: string; staffSweepId: string; classId: number; schoolId: number; as: { counselor: Client; head: Client; leader: Client }; crisisCare: CrisisCarePlanted }> {
  const counselor = await a.login('counselor');
  const head = await a.login('head.teacher');
  const leader = await a.login('school.leader');
  const planted: Record<string, string> = {};
  const ok = async (what: string, p: Promise<{ statusCode: number; body: string; json: <T>() => T }>) => {
    const r = await p;
    if (r.statusCode !== 200) throw new Error(`${what}: ${r.statusCode} ${r.body.slice(0, 300)}`);
    return r.json<Record<string, unknown>>();
  };
  planted['counseling_sessions.notes'] = canaryOf('counseling-notes');
  const sessionId = (await ok('record a session', counselor.post('/api/v1/counseling/sessions', {
    clientId: randomUUID(), studentId: ids.student, kind: 'individual', date: '2026-11-24', durationMinutes: 45,
    notes: { presentingConcern: `近两周失眠 ${planted['counseling_sessions.notes']}`, assessment: '情绪低落', intervention: '倾听', riskLevel: 'medium', nextStep: '一周后复谈' },
  }))).id as string;
  planted['hotline_calls.summary'] = canaryOf('hotline-summary');
  const callId = (await ok('log a hotline call', counselor.post('/api/v1/hotline/calls', {
    clientId: randomUUID(), callerKind: 'parent', studentId: ids.student, startedAt: '2026-11-24T12:30:00.000Z', durationMinutes: 20, risk: 'low', summary: `家长反映孩子睡眠差 ${planted['hotline_calls.summary']}`,
  }))).id as string;
  planted['alerts (description)'] = canaryOf('alert-description');
  const alertId = (await ok('raise an alert', head.post('/api/v1/alerts', { studentId: ids.student, level: 'red', description: `课堂上情绪失控 ${planted['alerts (description)']}`, clientId: randomUUID() }))).alertId as string;
  planted['crisis_cases.summary'] = canaryOf('crisis-summary');
  const caseId = (await ok('open a crisis case', counselor.post('/api/v1/crisis/cases', { studentId: ids.otherStudent, riskLevel: 'moderate', summary: `自述有轻生念头 ${planted['crisis_cases.summary']}`, clientId: randomUUID() }))).id as string;
  // a letter to the mailbox (心灵信箱), a walk-in's topic, a head teacher's sweep note, a school leader's staff sweep note
  const student = await a.login('student');
  planted['mailbox_threads.subject'] = canaryOf('mailbox-subject');
  planted['mailbox_messages.body'] = canaryOf('mailbox-letter');
  const threadId = ((await ok('write to the mailbox', student.post('/api/v1/mailbox/threads', {
    clientId: randomUUID(), anonymous: false, subject: `睡不着 ${planted['mailbox_threads.subject']}`, body: `最近总是失眠 ${planted['mailbox_messages.body']}`,
  }))).thread as { id: string }).id;
  const day = (d: number) => new Date(a.deps.clock().getTime() + 8 * 3_600_000 + d * 86_400_000).toISOString().slice(0, 10); // China time
  planted['appointments.topic'] = canaryOf('appointment-topic');
  const appointmentId = (await ok('record a walk-in', counselor.post('/api/v1/counseling/walk-ins', {
    studentId: ids.student, date: day(-1), start: '10:00', end: '10:30', topic: `想聊聊和父母的矛盾 ${planted['appointments.topic']}`, clientId: randomUUID(),
  }))).id as string;
  const where = await one<{ class_id: number; school_id: number }>(a.deps.db, sql`select class_id, school_id from students where id = ${ids.student}`);
  planted['sweep_entries.note'] = canaryOf('sweep-note');
  const sweepId = (await ok('open a sweep', leader.post('/api/v1/sweeps', { ownerUnitId: where.school_id, name: '安全检查排查', term: '本学期', start: day(-1), end: day(10) }))).id as string;
  const sweepClass = await ok('read the sweep class', head.get(`/api/v1/sweeps/${sweepId}/classes/${where.class_id}`));
  await ok('review the class', head.put(`/api/v1/sweeps/${sweepId}/classes/${where.class_id}`, {
    entries: (sweepClass.students as { studentId: string }[]).map((s) => ({ studentId: s.studentId, categories: [], action: 'none', note: s.studentId === ids.student ? `父母离异，近来沉默 ${planted['sweep_entries.note']}` : '' })),
  }));
  planted['staff_sweep_reviews.note'] = canaryOf('staff-sweep-note');
  const staffSweepId = (await ok('open a staff sweep', leader.post('/api/v1/staffcare/sweeps', { ownerUnitId: where.school_id, name: '安全检查教职工排查', term: '本学期', start: day(-1), end: day(10) }))).id as string;
  const group = await ok('read the staff group', leader.get(`/api/v1/staffcare/sweeps/${staffSweepId}/groups/${where.school_id}/staff`));
  const people = group.people as { subjectId: string }[];
  await ok('review the staff', leader.put(`/api/v1/staffcare/sweeps/${staffSweepId}/groups/${where.school_id}/staff`, {
    entries: people.map((p, i) => ({ subjectId: p.subjectId, categories: [], action: 'none', note: i === 0 ? `家中老人住院 ${planted['staff_sweep_reviews.note']}` : '' })),
  }));

  // the crisis case's safety plan, guardian contact, conference and analysis (it is closed), and care free text (sealed-crisis-care.ts)
  const crisisCare = await plantCrisisCare({ counselor, leader }, { caseId, student: ids.otherStudent, schoolId: where.school_id, today: day(0), now: a.deps.clock().toISOString() }, canaryOf);
  Object.assign(planted, crisisCare.planted);

  const reads: { action: string; objectId: string; url: string; as: typeof counselor }[] = [
    { action: 'counseling.session.read', objectId: ids.student, url: `/api/v1/counseling/sessions/${sessionId}/notes`, as: counselor },
    { action: 'hotline.read', objectId: ids.student, url: `/api/v1/hotline/calls/${callId}/summary`, as: counselor },
    { action: 'alert.read', objectId: ids.student, url: `/api/v1/alerts/${alertId}`, as: counselor },
    { action: 'crisis.case.read', objectId: caseId, url: `/api/v1/crisis/cases/${caseId}`, as: counselor },
    { action: 'screening.history.read', objectId: ids.student, url: `/api/v1/students/${ids.student}/screening`, as: counselor },
    { action: 'student.sensitive.read', objectId: ids.student, url: `/api/v1/students/${ids.student}`, as: leader },
  ];
  const before = await auditHead(a.deps.db);
  let sent = 0;
  for (let i = 0; i < rounds; i++) {
    for (const r of reads) {
      await ok(r.action, r.as.get(r.url));
      sent += 1;
    }
  }
  const after = await rows<{ action: string; object_id: string | null }>(a.deps.db, sql`select action, object_id from audit_log where seq > ${before} order by seq`);
  const mismatches: string[] = [];
  after.forEach((row, i) => {
    const want = reads[i % reads.length]!;
    if (row.action !== want.action || row.object_id !== want.objectId) mismatches.push(`row ${i + 1}: ${row.action} ${row.object_id ?? ''} (expected ${want.action} ${want.objectId})`);
  });
  return { reads: sent, auditRows: after.length, kinds: reads.map((r) => r.action), mismatches, planted, caseId, alertId, threadId, appointmentId, sweepId, staffSweepId, classId: where.class_id, schoolId: where.school_id, as: { counselor, head, leader }, crisisCare };
}

/**
 * Retention, by reading the code: every statement of the server (migrations and tests aside) that
 * could delete audit rows. Together with the trigger and the app role's missing DELETE privilege this
 * shows that audit rows are kept for ever (the default; ≥ 186 days as 网络安全法 §21 asks).
 */
export function retentionScan(serverSrc: string): { files: number; deleters: string[] } {
  const deleters: string[] = [];
  let files = 0;
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
        files += 1;
        const text = fs.readFileSync(p, 'utf8');
        if (/delete\s+from\s+"?audit_log|truncate\s+(table\s+)?"?audit_log|\.delete\(\s*auditLog\s*\)|drop\s+table\s+(if\s+exists\s+)?"?audit_log/i.test(text)) deleters.push(path.relative(serverSrc, p));
      }
    }
  };
  walk(serverSrc);
  return { files, deleters };
}
