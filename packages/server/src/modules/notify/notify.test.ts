import http from 'node:http';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { runExclusive } from '../../jobs/scheduler.js';
import { setupTestEnv, type TestEnv } from '../../test/fixture.js';
import { deliverOutbox, notify, signature } from './service.js';

let env: TestEnv;
beforeAll(async () => {
  env = await setupTestEnv();
});
afterAll(async () => env?.close());

describe('in-app inbox', () => {
  it('a reset password lands in the owner’s inbox only; nobody else can read or mark it', async () => {
    const leader = await env.login('school.leader');
    const head = (await leader.get('/api/v1/accounts?q=head.teacher')).json().items[0].id as string;
    const { password } = (await leader.post(`/api/v1/accounts/${head}/reset-password`)).json<{ password: string }>();
    const other = await env.login('counselor');
    expect((await other.get('/api/v1/notifications')).json().total).toBe(0);
    const login = await env.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'head.teacher', password } });
    const cookie = `xinyu_sid=${login.cookies.find((c) => c.name === 'xinyu_sid')!.value}`;
    const csrf = login.json().csrfToken as string;
    await env.app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: { cookie, 'x-csrf-token': csrf }, payload: { currentPassword: password, newPassword: 'Xinyu@demo1!' } });
    const inbox = await env.app.inject({ method: 'GET', url: '/api/v1/notifications?unread=true', headers: { cookie } });
    const items = inbox.json<{ items: { id: string; title: string }[] }>().items;
    expect(items.map((i) => i.title)).toEqual(['您的密码已由管理员重置']);
    expect((await other.post(`/api/v1/notifications/${items[0]!.id}/read`)).statusCode).toBe(404);
    expect((await env.app.inject({ method: 'GET', url: '/api/v1/notifications/unread-count', headers: { cookie } })).json()).toEqual({ count: 1 });
    expect((await env.app.inject({ method: 'POST', url: `/api/v1/notifications/${items[0]!.id}/read`, headers: { cookie, 'x-csrf-token': csrf } })).statusCode).toBe(200);
    expect((await env.app.inject({ method: 'GET', url: '/api/v1/notifications/unread-count', headers: { cookie } })).json()).toEqual({ count: 0 });
  });
});

describe('outbox delivery', () => {
  it('posts each event once, signed, retries a failure later, and two runners never send a row twice', async () => {
    const received: { delivery: string; signature: string; body: string }[] = [];
    let failNext = 1;
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        if (failNext > 0) {
          failNext -= 1;
          res.writeHead(503).end();
          return;
        }
        received.push({ delivery: String(req.headers['x-xinyu-delivery']), signature: String(req.headers['x-xinyu-signature']), body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    Object.assign(env.deps.config, { webhookUrl: `http://127.0.0.1:${port}/hook`, webhookSecret: 'test-secret' });
    try {
      const leaderId = (await rows<{ id: string }>(env.deps.db, sql`select id from accounts where username = 'school.leader'`))[0]!.id;
      await env.deps.db.transaction(async (tx) => {
        for (const n of [1, 2, 3]) await notify(tx, env.deps, { regionId: env.ids.cityId, accountIds: [leaderId], kind: 'test.event', title: `事件 ${n}`, body: '含学生姓名的正文不外发' }, env.clock.now());
      });
      const first = await deliverOutbox(env.deps);
      expect(first).toEqual({ delivered: 2, failed: 1 });
      // the failed one waits a minute
      expect(await deliverOutbox(env.deps)).toEqual({ delivered: 0, failed: 0 });
      env.clock.advance(61_000);
      await Promise.all([runExclusive(env.deps.db, 1, async (tx) => void (await deliverOutbox(env.deps, { db: tx }))), deliverOutbox(env.deps)]);
      expect(received).toHaveLength(3);
      expect(new Set(received.map((r) => r.delivery)).size).toBe(3);
      for (const r of received) {
        expect(r.signature).toBe(signature('test-secret', r.body));
        expect(r.body).not.toContain('学生姓名');
      }
      const left = await rows<{ n: number }>(env.deps.db, sql`select count(*)::int as n from outbox where delivered_at is null`);
      expect(left[0]!.n).toBe(0);
    } finally {
      Object.assign(env.deps.config, { webhookUrl: undefined, webhookSecret: undefined });
      server.close();
    }
  });

  it('drains a burst in one run, a few posts at a time, and stops a run early when the receiver is down', async () => {
    let inFlight = 0;
    let most = 0;
    const received = new Set<string>();
    const server = http.createServer((req, res) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      req.resume();
      req.on('end', () => setTimeout(() => {
        inFlight -= 1;
        received.add(String(req.headers['x-xinyu-delivery']));
        res.writeHead(204).end();
      }, 5));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const leaderId = (await rows<{ id: string }>(env.deps.db, sql`select id from accounts where username = 'school.leader'`))[0]!.id;
    const burst = async (n: number) => env.deps.db.transaction(async (tx) => {
      for (let k = 0; k < n; k++) await notify(tx, env.deps, { regionId: env.ids.cityId, accountIds: [leaderId], kind: 'test.burst', title: `预警 ${k}`, body: '正文' }, env.clock.now());
    });
    try {
      Object.assign(env.deps.config, { webhookUrl: `http://127.0.0.1:${port}/hook` });
      await burst(120);
      expect(await deliverOutbox(env.deps)).toEqual({ delivered: 120, failed: 0 });
      expect(received.size).toBe(120);
      expect(most).toBeGreaterThan(1);
      expect(most).toBeLessThanOrEqual(8);
    } finally {
      server.close();
    }
    // nobody listens on the port now: one group is tried, the rest wait for the next run
    await burst(30);
    try {
      const down = await deliverOutbox(env.deps);
      expect(down.delivered).toBe(0);
      expect(down.failed).toBeGreaterThan(0);
      expect(down.failed).toBeLessThanOrEqual(8);
      const waiting = await rows<{ n: number; tried: number }>(env.deps.db, sql`select count(*)::int as n, count(*) filter (where attempts > 0)::int as tried from outbox where delivered_at is null`);
      expect(waiting[0]).toEqual({ n: 30, tried: down.failed });
    } finally {
      Object.assign(env.deps.config, { webhookUrl: undefined });
      await env.deps.db.execute(sql`delete from outbox where delivered_at is null`);
    }
  });

  it('only one server runs a job at a time', async () => {
    let inside = 0;
    let maxInside = 0;
    const job = async () => {
      inside += 1;
      maxInside = Math.max(maxInside, inside);
      await new Promise((r) => setTimeout(r, 50));
      inside -= 1;
    };
    const results = await Promise.all([runExclusive(env.deps.db, 42, job), runExclusive(env.deps.db, 42, job)]);
    expect(maxInside).toBe(1);
    // on PostgreSQL the second is refused while the first holds the lock; PGlite serialises them
    expect(results.filter(Boolean).length).toBeGreaterThanOrEqual(1);
  });
});
