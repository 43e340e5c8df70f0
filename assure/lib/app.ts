// A Xinyu app on a given database, driven through Fastify's inject (no port): the assurance checks'
// way of sending real HTTP requests through every hook, validator and handler.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { buildApp } from '../../packages/server/src/app.js';
import { loadConfig, type Config } from '../../packages/server/src/config.js';
import { rows, type Db } from '../../packages/server/src/db/client.js';
import type { Deps } from '../../packages/server/src/http/context.js';
import { DEMO_PASSWORD } from '../../packages/server/src/seed/demo.js';
import { newDataKey } from '../../packages/server/src/lib/sealed.js';

export interface Client {
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  put(url: string, body?: unknown): Promise<LightMyRequestResponse>;
}

export interface AssureApp {
  app: FastifyInstance;
  deps: Deps;
  login(username: string): Promise<Client>;
  close(): Promise<void>;
}

/** The app on `db` with a fresh data key; `now` is its clock (fixed, so demo data stays "current"). */
export async function startApp(db: Db, dbKind: 'pg' | 'pglite', now: () => Date, config: Partial<Config> = {}): Promise<AssureApp> {
  const deps: Deps = { db, dbKind, config: { ...loadConfig({}), demo: false, dataKey: newDataKey(), ...config }, clock: now };
  const { app } = await buildApp(deps);
  await app.ready();
  return {
    app,
    deps,
    async login(username) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: username, password: DEMO_PASSWORD } });
      if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
      const cookie = `xinyu_sid=${res.cookies.find((c) => c.name === 'xinyu_sid')!.value}`;
      const csrf = res.json<{ csrfToken: string }>().csrfToken;
      const send = (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) =>
        app.inject({ method, url, headers: { cookie, 'x-csrf-token': csrf }, ...(body !== undefined ? { payload: body as object } : {}) });
      return { get: (url) => send('GET', url), post: (url, body) => send('POST', url, body ?? {}), put: (url, body) => send('PUT', url, body ?? {}) };
    },
    close: () => app.close(),
  };
}

/** Creates an empty database `name` owned by `owner` (created as a login role when missing) on the server of `adminUrl`. */
export async function createDatabase(adminUrl: string, name: string, owner?: string): Promise<string> {
  const c = new pg.Client(adminUrl);
  await c.connect();
  try {
    if (owner && !(await c.query('select 1 from pg_roles where rolname = $1', [owner])).rowCount) await c.query(`create role "${owner}" login`);
    await c.query(`drop database if exists "${name}" with (force)`);
    await c.query(`create database "${name}"${owner ? ` owner "${owner}"` : ''}`);
  } finally {
    await c.end();
  }
  return urlFor(adminUrl, name, owner);
}

/** Creates a login role (as the DBA would) unless it exists. */
export async function createRole(adminUrl: string, role: string): Promise<void> {
  const c = new pg.Client(adminUrl);
  await c.connect();
  try {
    if (!(await c.query('select 1 from pg_roles where rolname = $1', [role])).rowCount) await c.query(`create role "${role}" login`);
  } finally {
    await c.end();
  }
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const c = new pg.Client(adminUrl);
  await c.connect();
  try {
    await c.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await c.end();
  }
}

/** The URL of database `name` as `user` on the server of `adminUrl`. */
export function urlFor(adminUrl: string, name: string, user?: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  if (user) u.username = user;
  return u.toString();
}

export async function one<T>(db: Db, q: ReturnType<typeof sql>): Promise<T> {
  return (await rows<T>(db, q))[0]!;
}

export const canary = (field: string) => `金丝雀-${field}-${randomUUID()}`;
