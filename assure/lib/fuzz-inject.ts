// The fuzzing harness (fuzz.ts) inside vitest: requests through app.inject on the test fixture's
// seeded demo city, signed in as the demo accounts.
import { buildApp } from '../../packages/server/src/app.js';
import type { TestEnv } from '../../packages/server/src/test/fixture.js';
import { FUZZ_USERS, fuzzAccountLinks, tableCounts, type DeclaredAccess, type FuzzSession, type OpenApiDocument, type Send } from './fuzz.js';


export interface InjectFuzzEnv {
  doc: OpenApiDocument;
  access: Map<string, DeclaredAccess>;
  sessions: FuzzSession[];
  selfService: FuzzSession;
  send: Send;
  /** the records linked to the fuzzing accounts, kept out of the id pool (fuzzAccountLinks) */
  exclude: string[];
  /** row counts of every table and the audit log's last seq (mass assignment must not move them) */
  snapshot(): Promise<Record<string, number>>;
}

export async function injectFuzzEnv(env: TestEnv): Promise<InjectFuzzEnv> {
  const send: Send = async (r) => {
    const res = await env.app.inject({ method: r.method, url: r.url, headers: r.headers, ...(r.payload !== undefined ? { payload: r.payload } : {}) });
    return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body: res.body };
  };
  const signIn = async (username: string): Promise<FuzzSession> => {
    const s: FuzzSession = { username, accountId: '', permissions: new Set(), cookie: '', csrf: '', relogin: async () => undefined };
    s.relogin = async () => {
      const session = await env.login(username);
      const me = JSON.parse((await session.get('/api/v1/auth/me')).body) as { permissions: string[] };
      Object.assign(s, { accountId: session.accountId, cookie: session.cookie, csrf: session.csrf, permissions: new Set(me.permissions) });
    };
    await s.relogin();
    return s;
  };
  const sessions: FuzzSession[] = [];
  for (const u of FUZZ_USERS) sessions.push(await signIn(u));
  await env.addAccount('fuzz.self', [{ role: 'counselor', orgUnitId: env.ids.schoolA }]);
  const selfService = await signIn('fuzz.self');
  // the access each route declared (a second app on the same database: buildApp collects it)
  const { app, routeAccess } = await buildApp(env.deps);
  await app.close();
  const doc = JSON.parse((await send({ method: 'GET', url: '/api/openapi.json', headers: {} })).body) as OpenApiDocument;
  const snapshot = () => tableCounts(env.deps.db);
  const { ids: exclude } = await fuzzAccountLinks(env.deps.db, [...sessions, selfService].map((s) => s.accountId));
  return { doc, access: routeAccess as Map<string, DeclaredAccess>, sessions, selfService, send, exclude, snapshot };
}
