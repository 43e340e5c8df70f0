// The mailbox (心灵信箱): named and anonymous threads, the anonymous code, keyword flagging (a triage
// aid), the school's counselors answering, and who cannot see what.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { setupTestEnv, type Session, type TestEnv } from '../../test/fixture.js';
import { sealLegacyRecordText } from '../../jobs/seal-legacy-text.js';
import { CODE_ATTEMPTS_PER_HOUR } from './mailbox.js';

let env: TestEnv;
const as: Record<string, Session> = {};
let anonId: string;
let anonCode: string;
let namedId: string;

const count = async (q: ReturnType<typeof sql>) => (await rows<{ n: number }>(env.deps.db, q))[0]!.n;
const letter = (over: Record<string, unknown> = {}) => ({ clientId: randomUUID(), subject: '最近心情不好', body: '考试没考好，和同桌也吵架了，不知道怎么办。', anonymous: false, ...over });

beforeAll(async () => {
  env = await setupTestEnv();
  await env.addAccount('student.c', [{ role: 'student', studentId: env.ids.classmate }]);
  await env.addAccount('student.b', [{ role: 'student', studentId: env.ids.schoolBStudent }]);
  await env.addAccount('counselor.b', [{ role: 'counselor', orgUnitId: env.ids.schoolB }]);
  await env.addAccount('guesser', [{ role: 'student', studentId: env.ids.otherClassStudent }]);
  for (const u of ['student', 'student.c', 'student.b', 'guesser', 'counselor', 'counselor.b', 'school.leader', 'head.teacher', 'parent', 'clinician']) as[u] = await env.login(u);
  as['city.admin'] = await env.login('city.admin');
}, 120_000);
afterAll(async () => env?.close());

describe('writing', () => {
  it('an anonymous thread stores no student id, only the school and the code hash; the code is shown once', async () => {
    const body = letter({ anonymous: true, subject: '一个秘密', body: '有时候真的不想 活了' });
    const res = await as.student!.post('/api/v1/mailbox/threads', body);
    expect(res.statusCode, res.body).toBe(200);
    const out = res.json();
    expect(out.code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    anonCode = out.code;
    anonId = out.thread.id;
    const t = (await rows<Record<string, unknown>>(env.deps.db, sql`select * from mailbox_threads where id = ${anonId}`))[0]!;
    expect(t).toMatchObject({ student_id: null, anonymous: true, school_id: env.ids.schoolA, priority: true });
    expect(String(t.code_hash)).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(t)).not.toContain(anonCode.replace(/-/g, ''));
    const studentAccount = as.student!.accountId;
    // nothing about the thread names its writer: not the message, not the audit log
    expect(await count(sql`select count(*)::int as n from mailbox_messages where thread_id = ${anonId} and author_account_id is not null`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from audit_log where object_id = ${anonId} and actor_id is not null`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from audit_log where actor_id = ${studentAccount} and action like 'mailbox.%'`)).toBe(0);
    // the writer's reply view has no flags
    expect(res.body).not.toContain('priority');
    // a retry stores nothing more and does not show the code again
    const again = await as.student!.post('/api/v1/mailbox/threads', body);
    expect(again.json()).toMatchObject({ duplicate: true, code: null });
    expect(await count(sql`select count(*)::int as n from mailbox_threads where client_id = ${body.clientId}`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from mailbox_messages where thread_id = ${anonId}`)).toBe(1);
  });

  it('flags matches (a triage aid) with the terms, and tells the school\'s counselors, 优先 in the title', async () => {
    const t = (await rows<{ flagged_terms: string[] }>(env.deps.db, sql`select flagged_terms from mailbox_threads where id = ${anonId}`))[0]!;
    expect(t.flagged_terms).toEqual(['不想活']);
    const n = await rows<{ title: string; body: string | null }>(env.deps.db, sql`select n.title, n.body from notifications n join accounts a on a.id = n.account_id where a.username = 'counselor' and n.object_id = ${anonId}`);
    expect(n).toHaveLength(1);
    expect(n[0]!.title).toContain('优先');
    expect(JSON.stringify(n)).not.toContain('不想');
    // another school's counselor hears nothing
    expect(await count(sql`select count(*)::int as n from notifications n join accounts a on a.id = n.account_id where a.username = 'counselor.b' and n.object_id = ${anonId}`)).toBe(0);
  });

  it('a named thread is listed to its writer; a retry is one thread; unflagged text is not priority', async () => {
    const body = letter();
    const res = await as.student!.post('/api/v1/mailbox/threads', body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().code).toBeNull();
    namedId = res.json().thread.id;
    expect((await as.student!.post('/api/v1/mailbox/threads', body)).json()).toMatchObject({ duplicate: true, thread: { id: namedId } });
    expect(await count(sql`select count(*)::int as n from mailbox_threads where client_id = ${body.clientId}`)).toBe(1);
    expect((await rows<{ priority: boolean; student_id: string }>(env.deps.db, sql`select priority, student_id from mailbox_threads where id = ${namedId}`))[0]).toMatchObject({ priority: false, student_id: env.ids.studentSelf });
    const mine = (await as.student!.get('/api/v1/mailbox/mine')).json().items;
    expect(mine.map((t: { id: string }) => t.id)).toEqual([namedId]);
  });

  it('bad input is refused in Chinese; staff and parents cannot write', async () => {
    const res = await as.student!.post('/api/v1/mailbox/threads', letter({ subject: '  ' }));
    expect(res.statusCode).toBe(400);
    for (const u of ['counselor', 'parent', 'head.teacher']) expect((await as[u]!.post('/api/v1/mailbox/threads', letter())).statusCode, u).toBe(403);
  });
});

describe('reading and answering', () => {
  it('a student cannot read another student\'s named thread (404)', async () => {
    expect((await as['student.c']!.get(`/api/v1/mailbox/mine/${namedId}`)).statusCode).toBe(404);
    expect((await as['student.b']!.get(`/api/v1/mailbox/mine/${namedId}`)).statusCode).toBe(404);
    expect((await as['student.c']!.post(`/api/v1/mailbox/mine/${namedId}/messages`, { clientId: randomUUID(), body: '你好' })).statusCode).toBe(404);
    expect((await as['student.c']!.get('/api/v1/mailbox/mine')).json().items).toEqual([]);
    // the anonymous thread is not among the writer's named threads either
    expect((await as.student!.get(`/api/v1/mailbox/mine/${anonId}`)).statusCode).toBe(404);
  });

  it('the school\'s counselor sees priority first, replies (answered), and the code holder reads the reply', async () => {
    const list = await as.counselor!.get('/api/v1/mailbox/threads');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items[0]).toMatchObject({ id: anonId, priority: true, anonymous: true, studentId: null, studentName: null, flaggedTerms: ['不想活'] });
    expect(list.json().items.find((t: { id: string }) => t.id === namedId)).toMatchObject({ studentId: env.ids.studentSelf, priority: false });
    env.clock.advance(60_000);
    const reply = { clientId: randomUUID(), body: '谢谢你愿意说出来。明天中午可以来心理辅导室找我吗？' };
    const r = await as.counselor!.post(`/api/v1/mailbox/threads/${anonId}/replies`, reply);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().status).toBe('answered');
    await as.counselor!.post(`/api/v1/mailbox/threads/${anonId}/replies`, reply);
    expect(await count(sql`select count(*)::int as n from mailbox_messages where thread_id = ${anonId} and author_kind = 'counselor'`)).toBe(1);
    // any student account holding the code reads it (the code is the key)
    const read = await as['student.b']!.post('/api/v1/mailbox/code', { code: anonCode.toLowerCase() });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().messages.map((m: { authorKind: string }) => m.authorKind)).toEqual(['student', 'counselor']);
    // a follow-up by code reopens it, unnamed
    env.clock.advance(60_000);
    const f = await as.student!.post('/api/v1/mailbox/code/messages', { code: anonCode, clientId: randomUUID(), body: '好的，我会去的' });
    expect(f.statusCode, f.body).toBe(200);
    expect(f.json().status).toBe('open');
    expect(await count(sql`select count(*)::int as n from mailbox_messages where thread_id = ${anonId} and author_account_id is not null and author_kind = 'student'`)).toBe(0);
  });

  it('the subject and every message are sealed at rest, bound to their row; writer and counselor read them plain', async () => {
    const thread = await rows<{ subject: string }>(env.deps.db, sql`select subject from mailbox_threads where id = ${anonId}`);
    expect(thread[0]!.subject).toMatch(/^v1\./);
    const messages = await rows<{ body: string }>(env.deps.db, sql`select body from mailbox_messages where thread_id = ${anonId}`);
    expect(messages).toHaveLength(3);
    for (const m of messages) expect(m.body).toMatch(/^v1\./);
    for (const text of ['一个秘密', '不想 活了', '心理辅导室', '我会去的']) {
      expect(await count(sql`select count(*)::int as n from mailbox_threads t where t::text like ${`%${text}%`}`) + await count(sql`select count(*)::int as n from mailbox_messages m where m::text like ${`%${text}%`}`)).toBe(0);
    }
    const staff = (await as.counselor!.get(`/api/v1/mailbox/threads/${anonId}`)).json();
    expect(staff).toMatchObject({ subject: '一个秘密' });
    expect(staff.messages.map((m: { body: string }) => m.body)).toEqual(['有时候真的不想 活了', '谢谢你愿意说出来。明天中午可以来心理辅导室找我吗？', '好的，我会去的']);
    expect((await as.counselor!.get('/api/v1/mailbox/threads')).json().items.find((t: { id: string }) => t.id === anonId).subject).toBe('一个秘密');
    const byCode = (await as.student!.post('/api/v1/mailbox/code', { code: anonCode })).json();
    expect(byCode.subject).toBe('一个秘密');
    expect(byCode.messages.map((m: { body: string }) => m.body)).toEqual(staff.messages.map((m: { body: string }) => m.body));
    expect((await as.student!.get('/api/v1/mailbox/mine')).json().items.find((t: { id: string }) => t.id === namedId)).toMatchObject({ subject: '最近心情不好' });
    // a letter stored before sealing is read as it is
    await env.deps.db.execute(sql`update mailbox_threads set subject = '早先的明文主题' where id = ${namedId}`);
    await env.deps.db.execute(sql`update mailbox_messages set body = '早先的明文来信' where thread_id = ${namedId}`);
    const named = (await as.student!.get(`/api/v1/mailbox/mine/${namedId}`)).json();
    expect(named).toMatchObject({ subject: '早先的明文主题', messages: [expect.objectContaining({ body: '早先的明文来信' })] });
    // the background pass after start seals them, once (two servers at once rewrite each row once)
    const passes = await Promise.all([sealLegacyRecordText(env.deps.db, env.deps.config, { batch: 1 }), sealLegacyRecordText(env.deps.db, env.deps.config, { batch: 1 })]);
    expect(passes[0] + passes[1]).toBeGreaterThanOrEqual(2);
    expect(await count(sql`select count(*)::int as n from mailbox_threads where subject !~ '^v1\.'`) + await count(sql`select count(*)::int as n from mailbox_messages where body !~ '^v1\.'`)).toBe(0);
    expect((await as.student!.get(`/api/v1/mailbox/mine/${namedId}`)).json()).toMatchObject({ subject: '早先的明文主题', messages: [expect.objectContaining({ body: '早先的明文来信' })] });
    expect(await sealLegacyRecordText(env.deps.db, env.deps.config)).toBe(0);
  });

  it('a reply to a named thread notifies its writer', async () => {
    const r = await as.counselor!.post(`/api/v1/mailbox/threads/${namedId}/replies`, { clientId: randomUUID(), body: '欢迎来找我聊聊。' });
    expect(r.statusCode).toBe(200);
    expect(await count(sql`select count(*)::int as n from notifications where account_id = ${as.student!.accountId} and object_id = ${namedId}`)).toBe(1);
    expect((await as.student!.get(`/api/v1/mailbox/mine/${namedId}`)).json().messages).toHaveLength(2);
  });

  it('another school\'s counselor cannot see, read or answer (404); other roles 403', async () => {
    expect((await as['counselor.b']!.get('/api/v1/mailbox/threads')).json().items.map((t: { id: string }) => t.id)).not.toContain(anonId);
    expect((await as['counselor.b']!.get(`/api/v1/mailbox/threads/${anonId}`)).statusCode).toBe(404);
    expect((await as['counselor.b']!.post(`/api/v1/mailbox/threads/${anonId}/replies`, { clientId: randomUUID(), body: '你好' })).statusCode).toBe(404);
    expect((await as['counselor.b']!.post(`/api/v1/mailbox/threads/${namedId}/close`)).statusCode).toBe(404);
    for (const u of ['head.teacher', 'parent', 'clinician', 'student']) expect((await as[u]!.get('/api/v1/mailbox/threads')).statusCode, u).toBe(403);
  });

  it('a wrong code is the same 404, counts against the account, and after the limit the account must wait', async () => {
    const wrong = await as.guesser!.post('/api/v1/mailbox/code', { code: 'AAAA-BBBB-CCCC' });
    const malformed = await as.guesser!.post('/api/v1/mailbox/code', { code: '123' });
    expect(wrong.statusCode).toBe(404);
    expect(malformed.statusCode).toBe(404);
    expect(malformed.json()).toEqual(wrong.json());
    for (let i = 2; i < CODE_ATTEMPTS_PER_HOUR; i++) await as.guesser!.post('/api/v1/mailbox/code', { code: 'AAAA-BBBB-CCCC' });
    // the right code no longer helps this account for an hour
    expect((await as.guesser!.post('/api/v1/mailbox/code', { code: anonCode })).statusCode).toBe(429);
    expect((await as.student!.post('/api/v1/mailbox/code', { code: anonCode })).statusCode).toBe(200);
  });

  it('closing: no more replies or follow-ups, audited', async () => {
    const c = await as.counselor!.post(`/api/v1/mailbox/threads/${namedId}/close`);
    expect(c.statusCode).toBe(200);
    expect(c.json().status).toBe('closed');
    expect((await as.counselor!.post(`/api/v1/mailbox/threads/${namedId}/replies`, { clientId: randomUUID(), body: '再补充一句' })).statusCode).toBe(409);
    expect((await as.student!.post(`/api/v1/mailbox/mine/${namedId}/messages`, { clientId: randomUUID(), body: '还有一件事' })).statusCode).toBe(409);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'mailbox.close' and object_id = ${namedId}`)).toBe(1);
  });
});

describe('keyword rules', () => {
  it('the region replaces the default list (config.write); a later message matching a new word is flagged', async () => {
    expect((await as.counselor!.put('/api/v1/mailbox/rules', { keywords: ['x'] })).statusCode).toBe(403);
    const res = await as['city.admin']!.put('/api/v1/mailbox/rules', { keywords: [' 离家出走 ', '离家 出走', '自杀'] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ keywords: ['离家出走', '自杀'], isDefault: false });
    expect((await as.counselor!.get('/api/v1/mailbox/rules')).json().keywords).toEqual(['离家出走', '自杀']);
    const t = await as['student.c']!.post('/api/v1/mailbox/threads', letter({ body: '我想离家出走' }));
    expect((await rows<{ priority: boolean; flagged_terms: string[] }>(env.deps.db, sql`select priority, flagged_terms from mailbox_threads where id = ${t.json().thread.id}`))[0]).toEqual({ priority: true, flagged_terms: ['离家出走'] });
    // the default word no longer in the list does not flag
    const u = await as['student.c']!.post('/api/v1/mailbox/threads', letter({ body: '不想活了' }));
    expect((await rows<{ priority: boolean }>(env.deps.db, sql`select priority from mailbox_threads where id = ${u.json().thread.id}`))[0]!.priority).toBe(false);
    expect((await as['city.admin']!.del('/api/v1/mailbox/rules')).json().isDefault).toBe(true);
  });
});
