// A PostgreSQL connection lost while the app holds it (in a transaction, between two statements) must
// fail that work, not the process: the immediate-stop drill of `npm run assure` (durability) ended
// the server with an unhandled 'error' event of a checked-out pg client before db/client.ts listened.
// And while PostgreSQL is down, the API answers 503 (with Retry-After, the error shape and a Chinese
// message), not 500: the database is unavailable for a moment, the app is not faulty.
import net from 'node:net';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { databaseUnavailable } from '../http/errors.js';
import { newDataKey } from '../lib/sealed.js';
import { DEMO_PASSWORD } from '../seed/demo.js';
import { TestClock } from '../test/fixture.js';
import { openDatabase, rows } from './client.js';
import { openTestDatabase, testDbKind } from './testing.js';

/** A TCP relay to PostgreSQL that stops like the server (open connections cut, new ones refused) and starts again on its port. */
async function relayTo(target: URL): Promise<{ url: string; stop(): Promise<void>; start(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect(Number(target.port), target.hostname);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  let port = 0;
  const start = async () => {
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  };
  await start();
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    start,
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

describe('a lost PostgreSQL connection', () => {
  it.skipIf(testDbKind() !== 'pg')('fails the transaction that held it, leaves the process running, and the pool connects anew', async () => {
    const database = await openTestDatabase();
    const killer = new pg.Client({ connectionString: database.url });
    await killer.connect();
    try {
      const failed = await database.db
        .transaction(async (tx) => {
          const pid = (await rows<{ pid: number }>(tx, sql`select pg_backend_pid() as pid`))[0]!.pid;
          await killer.query('select pg_terminate_backend($1)', [pid]);
          // the server's goodbye arrives while this transaction runs no statement
          await new Promise((r) => setTimeout(r, 300));
          await rows(tx, sql`select 1`);
        })
        .then(() => null, (e: unknown) => e);
      expect(failed).toBeInstanceOf(Error);
      // what the app's error handler sees is a lost database, answered 503
      expect(databaseUnavailable(failed)).toBe(true);
      expect((await rows<{ ok: number }>(database.db, sql`select 1 as ok`))[0]!.ok).toBe(1);

      // a statement cut by the server's shutdown (a fast stop terminates backends: SQLSTATE 57P01)
      const victim = new pg.Client({ connectionString: database.url });
      victim.on('error', () => undefined);
      await victim.connect();
      const pid = (await victim.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      const sleeping = victim.query('select pg_sleep(30)').then(() => null, (e: unknown) => e);
      await new Promise((r) => setTimeout(r, 100));
      await killer.query('select pg_terminate_backend($1)', [pid]);
      const shutdown = (await sleeping) as { code?: string } | null;
      expect(shutdown?.code).toBe('57P01');
      expect(databaseUnavailable(shutdown)).toBe(true);
      await victim.end().catch(() => undefined);
      // a fault of the query itself is not an outage
      const syntax = await killer.query('select from nowhere where').then(() => null, (e: unknown) => e);
      expect(databaseUnavailable(syntax)).toBe(false);
    } finally {
      await killer.end();
      await database.close();
    }
  });

  it.skipIf(testDbKind() !== 'pg')('answers 503 with Retry-After and a Chinese message while PostgreSQL is down, and serves again once it is back', async () => {
    const database = await openTestDatabase({ seeded: true });
    const relay = await relayTo(new URL(database.url!));
    const appDb = await openDatabase({ databaseUrl: relay.url, poolSize: 2 });
    const deps = { db: appDb.db, dbKind: 'pg' as const, config: { ...loadConfig({}), demo: false, dataKey: newDataKey() }, clock: new TestClock().now };
    const { app } = await buildApp(deps);
    await app.ready();
    try {
      const login = () => app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'counselor', password: DEMO_PASSWORD } });
      const signedIn = await login();
      expect(signedIn.statusCode, signedIn.body).toBe(200);
      const cookie = signedIn.headers['set-cookie'];
      const sid = (Array.isArray(cookie) ? cookie : [cookie ?? '']).map((c) => c.split(';')[0]!).find((c) => c.startsWith('xinyu_sid='))!;
      const me = () => app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: sid } });
      expect((await me()).statusCode).toBe(200);

      // PostgreSQL goes away: pooled connections cut ("Connection terminated"), new ones refused (ECONNREFUSED)
      await relay.stop();
      for (const res of [await me(), await login(), await app.inject({ method: 'GET', url: '/api/v1/students?page=1', headers: { cookie: sid } })]) {
        expect(res.statusCode, res.body).toBe(503);
        expect(res.headers['retry-after']).toBe('5');
        expect(res.json()).toEqual({ error: { code: 'unavailable', message: '数据库暂不可用，请稍后再试' } });
        expect(res.body).not.toMatch(/ECONN|select|Failed query|at .*\.(ts|js)/i);
      }
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);

      // back up: the same pool connects anew and the same session serves again
      await relay.start();
      expect((await me()).statusCode).toBe(200);
    } finally {
      await app.close();
      await appDb.close().catch(() => undefined);
      await relay.stop().catch(() => undefined);
      await database.close();
    }
  });
});
