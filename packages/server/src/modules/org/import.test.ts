import { randomUUID } from 'node:crypto';
import ExcelJS from '../../lib/exceljs.js';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { runExclusive, JOBS } from '../../jobs/scheduler.js';
import { isSealed, sealerFor } from '../../lib/sealed.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';
import { credentialsAad, JobRowWriter } from './import.js';

let env: TestEnv;
let leader: Session;
beforeAll(async () => {
  env = await setupTestEnv();
  leader = await env.login('school.leader');
});
afterAll(async () => env?.close());

type Row = (string | number | Date | null)[];

/** A roster the way schools keep it: a title, a note, then the header with their own column names. */
async function rosterXlsx(dataRows: Row[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('学生花名册');
  ws.addRow(['江城区实验中学 2026 级学生花名册']);
  ws.addRow(['填表说明：出生日期请用日期格式']);
  ws.addRow(['序号', '学号', '学生姓名', '性别', '出生年月', '年级', '班级', '是否住校', '宿舍', '是否留守儿童', '家长姓名', '与学生关系', '家长手机号']);
  dataRows.forEach((r) => ws.addRow(r));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function upload(s: Session, file: Buffer, name: string, opts: { kind?: string; schoolId?: number; key?: string } = {}) {
  const fd = new FormData();
  fd.append('file', new Blob([file]), name);
  const req = new Request('http://local/', { method: 'POST', body: fd });
  return env.app.inject({
    method: 'POST',
    url: `/api/v1/imports?kind=${opts.kind ?? 'students'}&schoolId=${opts.schoolId ?? env.ids.schoolA}`,
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': req.headers.get('content-type')!, ...(opts.key ? { 'idempotency-key': opts.key } : {}) },
    payload: Buffer.from(await req.arrayBuffer()),
  });
}

async function finished(s: Session, id: string) {
  for (let i = 0; i < 200; i++) {
    const job = (await s.get(`/api/v1/imports/${id}`)).json();
    if (!['queued', 'validating', 'writing'].includes(job.status)) return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('import did not finish');
}

const count = async (q: ReturnType<typeof sql>) => (await rows<{ n: number }>(env.deps.db, q))[0]!.n;

const good: Row[] = [
  [1, 'G20130305700001', '周子轩', '男', new Date(Date.UTC(2013, 2, 5)), '七年级', '(1)班', '否', '', '是', '周建国', '父亲', '13800138001'],
  [2, 'G20130611700002', '吴雨萱', '女', '2013/6/11', '初一', '4班', '否', '', '否', '郑秀英', '母亲', '13800138002'],
  [3, 'G20120120800003', '孙浩然', '男', 40928, '八年级', '1班', '', '', '', '孙伟', '父', '13800138003'],
];

describe('roster import', () => {
  it('a file with one bad row imports nothing and names the row and column', async () => {
    const students = await count(sql`select count(*)::int as n from students`);
    const bad: Row[] = [...good, [4, 'G20130909700004', '钱多多', '男', '2013-09-31', '七年级', '1班', '否', '', '', '', '', '']];
    const res = await upload(leader, await rosterXlsx(bad), '花名册.xlsx');
    expect(res.statusCode).toBe(200);
    const job = await finished(leader, res.json().id);
    expect(job.status).toBe('rejected');
    expect(job.errors).toEqual([{ row: 7, column: '出生年月', message: '“2013-09-31”不是有效日期，可写作 2012-03-05' }]);
    expect(job.message).toContain('未导入');
    expect(await count(sql`select count(*)::int as n from students`)).toBe(students);
  });

  it('a good file imports students, classes, guardians and the left-behind flag; the same file again changes nothing', async () => {
    const res = await upload(leader, await rosterXlsx(good), '花名册.xlsx');
    const job = await finished(leader, res.json().id);
    expect(job).toMatchObject({ status: 'done', created: 3, updated: 0, unchanged: 0, totalRows: 3, message: '新建了 1 个班级：七年级4班' });
    const s = await rows<{ name: string; birth_date: string; class_name: string; grade: number }>(env.deps.db, sql`select s.name, s.birth_date, c.name as class_name, g.grade_level as grade
      from students s join org_units c on c.id = s.class_id join org_units g on g.id = c.parent_id where s.student_no like 'G2013%70000_' or s.student_no = 'G20120120800003' order by s.student_no`);
    expect(s).toEqual([
      { name: '孙浩然', birth_date: '2012-01-20', class_name: '1班', grade: 8 },
      { name: '周子轩', birth_date: '2013-03-05', class_name: '1班', grade: 7 },
      { name: '吴雨萱', birth_date: '2013-06-11', class_name: '4班', grade: 7 },
    ]);
    expect(await count(sql`select count(*)::int as n from student_circumstances sc join students s on s.id = sc.student_id where s.student_no = 'G20130305700001' and sc.code = 'left_behind'`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from student_guardians sg join students s on s.id = sg.student_id where s.student_no in ('G20130305700001', 'G20130611700002', 'G20120120800003')`)).toBe(3);

    const snapshot = await count(sql`select count(*)::int as n from students`) + (await count(sql`select count(*)::int as n from guardians`)) * 1000;
    const again = await finished(leader, (await upload(leader, await rosterXlsx(good), '花名册.xlsx')).json().id);
    expect(again).toMatchObject({ status: 'done', created: 0, updated: 0, unchanged: 3 });
    expect(await count(sql`select count(*)::int as n from students`) + (await count(sql`select count(*)::int as n from guardians`)) * 1000).toBe(snapshot);
  });

  it('an updated file updates by 学籍号 and never duplicates', async () => {
    const changed = good.map((r) => [...r]);
    changed[1]![6] = '2班'; // class change
    changed[0]![12] = '13900000001'; // new phone
    const job = await finished(leader, (await upload(leader, await rosterXlsx(changed), 'v2.xlsx')).json().id);
    expect(job).toMatchObject({ status: 'done', created: 0, updated: 2, unchanged: 1 });
    expect(await count(sql`select count(*)::int as n from students where student_no = 'G20130611700002'`)).toBe(1);
    const hist = await rows<{ kind: string }>(env.deps.db, sql`select h.kind from student_history h join students s on s.id = h.student_id where s.student_no = 'G20130611700002' order by h.id`);
    expect(hist.map((h) => h.kind)).toEqual(['enrol', 'class_change']);
  });

  it('retrying with the same idempotency key returns the same job and imports once', async () => {
    const key = randomUUID();
    const rowsX: Row[] = [[1, 'G20130101700009', '冯一鸣', '男', '2013-01-01', '七年级', '1班', '', '', '', '', '', '']];
    const a = await upload(leader, await rosterXlsx(rowsX), 'x.xlsx', { key });
    const b = await upload(leader, await rosterXlsx(rowsX), 'x.xlsx', { key });
    expect(b.json().id).toBe(a.json().id);
    await finished(leader, a.json().id);
    expect(await count(sql`select count(*)::int as n from students where student_no = 'G20130101700009'`)).toBe(1);
  });

  it('reads a GBK CSV, and refuses a 学籍号 enrolled at another school', async () => {
    const other = (await rows<{ no: string }>(env.deps.db, sql`select student_no as no from students where id = ${env.ids.schoolBStudent}`))[0]!.no;
    const csv = ['学籍号,姓名,性别,出生日期,年级,班级', 'G20130202700010,陈思远,男,2013-02-02,七年级,1班', `${other},外校生,女,2013-02-02,七年级,1班`].join('\r\n');
    const res = await upload(leader, encodeGbk(csv), '名单.csv');
    const job = await finished(leader, res.json().id);
    expect(job.status).toBe('rejected');
    expect(job.errors).toEqual([{ row: 3, column: '学籍号', message: `${other} 是其他学校的在读学生，请由原学校办理转学` }]);
  });

  it('rejects a file without the required columns, other formats, and callers outside the school', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('x').addRow(['学号', '姓名', '性别', '年级']);
    const job = await finished(leader, (await upload(leader, Buffer.from(await wb.xlsx.writeBuffer()), 'a.xlsx')).json().id);
    expect(job.status).toBe('rejected');
    expect(job.message).toContain('出生日期');
    const xls = await upload(leader, Buffer.from('not a sheet'), 'old.xls');
    expect(xls.statusCode).toBe(400);
    expect(xls.json().error.fields).toHaveProperty('file');
    expect((await upload(leader, await rosterXlsx(good), 'a.xlsx', { schoolId: env.ids.schoolB })).statusCode).toBe(404);
    const head = await env.login('head.teacher');
    expect((await upload(head, await rosterXlsx(good), 'a.xlsx')).statusCode).toBe(403);
    await env.addAccount('leader.b.import', [{ role: 'school_leader', orgUnitId: env.ids.schoolB }]);
    const lb = await env.login('leader.b.import');
    expect((await lb.get(`/api/v1/imports/${job.id}`)).statusCode).toBe(404);
  });

  it('an importer without the sensitive permission cannot slip circumstances or guardians in through a file', async () => {
    const district = await env.login('district.admin');
    const job = await finished(district, (await upload(district, await rosterXlsx(good), 'bureau.xlsx')).json().id);
    expect(job.status).toBe('rejected');
    expect(job.errors.map((e: { row: number; column: string }) => `${e.row}:${e.column}`)).toEqual(['3:是否留守儿童', '3:家长姓名', '3:与学生关系', '3:家长手机号']);
  });

  it('imports staff with posts and one-time passwords for the importer', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('教职工');
    ws.addRow(['工号', '姓名', '性别', '手机号', '岗位', '班主任班级', '任教学科']);
    ws.addRow(['T900', '黄老师', '女', '13600000900', '班主任', '七年级4班', '数学']);
    ws.addRow(['T901', '林老师', '男', '13600000901', '兼职心理教师', '', '心理']);
    const res = await upload(leader, Buffer.from(await wb.xlsx.writeBuffer()), 'staff.xlsx', { kind: 'staff' });
    const job = await finished(leader, res.json().id);
    expect(job).toMatchObject({ status: 'done', created: 2 });
    expect(job.credentials.map((c: { username: string }) => c.username).sort()).toEqual(['13600000900', '13600000901']);
    const roles = await rows<{ role: string }>(env.deps.db, sql`select ra.role from role_assignments ra join accounts a on a.id = ra.account_id where a.username in ('13600000900','13600000901') order by ra.role`);
    expect(roles.map((r) => r.role)).toEqual(['counselor', 'head_teacher']);
  });
});

/**
 * With several server processes a poll may land on any of them: a job's progress and its one-time
 * passwords are read from its row, never from the memory of the process that ran it.
 */
describe('import state lives in the job row', () => {
  async function staffXlsx(list: [string, string, string][]): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('教职工');
    ws.addRow(['工号', '姓名', '性别', '手机号', '岗位', '班主任班级', '任教学科']);
    for (const [no, name, phone] of list) ws.addRow([no, name, '女', phone, '兼职心理教师', '', '心理']);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
  type JobCols = { credentials: string | null; credentials_until: Date | string | null };
  const jobRow = async (id: string) => (await rows<JobCols>(env.deps.db, sql`select credentials, credentials_until from import_jobs where id = ${id}`))[0]!;

  it('one-time passwords are sealed in the row, shown to the importer only, and only for an hour', async () => {
    const importer = await env.login('school.leader');
    await env.addAccount('leader.a.colleague', [{ role: 'school_leader', orgUnitId: env.ids.schoolA }]);
    const colleague = await env.login('leader.a.colleague');
    const started = env.clock.now().getTime();
    const res = await upload(importer, await staffXlsx([['T910', '何老师', '13600000910'], ['T911', '罗老师', '13600000911']]), 'staff2.xlsx', { kind: 'staff' });
    const job = await finished(importer, res.json().id);
    expect(job).toMatchObject({ status: 'done', created: 2 });
    const shown = job.credentials as { name: string; username: string; password: string }[];
    expect(shown.map((c) => c.username).sort()).toEqual(['13600000910', '13600000911']);

    // sealed: neither a password nor a name nor a phone in the stored value (nor in a dump of it)
    const stored = await jobRow(job.id);
    expect(isSealed(stored.credentials!)).toBe(true);
    for (const c of shown) for (const text of [c.password, c.username, c.name]) expect(stored.credentials).not.toContain(text);
    expect(new Date(stored.credentials_until!).getTime()).toBe(started + 3600_000);
    // bound to its job: it opens to what was shown with this job's binding, and with no other
    const sealer = sealerFor(env.deps.config);
    expect(JSON.parse(sealer.open(stored.credentials!, credentialsAad(job.id)))).toEqual(shown);
    expect(() => sealer.open(stored.credentials!, credentialsAad(randomUUID()))).toThrow();

    // another leader of the school sees the job, not the passwords (by id, in the list, or repeating the upload key)
    const seen = await colleague.get(`/api/v1/imports/${job.id}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).not.toHaveProperty('credentials');
    const listed = (await colleague.get(`/api/v1/imports?schoolId=${env.ids.schoolA}`)).json().items.find((j: { id: string }) => j.id === job.id);
    expect(listed).toBeDefined();
    expect(listed).not.toHaveProperty('credentials');
    const mine = (await importer.get(`/api/v1/imports?schoolId=${env.ids.schoolA}`)).json().items.find((j: { id: string }) => j.id === job.id);
    expect(mine.credentials).toEqual(shown);

    // what the importer sees comes from the row: cleared there, gone from the answer
    await env.deps.db.execute(sql`update import_jobs set credentials_until = ${new Date(started + 1000)} where id = ${job.id}`);
    env.clock.advance(2000);
    expect((await importer.get(`/api/v1/imports/${job.id}`)).json()).not.toHaveProperty('credentials');
    // read after its hour: not shown, and the column is cleared
    expect(await jobRow(job.id)).toEqual({ credentials: null, credentials_until: null });
  });

  it('passwords past their hour are not shown, are cleared on read and by the scheduled job', async () => {
    const importer = await env.login('school.leader');
    const first = await finished(importer, (await upload(importer, await staffXlsx([['T920', '贺老师', '13600000920']]), 'staff3.xlsx', { kind: 'staff' })).json().id);
    const second = await finished(importer, (await upload(importer, await staffXlsx([['T921', '钟老师', '13600000921']]), 'staff4.xlsx', { kind: 'staff' })).json().id);
    expect(first.credentials).toHaveLength(1);
    expect(second.credentials).toHaveLength(1);
    env.clock.advance(59 * 60_000);
    const again = await env.login('school.leader'); // the session went idle meanwhile
    expect((await again.get(`/api/v1/imports/${first.id}`)).json().credentials).toEqual(first.credentials);
    env.clock.advance(2 * 60_000);
    const late = await env.login('school.leader');
    expect((await late.get(`/api/v1/imports/${first.id}`)).json()).not.toHaveProperty('credentials');
    expect(await jobRow(first.id)).toEqual({ credentials: null, credentials_until: null });
    // nobody read the second job again: the scheduled job clears it
    expect((await jobRow(second.id)).credentials).not.toBeNull();
    const job = JOBS.find((j) => j.name === 'expired import passwords')!;
    await runExclusive(env.deps.db, job.lockKey, async (tx) => void (await job.run(env.deps, tx)));
    expect(await jobRow(second.id)).toEqual({ credentials: null, credentials_until: null });
  });

  it('progress is what the row says (as another process would write it)', async () => {
    const importer = await env.login('school.leader');
    const id = randomUUID();
    await env.deps.db.execute(sql`insert into import_jobs (id, region_id, kind, school_id, actor_id, file_name, status, phase, total_rows, processed_rows)
      select ${id}, region_id, 'students', id, ${importer.accountId}, '大名单.xlsx', 'writing', '写入数据', 5000, 1200 from org_units where id = ${env.ids.schoolA}`);
    expect((await importer.get(`/api/v1/imports/${id}`)).json()).toMatchObject({ status: 'writing', phase: '写入数据', processedRows: 1200, totalRows: 5000 });
    await env.deps.db.execute(sql`update import_jobs set processed_rows = 2400 where id = ${id}`);
    expect((await importer.get(`/api/v1/imports/${id}`)).json()).toMatchObject({ processedRows: 2400 });
    const listed = (await importer.get(`/api/v1/imports?schoolId=${env.ids.schoolA}`)).json().items.find((j: { id: string }) => j.id === id);
    expect(listed).toMatchObject({ processedRows: 2400, totalRows: 5000 });
  });

  it('a running job writes its progress to the row at most once a second, and a phase end is never overwritten', async () => {
    const id = randomUUID();
    await env.deps.db.execute(sql`insert into import_jobs (id, region_id, kind, school_id, file_name, status, phase)
      select ${id}, region_id, 'students', id, 'p.xlsx', 'validating', '读取并校验文件' from org_units where id = ${env.ids.schoolA}`);
    const processed = async () => (await rows<{ n: number; status: string }>(env.deps.db, sql`select processed_rows as n, status from import_jobs where id = ${id}`))[0]!;
    const writer = new JobRowWriter(env.deps.db, id);
    const settle = async (n: number) => {
      for (let i = 0; i < 100 && (await processed()).n !== n; i++) await new Promise((r) => setTimeout(r, 10));
      return (await processed()).n;
    };
    writer.progress(1000);
    writer.progress(2000); // the first write is still on its way: skipped
    expect(await settle(1000)).toBe(1000);
    writer.progress(3000); // within the second: skipped
    await new Promise((r) => setTimeout(r, 50));
    expect((await processed()).n).toBe(1000);
    await new Promise((r) => setTimeout(r, 1000));
    // inside a transaction (the write phase) it does not wait, so embedded PGlite's one connection is not stuck
    await env.deps.db.transaction(async (tx) => {
      writer.progress(4000);
      await tx.execute(sql`select 1`);
    });
    expect(await settle(4000)).toBe(4000);
    await new Promise((r) => setTimeout(r, 1000));
    writer.progress(4500);
    await writer.set({ status: 'done', processedRows: 5000 });
    await new Promise((r) => setTimeout(r, 50));
    expect(await processed()).toEqual({ n: 5000, status: 'done' });
  });
});

/** GBK encoding of the few characters used above, by searching the decoder (tests only). */
function encodeGbk(text: string): Buffer {
  const dec = new TextDecoder('gbk');
  const table = new Map<string, number[]>();
  const out: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) {
      out.push(ch.charCodeAt(0));
      continue;
    }
    let bytes = table.get(ch);
    if (!bytes) {
      outer: for (let hi = 0x81; hi <= 0xfe; hi++) {
        for (let lo = 0x40; lo <= 0xfe; lo++) {
          if (dec.decode(new Uint8Array([hi, lo])) === ch) {
            bytes = [hi, lo];
            break outer;
          }
        }
      }
      if (!bytes) throw new Error(`no GBK code for ${ch}`);
      table.set(ch, bytes);
    }
    out.push(...bytes);
  }
  return Buffer.from(out);
}
