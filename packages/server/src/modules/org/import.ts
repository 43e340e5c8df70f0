import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import {
  className,
  findHeader,
  gradeName,
  SCHOOL_GRADE_LEVELS,
  STAFF_COLUMNS,
  StaffRosterValidator,
  STUDENT_COLUMNS,
  StudentRosterValidator,
  type Cell,
  type contracts,
  type RowError,
  type SchoolKind,
  type StudentRosterRow,
} from '@xinyu/core';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Deps } from '../../http/context.js';
import { sealerFor } from '../../lib/sealed.js';
import { openJson, sealJson } from '../../lib/sealed-fields.js';
import { appendAudit } from '../audit/service.js';
import { readSheet, type SheetFormat } from './spreadsheet.js';
import { upsertStaff } from './staff.js';
import { dormitories, importJobs, orgUnits } from './tables.js';

type ImportJob = z.infer<typeof contracts.ImportJob>;
type JobRow = typeof importJobs.$inferSelect;
type Unit = typeof orgUnits.$inferSelect;

export interface ImportActor {
  accountId: string | null;
  name: string;
  ip: string | null;
  /** may write family circumstances (是否留守儿童) and guardians at this school */
  mayWriteSensitive: boolean;
  mayWriteGuardians: boolean;
}

const MAX_STORED_ERRORS = 1000;

/** Phase timings on stderr when XINYU_IMPORT_TIMING=1 (the benchmark sets it). */
function phaseTimer() {
  let t = performance.now();
  return (phase: string) => {
    if (process.env.XINYU_IMPORT_TIMING !== '1') return;
    const now = performance.now();
    process.stderr.write(`    [import] ${phase}: ${((now - t) / 1000).toFixed(2)} s\n`);
    t = now;
  };
}
const CHUNK = 5000;

/** A running job's progress is written to its row at most this often (and at each phase end). */
const PROGRESS_EVERY_MS = 1000;
/** How long the importer is shown the one-time passwords of the staff accounts an import created. */
const CREDENTIALS_SHOWN_MS = 3600_000;

type Credential = { name: string; username: string; password: string };

/** The binding of an import's sealed one-time passwords (import_jobs.credentials) to its job. */
export const credentialsAad = (jobId: string) => `import_jobs.credentials:${jobId}`;

/**
 * The job as the API shows it. Everything comes from the row, so a poll answered by any server
 * process sees the same progress. The one-time passwords are shown to the importer only (the
 * account that started the job), until `credentials_until`.
 */
export function toImportJob(deps: Pick<Deps, 'config' | 'clock'>, row: JobRow, actorId: string | null): ImportJob {
  const showCredentials = row.credentials != null && row.actorId != null && row.actorId === actorId && row.credentialsUntil != null && deps.clock() < row.credentialsUntil;
  const credentials = showCredentials ? openJson<Credential[]>(sealerFor(deps.config), row.credentials, credentialsAad(row.id)) : null;
  return {
    id: row.id,
    kind: row.kind,
    schoolId: row.schoolId,
    fileName: row.fileName,
    status: row.status,
    phase: row.phase,
    totalRows: row.totalRows,
    processedRows: row.processedRows,
    created: row.created,
    updated: row.updated,
    unchanged: row.unchanged,
    errorCount: row.errorCount,
    errors: row.errors as RowError[],
    message: row.message,
    ...(credentials ? { credentials } : {}),
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt ? row.finishedAt.toISOString() : null,
  };
}

/** Jobs as the API shows them (toImportJob); the one-time passwords of those past their hour are cleared first. */
export async function presentImportJobs(deps: Deps, jobs: JobRow[], actorId: string | null): Promise<ImportJob[]> {
  const now = deps.clock();
  const expired = jobs.filter((j) => j.credentials != null && !(j.credentialsUntil && now < j.credentialsUntil)).map((j) => j.id);
  if (expired.length) await clearExpiredImportCredentials(deps.db, now, expired);
  return jobs.map((j) => toImportJob(deps, j, actorId));
}

/**
 * Clears the sealed one-time passwords whose hour has passed (of the given jobs, or of every job):
 * on read, and by a scheduled job for those nobody reads again.
 */
export async function clearExpiredImportCredentials(db: Db, now: Date, ids?: string[]): Promise<void> {
  await db
    .update(importJobs)
    .set({ credentials: null, credentialsUntil: null })
    .where(sql`${importJobs.credentials} is not null and (${importJobs.credentialsUntil} is null or ${importJobs.credentialsUntil} <= ${now})${ids ? sql` and ${importJobs.id} = any(${sql.param(ids)}::uuid[])` : sql``}`);
}

export function schoolYearOf(now: Date): number {
  // the school year starts in September; schools prepare its rosters from August (month 7)
  return now.getUTCMonth() >= 7 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
}

class Rejected extends Error {
  constructor(readonly errors: RowError[], message: string) {
    super(message);
  }
}

/**
 * Creates the job row (or returns the existing one for a repeated idempotency key) and runs it.
 * `wait` runs it to the end (CLI, tests); otherwise it continues in the background.
 */
export async function startImport(
  deps: Deps,
  opts: { jobId: string; kind: 'students' | 'staff'; school: Unit; fileName: string; filePath: string; format: SheetFormat; actor: ImportActor; wait?: boolean },
): Promise<JobRow> {
  const existing = await deps.db.select().from(importJobs).where(eq(importJobs.id, opts.jobId));
  if (existing[0]) {
    await fs.promises.rm(opts.filePath, { force: true });
    return existing[0];
  }
  const [job] = await deps.db
    .insert(importJobs)
    .values({ id: opts.jobId, regionId: opts.school.regionId, kind: opts.kind, schoolId: opts.school.id, actorId: opts.actor.accountId, fileName: opts.fileName, status: 'queued', phase: '排队中' })
    .onConflictDoNothing()
    .returning();
  if (!job) return (await deps.db.select().from(importJobs).where(eq(importJobs.id, opts.jobId)))[0]!;
  const run = runImport(deps, job, opts).finally(() => fs.promises.rm(opts.filePath, { force: true }));
  if (opts.wait) await run;
  else run.catch(() => undefined);
  return job;
}

/**
 * A running job's row, the one place its progress is kept (every server process reads it there).
 * `progress` writes the processed rows at most once a second (one UPDATE by primary key) and does
 * not wait for it: the write phase calls it inside its transaction, and embedded PGlite's one
 * connection runs the write only after that transaction. `set` (phase ends) waits for a progress
 * write in flight first, so a late progress write never overwrites a phase end.
 */
export class JobRowWriter {
  private lastAt = -Infinity;
  private inFlight: Promise<void> | null = null;

  constructor(private readonly db: Db, readonly id: string) {}

  progress(processedRows: number): void {
    const now = performance.now();
    if (this.inFlight || now - this.lastAt < PROGRESS_EVERY_MS) return;
    this.lastAt = now;
    this.inFlight = this.db
      .update(importJobs)
      .set({ processedRows })
      .where(eq(importJobs.id, this.id))
      // a lost progress figure is corrected by the next one or the phase end
      .then(() => undefined, () => undefined)
      .finally(() => {
        this.inFlight = null;
      });
  }

  async set(patch: Partial<JobRow>): Promise<void> {
    await this.inFlight;
    await this.db.update(importJobs).set(patch).where(eq(importJobs.id, this.id));
    this.lastAt = performance.now();
  }
}

async function runImport(deps: Deps, job: JobRow, opts: { kind: 'students' | 'staff'; school: Unit; filePath: string; format: SheetFormat; actor: ImportActor }) {
  const row = new JobRowWriter(deps.db, job.id);
  try {
    await row.set({ status: 'validating', phase: '读取并校验文件' });
    const result = opts.kind === 'students' ? await importStudents(deps, job, row, opts) : await importStaff(deps, job, row, opts);
    await row.set({ status: 'done', phase: '完成', ...result, finishedAt: deps.clock() });
  } catch (e) {
    if (e instanceof Rejected) {
      await row.set({
        status: 'rejected',
        phase: '校验未通过，未导入任何数据',
        errors: e.errors.slice(0, MAX_STORED_ERRORS),
        errorCount: e.errors.length,
        message: e.message,
        finishedAt: deps.clock(),
      });
    } else {
      await row.set({ status: 'failed', phase: '导入失败，未导入任何数据', message: '导入过程中出现系统错误，请稍后重试', finishedAt: deps.clock() }).catch(() => undefined);
      throw e;
    }
  }
}

/** Reads the file, finds the header among the first rows, and hands every data row to `add`. */
async function scanFile<F extends string>(
  row: JobRowWriter,
  filePath: string,
  format: SheetFormat,
  specs: Parameters<typeof findHeader<F>>[1],
  makeValidator: (match: Extract<ReturnType<typeof findHeader<F>>, { ok: true }>['match'], headerRow: number) => { add(row: number, cells: Cell[]): boolean },
): Promise<number> {
  const head: { rowNumber: number; cells: Cell[] }[] = [];
  let validator: { add(row: number, cells: Cell[]): boolean } | null = null;
  let headerRow = 0;
  let dataRows = 0;
  const feed = (r: { rowNumber: number; cells: Cell[] }) => {
    if (r.rowNumber > headerRow && validator!.add(r.rowNumber, r.cells)) dataRows += 1;
  };
  const start = () => {
    const found = findHeader(head.map((h) => h.cells), specs);
    if (!found.ok) throw new Rejected([{ row: head[0]?.rowNumber ?? 1, column: '表头', message: found.message }], found.message);
    headerRow = head[found.match.headerIndex]!.rowNumber;
    validator = makeValidator(found.match, headerRow);
    head.forEach(feed);
  };
  for await (const r of readSheet(filePath, format)) {
    if (!validator) {
      head.push(r);
      if (head.length >= 20) start();
      continue;
    }
    feed(r);
    if (dataRows % 1000 === 0) row.progress(dataRows);
  }
  if (!validator) {
    if (!head.length) throw new Rejected([{ row: 1, column: '文件', message: '文件是空的' }], '文件是空的');
    start();
  }
  if (!dataRows) throw new Rejected([{ row: headerRow + 1, column: '文件', message: '表头下没有数据行' }], '表头下没有数据行');
  await row.set({ processedRows: dataRows, totalRows: dataRows });
  return dataRows;
}

function reject(errors: RowError[]): never {
  errors.sort((a, b) => a.row - b.row);
  throw new Rejected(errors, `发现 ${errors.length} 处问题，文件未导入。请修改后重新上传。`);
}

interface ExistingStudent {
  id: string;
  student_no: string;
  name: string;
  gender: string;
  birth_date: string;
  school_id: number;
  class_id: number | null;
  enrolment_year: number;
  boarding: boolean;
  dormitory_id: number | null;
  status: string;
}

async function importStudents(deps: Deps, job: JobRow, row: JobRowWriter, opts: { school: Unit; filePath: string; format: SheetFormat; actor: ImportActor }) {
  const { db } = deps;
  const school = opts.school;
  const levels = SCHOOL_GRADE_LEVELS[school.schoolKind as SchoolKind] ?? [];
  let validator: StudentRosterValidator | null = null;
  const permissionErrors: RowError[] = [];
  const lap = phaseTimer();
  await scanFile(row, opts.filePath, opts.format, STUDENT_COLUMNS, (match, headerRow) => {
    // an import writes nothing the importer could not write by hand
    const refuse = (fields: (keyof typeof match.columns)[], message: string) => {
      for (const f of fields) {
        const i = match.columns[f];
        if (i !== undefined) permissionErrors.push({ row: headerRow, column: match.headers[i] || f, message });
      }
    };
    if (!opts.actor.mayWriteSensitive) refuse(['leftBehind'], '您没有登记家庭情况的权限，请删除此列后再导入');
    if (!opts.actor.mayWriteGuardians) refuse(['guardianName', 'guardianRelation', 'guardianPhone'], '您没有登记监护人的权限，请删除此列后再导入');
    validator = new StudentRosterValidator(match, { gradeLevels: levels, schoolYear: schoolYearOf(deps.clock()) });
    return validator;
  });
  const v = validator as unknown as StudentRosterValidator;
  const errors = [...permissionErrors, ...v.errors];
  const list = v.rows;

  // checks against the database: a 学籍号 already enrolled at another school is a transfer, not an import
  const existing = new Map<string, ExistingStudent>();
  for (let i = 0; i < list.length; i += 10000) {
    const nos = list.slice(i, i + 10000).map((r) => r.studentNo);
    const found = await rows<ExistingStudent>(db, sql`select id, student_no, name, gender, birth_date, school_id, class_id, enrolment_year, boarding, dormitory_id, status
      from students where region_id = ${school.regionId} and student_no = any(${sql.param(nos)}::text[])`);
    for (const f of found) existing.set(f.student_no, f);
  }
  for (const r of list) {
    const e = existing.get(r.studentNo);
    if (e && e.school_id !== school.id && e.status === 'active') {
      errors.push({ row: r.row, column: '学籍号', message: `${r.studentNo} 是其他学校的在读学生，请由原学校办理转学` });
    }
    if (r.dormitory && !school.boarding) errors.push({ row: r.row, column: '宿舍', message: '本校不是寄宿制学校，不能填写宿舍' });
  }
  lap('read and validate');
  if (errors.length) reject(errors);

  await row.set({ status: 'writing', phase: '写入数据', processedRows: 0 });
  const counts = await db.transaction(async (tx) => {
    const { classes: classIds, created: newClasses } = await ensureClasses(tx, school, list);
    const dormIds = await ensureDormitories(tx, school, list);
    const now = deps.clock();
    const inserts: StudentRosterRow[] = [];
    const updates: { r: StudentRosterRow; e: ExistingStudent }[] = [];
    let unchangedStudents = 0;
    for (const r of list) {
      const e = existing.get(r.studentNo);
      if (!e) inserts.push(r);
      else if (
        e.name !== r.name || e.gender !== r.gender || e.birth_date !== r.birthDate || e.class_id !== classIds.get(`${r.gradeLevel}-${r.classNo}`) ||
        e.enrolment_year !== r.enrolmentYear || e.status !== 'active' || e.school_id !== school.id ||
        (r.boarding !== undefined && e.boarding !== r.boarding) || (r.dormitory !== undefined && e.dormitory_id !== (dormIds.get(r.dormitory) ?? null))
      ) updates.push({ r, e });
      else unchangedStudents += 1;
    }
    const classOf = (r: StudentRosterRow) => classIds.get(`${r.gradeLevel}-${r.classNo}`)!;
    const pathOf = new Map<number, string>();
    for (const u of await tx.select({ id: orgUnits.id, path: orgUnits.path }).from(orgUnits).where(sql`${orgUnits.path} like ${`${school.path}%`}`)) pathOf.set(u.id, u.path);
    const idOf = new Map<string, string>();
    for (const [no, e] of existing) idOf.set(no, e.id);

    let done = 0;
    const progress = (n: number) => {
      done += n;
      row.progress(Math.min(done, list.length));
    };
    lap('classes, compare');
    for (let i = 0; i < inserts.length; i += CHUNK) {
      const part = inserts.slice(i, i + CHUNK);
      const ids = part.map(() => randomUUID());
      part.forEach((r, j) => idOf.set(r.studentNo, ids[j]!));
      await tx.execute(sql`insert into students (id, region_id, student_no, name, gender, birth_date, school_id, class_id, org_path, enrolment_year, boarding, dormitory_id, created_at, updated_at)
        select u.id, ${school.regionId}, u.no, u.name, u.gender, u.birth, ${school.id}, u.class_id, u.path, u.ey, u.boarding, u.dorm, ${now}, ${now}
        from unnest(${sql.param(ids)}::uuid[], ${sql.param(part.map((r) => r.studentNo))}::text[], ${sql.param(part.map((r) => r.name))}::text[],
          ${sql.param(part.map((r) => r.gender))}::text[], ${sql.param(part.map((r) => r.birthDate))}::date[], ${sql.param(part.map(classOf))}::int[],
          ${sql.param(part.map((r) => pathOf.get(classOf(r))!))}::text[], ${sql.param(part.map((r) => r.enrolmentYear))}::int[],
          ${sql.param(part.map((r) => r.boarding ?? false))}::bool[], ${sql.param(part.map((r) => (r.dormitory ? dormIds.get(r.dormitory)! : null)))}::int[])
          as u(id, no, name, gender, birth, class_id, path, ey, boarding, dorm)`);
      await insertHistory(tx, school.regionId, part.map((r) => ({ studentId: idOf.get(r.studentNo)!, kind: 'enrol', from: null, to: classOf(r) })), opts.actor.accountId, now);
      progress(part.length);
    }
    for (let i = 0; i < updates.length; i += CHUNK) {
      const part = updates.slice(i, i + CHUNK);
      await tx.execute(sql`update students s set name = u.name, gender = u.gender, birth_date = u.birth, school_id = ${school.id}, class_id = u.class_id, org_path = u.path,
          enrolment_year = u.ey, boarding = u.boarding, dormitory_id = u.dorm, status = 'active', updated_at = ${now}
        from unnest(${sql.param(part.map((p) => p.e.id))}::uuid[], ${sql.param(part.map((p) => p.r.name))}::text[], ${sql.param(part.map((p) => p.r.gender))}::text[],
          ${sql.param(part.map((p) => p.r.birthDate))}::date[], ${sql.param(part.map((p) => classOf(p.r)))}::int[], ${sql.param(part.map((p) => pathOf.get(classOf(p.r))!))}::text[],
          ${sql.param(part.map((p) => p.r.enrolmentYear))}::int[], ${sql.param(part.map((p) => p.r.boarding ?? p.e.boarding))}::bool[],
          ${sql.param(part.map((p) => (p.r.dormitory !== undefined ? (dormIds.get(p.r.dormitory) ?? null) : p.e.dormitory_id)))}::int[])
          as u(id, name, gender, birth, class_id, path, ey, boarding, dorm)
        where s.id = u.id`);
      const moved = part.filter((p) => p.e.class_id !== classOf(p.r));
      await insertHistory(tx, school.regionId, moved.map((p) => ({ studentId: p.e.id, kind: p.e.school_id !== school.id ? 'transfer' : p.e.status !== 'active' ? 'status' : 'class_change', from: p.e.class_id, to: classOf(p.r) })), opts.actor.accountId, now);
      progress(part.length);
    }
    lap('students and history');
    const touched = new Set(updates.map((u) => u.e.id));
    const guardianChanged = await syncGuardians(tx, school.regionId, list, idOf, new Set(existing.keys()));
    lap('guardians');
    const circumstanceChanged = await syncLeftBehind(tx, school.regionId, list, idOf, new Set(existing.keys()), opts.actor.accountId);
    lap('left-behind');
    // a student whose only change is a guardian or the left-behind flag counts as updated
    const existingIds = new Set([...existing.values()].map((e) => e.id));
    let extraUpdated = 0;
    for (const id of new Set([...guardianChanged, ...circumstanceChanged])) {
      if (!touched.has(id) && existingIds.has(id)) extraUpdated += 1;
    }
    const result = {
      created: inserts.length,
      updated: updates.length + extraUpdated,
      unchanged: unchangedStudents - extraUpdated,
      // classes named in the file that the school did not have are created: say which
      message: newClasses.length ? `新建了 ${newClasses.length} 个班级：${newClasses.slice(0, 30).join('、')}${newClasses.length > 30 ? ' 等' : ''}` : null,
    };
    await appendAudit(tx, {
      actorId: opts.actor.accountId,
      actorName: opts.actor.name,
      ip: opts.actor.ip,
      action: 'roster.import.students',
      objectType: 'import_job',
      objectId: job.id,
      orgPath: school.path,
      detail: { fileName: job.fileName, rows: list.length, created: result.created, updated: result.updated, unchanged: result.unchanged, newClasses },
    }, now);
    return result;
  });
  lap('audit and commit');
  return { ...counts, processedRows: list.length, totalRows: list.length };
}

async function insertHistory(tx: Db, regionId: number, list: { studentId: string; kind: string; from: number | null; to: number }[], actorId: string | null, at: Date) {
  if (!list.length) return;
  await tx.execute(sql`insert into student_history (region_id, student_id, kind, from_unit_id, to_unit_id, actor_id, at)
    select ${regionId}, u.sid, u.kind, u.f, u.t, ${actorId}, ${at}
    from unnest(${sql.param(list.map((h) => h.studentId))}::uuid[], ${sql.param(list.map((h) => h.kind))}::text[],
      ${sql.param(list.map((h) => h.from))}::int[], ${sql.param(list.map((h) => h.to))}::int[]) as u(sid, kind, f, t)`);
}

/** Grades and classes named in the file that the school does not have yet are created. */
async function ensureClasses(tx: Db, school: Unit, list: { gradeLevel: number; classNo: number }[]): Promise<{ classes: Map<string, number>; created: string[] }> {
  const units = await tx.select().from(orgUnits).where(sql`${orgUnits.path} like ${`${school.path}%`} and ${orgUnits.kind} in ('grade','class')`);
  const grades = new Map<number, Unit>();
  for (const u of units) if (u.kind === 'grade' && u.gradeLevel != null) grades.set(u.gradeLevel, u);
  const classes = new Map<string, number>();
  for (const u of units) {
    if (u.kind !== 'class' || u.classNo == null) continue;
    const g = units.find((x) => x.id === u.parentId);
    if (g?.gradeLevel != null) classes.set(`${g.gradeLevel}-${u.classNo}`, u.id);
  }
  const created: string[] = [];
  const needed = new Map<string, { gradeLevel: number; classNo: number }>();
  for (const r of list) needed.set(`${r.gradeLevel}-${r.classNo}`, r);
  for (const [key, n] of [...needed].sort((a, b) => a[1].gradeLevel - b[1].gradeLevel || a[1].classNo - b[1].classNo)) {
    if (classes.has(key)) continue;
    let grade = grades.get(n.gradeLevel);
    if (!grade) {
      const [g] = await tx.insert(orgUnits).values({ regionId: school.regionId, kind: 'grade', parentId: school.id, path: '', name: gradeName(n.gradeLevel, school.schoolKind as SchoolKind), gradeLevel: n.gradeLevel }).returning();
      grade = { ...g!, path: `${school.path}${g!.id}/` };
      await tx.update(orgUnits).set({ path: grade.path }).where(eq(orgUnits.id, grade.id));
      grades.set(n.gradeLevel, grade);
    }
    const [c] = await tx.insert(orgUnits).values({ regionId: school.regionId, kind: 'class', parentId: grade.id, path: '', name: className(n.classNo), classNo: n.classNo }).returning();
    await tx.update(orgUnits).set({ path: `${grade.path}${c!.id}/` }).where(eq(orgUnits.id, c!.id));
    classes.set(key, c!.id);
    created.push(`${grade.name}${c!.name}`);
  }
  return { classes, created };
}

async function ensureDormitories(tx: Db, school: Unit, list: StudentRosterRow[]): Promise<Map<string, number>> {
  const names = new Set(list.map((r) => r.dormitory).filter((d): d is string => !!d));
  const map = new Map<string, number>();
  if (!names.size) return map;
  for (const d of await tx.select().from(dormitories).where(eq(dormitories.schoolId, school.id))) map.set(d.name, d.id);
  const missing = [...names].filter((n) => !map.has(n));
  if (missing.length) {
    const created = await tx.insert(dormitories).values(missing.map((name) => ({ regionId: school.regionId, schoolId: school.id, name }))).returning();
    for (const d of created) map.set(d.name, d.id);
  }
  return map;
}

/** Guardians are matched to a student by name: a new name adds a guardian, a changed phone or relation updates it. */
async function syncGuardians(tx: Db, regionId: number, list: StudentRosterRow[], idOf: Map<string, string>, existed: Set<string>): Promise<Set<string>> {
  const changed = new Set<string>();
  const withGuardian = list.filter((r) => r.guardian);
  for (let i = 0; i < withGuardian.length; i += CHUNK) {
    const part = withGuardian.slice(i, i + CHUNK);
    // students created by this import have no guardians yet: only look up the others
    const ids = part.filter((r) => existed.has(r.studentNo)).map((r) => idOf.get(r.studentNo)!);
    const links = ids.length
      ? await rows<{ student_id: string; guardian_id: string; name: string; phone: string | null; relation: string }>(tx, sql`select sg.student_id, sg.guardian_id, g.name, g.phone, sg.relation
          from student_guardians sg join guardians g on g.id = sg.guardian_id where sg.student_id = any(${sql.param(ids)}::uuid[])`)
      : [];
    const byStudent = new Map<string, typeof links>();
    for (const l of links) byStudent.set(l.student_id, [...(byStudent.get(l.student_id) ?? []), l]);
    const newGuardians: { id: string; studentId: string; name: string; phone: string | null; relation: string; primary: boolean }[] = [];
    const updGuardians: { id: string; phone: string | null }[] = [];
    const updRelations: { studentId: string; guardianId: string; relation: string }[] = [];
    for (const r of part) {
      const sid = idOf.get(r.studentNo)!;
      const g = r.guardian!;
      const mine = byStudent.get(sid) ?? [];
      const same = mine.find((l) => l.name === g.name);
      if (!same) {
        newGuardians.push({ id: randomUUID(), studentId: sid, name: g.name, phone: g.phone ?? null, relation: g.relation, primary: mine.length === 0 });
        changed.add(sid);
        continue;
      }
      if (g.phone !== undefined && same.phone !== g.phone) {
        updGuardians.push({ id: same.guardian_id, phone: g.phone });
        changed.add(sid);
      }
      if (same.relation !== g.relation) {
        updRelations.push({ studentId: sid, guardianId: same.guardian_id, relation: g.relation });
        changed.add(sid);
      }
    }
    if (newGuardians.length) {
      await tx.execute(sql`insert into guardians (id, region_id, name, phone)
        select u.id, ${regionId}, u.name, u.phone from unnest(${sql.param(newGuardians.map((g) => g.id))}::uuid[], ${sql.param(newGuardians.map((g) => g.name))}::text[], ${sql.param(newGuardians.map((g) => g.phone))}::text[]) as u(id, name, phone)`);
      await tx.execute(sql`insert into student_guardians (student_id, guardian_id, region_id, relation, is_primary)
        select u.sid, u.gid, ${regionId}, u.rel, u.prim from unnest(${sql.param(newGuardians.map((g) => g.studentId))}::uuid[], ${sql.param(newGuardians.map((g) => g.id))}::uuid[],
          ${sql.param(newGuardians.map((g) => g.relation))}::text[], ${sql.param(newGuardians.map((g) => g.primary))}::bool[]) as u(sid, gid, rel, prim)`);
    }
    if (updGuardians.length) {
      await tx.execute(sql`update guardians g set phone = u.phone from unnest(${sql.param(updGuardians.map((g) => g.id))}::uuid[], ${sql.param(updGuardians.map((g) => g.phone))}::text[]) as u(id, phone) where g.id = u.id`);
    }
    if (updRelations.length) {
      await tx.execute(sql`update student_guardians sg set relation = u.rel from unnest(${sql.param(updRelations.map((g) => g.studentId))}::uuid[], ${sql.param(updRelations.map((g) => g.guardianId))}::uuid[], ${sql.param(updRelations.map((g) => g.relation))}::text[]) as u(sid, gid, rel)
        where sg.student_id = u.sid and sg.guardian_id = u.gid`);
    }
  }
  return changed;
}

/** 是否留守儿童: 是 adds the left-behind circumstance, 否 removes it, empty leaves it as it is. */
async function syncLeftBehind(tx: Db, regionId: number, list: StudentRosterRow[], idOf: Map<string, string>, existed: Set<string>, actorId: string | null): Promise<Set<string>> {
  const changed = new Set<string>();
  const stated = list.filter((r) => r.leftBehind !== undefined);
  for (let i = 0; i < stated.length; i += CHUNK) {
    const part = stated.slice(i, i + CHUNK);
    const known = part.filter((r) => existed.has(r.studentNo)).map((r) => idOf.get(r.studentNo)!);
    const have = new Set(known.length ? (await rows<{ student_id: string }>(tx, sql`select student_id from student_circumstances where code = 'left_behind' and student_id = any(${sql.param(known)}::uuid[])`)).map((r) => r.student_id) : []);
    const add = part.filter((r) => r.leftBehind && !have.has(idOf.get(r.studentNo)!)).map((r) => idOf.get(r.studentNo)!);
    const remove = part.filter((r) => r.leftBehind === false && have.has(idOf.get(r.studentNo)!)).map((r) => idOf.get(r.studentNo)!);
    if (add.length) {
      await tx.execute(sql`insert into student_circumstances (student_id, region_id, code, recorded_by) select u.sid, ${regionId}, 'left_behind', ${actorId} from unnest(${sql.param(add)}::uuid[]) as u(sid)`);
    }
    if (remove.length) await tx.execute(sql`delete from student_circumstances where code = 'left_behind' and student_id = any(${sql.param(remove)}::uuid[])`);
    for (const id of [...add, ...remove]) changed.add(id);
  }
  return changed;
}

async function importStaff(deps: Deps, job: JobRow, row: JobRowWriter, opts: { school: Unit; filePath: string; format: SheetFormat; actor: ImportActor }) {
  const { db } = deps;
  const school = opts.school;
  const levels = SCHOOL_GRADE_LEVELS[school.schoolKind as SchoolKind] ?? [];
  let validator: StaffRosterValidator | null = null;
  await scanFile(row, opts.filePath, opts.format, STAFF_COLUMNS, (match) => {
    validator = new StaffRosterValidator(match, levels);
    return validator;
  });
  const v = validator as unknown as StaffRosterValidator;
  const errors = [...v.errors];
  // head teachers need a class that exists; phones must not belong to another school
  const units = await db.select().from(orgUnits).where(sql`${orgUnits.path} like ${`${school.path}%`}`);
  const classKey = new Map<string, number>();
  for (const c of units) {
    const g = units.find((u) => u.id === c.parentId);
    if (c.kind === 'class' && g?.gradeLevel != null && c.classNo != null) classKey.set(`${g.gradeLevel}-${c.classNo}`, c.id);
  }
  const phones = v.rows.map((r) => r.phone);
  const elsewhere = phones.length
    ? await rows<{ phone: string }>(db, sql`select phone from staff where region_id = ${school.regionId} and school_id <> ${school.id} and phone = any(${sql.param(phones)}::text[])
        union select phone from accounts where phone = any(${sql.param(phones)}::text[]) and staff_id is null`)
    : [];
  const taken = new Set(elsewhere.map((p) => p.phone));
  for (const r of v.rows) {
    if (r.headClass && !classKey.has(`${r.headClass.gradeLevel}-${r.headClass.classNo}`)) errors.push({ row: r.row, column: '班主任班级', message: '本校没有这个班级，请先导入学生名单或新建班级' });
    if (taken.has(r.phone)) errors.push({ row: r.row, column: '手机号', message: `${r.phone} 已被其他学校或其他账号使用` });
  }
  if (errors.length) reject(errors);
  await row.set({ status: 'writing', phase: '写入数据并开通账号', processedRows: 0 });
  const result = await db.transaction(async (tx) => {
    const r = await upsertStaff(tx, school, v.rows.map((s) => ({
      staffNo: s.staffNo,
      name: s.name,
      gender: s.gender,
      phone: s.phone,
      subject: s.subject,
      posts: s.posts.map((p) => ({ post: p, classId: p === 'head_teacher' && s.headClass ? classKey.get(`${s.headClass.gradeLevel}-${s.headClass.classNo}`)! : null })),
    })), opts.actor.accountId);
    await appendAudit(tx, { actorId: opts.actor.accountId, actorName: opts.actor.name, ip: opts.actor.ip, action: 'roster.import.staff', objectType: 'import_job', objectId: job.id, orgPath: school.path, detail: { fileName: job.fileName, rows: v.rows.length, created: r.created, updated: r.updated } }, deps.clock());
    // the one-time passwords, sealed, with the accounts they open (in the same transaction): any
    // server process shows them to the importer for an hour
    if (r.credentials.length && opts.actor.accountId) {
      const credentials = sealJson(sealerFor(deps.config), r.credentials satisfies Credential[], credentialsAad(job.id));
      await tx.update(importJobs).set({ credentials, credentialsUntil: new Date(deps.clock().getTime() + CREDENTIALS_SHOWN_MS) }).where(eq(importJobs.id, job.id));
    }
    return r;
  });
  return { created: result.created, updated: result.updated, unchanged: 0, processedRows: v.rows.length, totalRows: v.rows.length };
}

export async function listImportJobs(db: Db, schoolIds: number[]): Promise<JobRow[]> {
  if (!schoolIds.length) return [];
  return db.select().from(importJobs).where(sql`${importJobs.schoolId} = any(${sql.param(schoolIds)}::int[])`).orderBy(desc(importJobs.createdAt)).limit(50);
}

export async function getImportJob(db: Db, id: string): Promise<JobRow | undefined> {
  return (await db.select().from(importJobs).where(and(eq(importJobs.id, id))))[0];
}

/**
 * Jobs a stopped process left running wrote nothing (the write is one transaction): mark them
 * failed at start. Ten minutes keeps other instances' live jobs alone.
 */
export async function failAbandonedImports(db: Db, now: Date): Promise<void> {
  await db
    .update(importJobs)
    .set({ status: 'failed', phase: '导入中断，未导入任何数据', message: '服务重启导致导入中断，请重新上传文件', finishedAt: now })
    .where(sql`${importJobs.status} in ('queued', 'validating', 'writing') and ${importJobs.createdAt} < ${new Date(now.getTime() - 10 * 60000)}`);
}
