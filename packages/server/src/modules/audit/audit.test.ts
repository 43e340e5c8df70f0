import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type TestEnv } from '../../test/fixture.js';
import { appendAudit, verifyAuditChain } from './service.js';

let env: TestEnv;
beforeAll(async () => {
  env = await setupTestEnv();
});
afterAll(async () => env?.close());

describe('audit log', () => {
  it('records sign-ins, failures and refusals with actor, time, object and outcome', async () => {
    await env.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'counselor', password: 'bad' } });
    const s = await env.login('counselor');
    await s.get(`/api/v1/students/${env.ids.schoolCStudent}`); // out of scope → 404, audited as a refusal
    await s.get('/api/v1/audit'); // wrong role → 403, audited
    const last = await rows<{ action: string; outcome: string; actor_name: string | null }>(env.deps.db, sql`select action, outcome, actor_name from audit_log order by seq desc limit 4`);
    expect(last.map((r) => [r.action, r.outcome])).toEqual([
      ['access.denied', 'denied'],
      ['access.denied', 'denied'],
      ['auth.login', 'ok'],
      ['auth.login', 'failed'],
    ]);
  });

  it('the chain verifies, and the app cannot change or delete a row', async () => {
    expect((await verifyAuditChain(env.deps.db)).ok).toBe(true);
    await expect(env.deps.db.execute(sql`update audit_log set action = 'x' where seq = 1`)).rejects.toThrow();
    await expect(env.deps.db.execute(sql`delete from audit_log where seq = 1`)).rejects.toThrow();
    await expect(env.deps.db.execute(sql`truncate audit_log`)).rejects.toThrow();
  });

  it('names the first edited row and the first deleted row', async () => {
    await appendAudit(env.deps.db, [1, 2, 3].map((i) => ({ action: `test.${i}`, detail: { i, nested: { b: 1, a: [1, 'x'] } } })));
    const max = (await rows<{ m: number }>(env.deps.db, sql`select max(seq)::int as m from audit_log`))[0]!.m;
    expect((await verifyAuditChain(env.deps.db, 7)).ok).toBe(true);
    // tampering needs the owner to switch the guard off, which is exactly what the chain is for
    await env.deps.db.execute(sql`alter table audit_log disable trigger audit_log_no_update_delete`);
    await env.deps.db.execute(sql`update audit_log set detail = '{"i": 99}' where seq = ${max - 1}`);
    expect(await verifyAuditChain(env.deps.db, 7)).toMatchObject({ ok: false, firstBrokenSeq: max - 1 });
    await env.deps.db.execute(sql`delete from audit_log where seq = ${max - 2}`);
    expect(await verifyAuditChain(env.deps.db, 7)).toMatchObject({ ok: false, firstBrokenSeq: max - 2 });
    await env.deps.db.execute(sql`alter table audit_log enable trigger audit_log_no_update_delete`);
  });

  it('the viewer: a school leader sees entries about the school, not other schools; filters work', async () => {
    const leader = await env.login('school.leader');
    await leader.get(`/api/v1/students/${env.ids.classmate}`); // a sensitive read in school A
    const res = await leader.get('/api/v1/audit?action=student.sensitive.read&pageSize=50');
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: { action: string; objectId: string }[] }>().items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.action === 'student.sensitive.read')).toBe(true);
    const all = (await leader.get('/api/v1/audit?pageSize=200')).json<{ items: { detail: Record<string, unknown>; action: string }[] }>().items;
    expect(all.some((i) => i.action === 'system.seed.demo')).toBe(false); // a city-level row
    const city = await env.login('city.admin');
    const cityRows = (await city.get('/api/v1/audit?action=system.seed&pageSize=5')).json<{ total: number }>();
    expect(cityRows.total).toBe(1);
    expect((await (await env.login('head.teacher')).get('/api/v1/audit')).statusCode).toBe(403);
    const bad = await leader.get('/api/v1/audit?from=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toHaveProperty('from');
  });

  it('exports what the viewer shows as xlsx', async () => {
    const leader = await env.login('school.leader');
    const total = (await leader.get('/api/v1/audit?outcome=ok&pageSize=1')).json<{ total: number }>().total;
    const res = await leader.get('/api/v1/audit/export?outcome=ok');
    expect(res.statusCode).toBe(200);
    const ExcelJS = (await import('../../lib/exceljs.js')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets[0]!.rowCount - 1).toBe(total + 1); // the export records itself first
    expect((await (await env.login('counselor')).get('/api/v1/audit/export')).statusCode).toBe(403);
  });

  it('refuses an export filter PostgreSQL cannot take before its file starts (the fuzzing saw the stream cut)', async () => {
    const leader = await env.login('school.leader');
    for (const q of ['to=9999-12-31', 'from=0000-01-01', 'actor=%20Y%E7%90%86']) {
      const list = await leader.get(`/api/v1/audit?${q}`);
      const file = await leader.get(`/api/v1/audit/export?${q}`);
      expect(file.statusCode, `${q}: ${file.body.slice(0, 200)}`).toBe(list.statusCode);
      if (list.statusCode >= 400) expect(file.json()).toEqual(list.json());
    }
  });
});
