import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Role } from '@xinyu/core';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { rows } from '../db/client.js';
import { openTestDatabase } from '../db/testing.js';
import { TEST_START } from '../db/test-seed.js';
import type { Deps } from '../http/context.js';
import { roleAssignments } from '../modules/access/tables.js';
import { accounts } from '../modules/auth/tables.js';
import { totpCode, totpStep } from '../modules/auth/totp.js';
import { DEMO_PASSWORD } from '../seed/demo.js';
import { newDataKey } from '../lib/sealed.js';

/** A clock tests move by hand (session timeouts, lockout, TOTP steps). */
export class TestClock {
  constructor(private t = Date.parse(TEST_START)) {}
  now = (): Date => new Date(this.t);
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface Session {
  cookie: string;
  csrf: string;
  accountId: string;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  patch(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  put(url: string, body?: unknown): Promise<LightMyRequestResponse>;
  del(url: string): Promise<LightMyRequestResponse>;
}

/** Well-known records of the demo city (seeded small), looked up by code and role. */
export interface DemoIds {
  cityId: number;
  districtA: number; // 江城区
  districtB: number; // 南湖区
  schoolA: number; // 江城区实验中学 (demo school)
  schoolB: number; // 江城区第三中学, same district
  schoolC: number; // 南湖中学, other district
  classA: number; // 七年级1班 of school A
  classA2: number; // 七年级2班 of school A
  classB: number; // a class of school B
  studentSelf: string; // the demo `student`
  committeeStudent: string;
  classmate: string; // another student of class A
  otherClassStudent: string; // a student of school A, other class, not cared for
  caredStudents: string[];
  schoolBStudent: string;
  schoolCStudent: string;
}

export interface TestEnv {
  app: FastifyInstance;
  deps: Deps;
  clock: TestClock;
  ids: DemoIds;
  login(username: string, password?: string): Promise<Session>;
  /** an extra account holding the given roles (password = demo password) */
  addAccount(username: string, roles: { role: Role; orgUnitId?: number | null; studentId?: string | null }[]): Promise<string>;
  close(): Promise<void>;
}

export function session(app: FastifyInstance, cookie: string, csrf: string, accountId: string): Session {
  const send = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
    app.inject({ method, url, headers: { cookie, 'x-csrf-token': csrf }, ...(body !== undefined ? { payload: body as object } : {}) });
  return {
    cookie,
    csrf,
    accountId,
    get: (url) => send('GET', url),
    post: (url, body) => send('POST', url, body ?? {}),
    patch: (url, body) => send('PATCH', url, body ?? {}),
    put: (url, body) => send('PUT', url, body ?? {}),
    del: (url) => send('DELETE', url),
  };
}

export async function setupTestEnv(): Promise<TestEnv> {
  // the demo city (seedTestCity) is already in the copy: the global setup seeded its template once
  const database = await openTestDatabase({ seeded: true });
  const clock = new TestClock();
  const deps: Deps = { db: database.db, dbKind: database.kind, config: { ...loadConfig({}), demo: false, dataKey: newDataKey() }, clock: clock.now };
  const { app } = await buildApp(deps);
  await app.ready();

  const unit = async (code: string) => (await rows<{ id: number }>(database.db, sql`select id from org_units where code = ${code}`))[0]!.id;
  const schoolA = await unit('S0201');
  const schoolB = await unit('S0205');
  const schoolC = await unit('S0303');
  const classOf = async (schoolId: number, level: number, no: number) =>
    (await rows<{ id: number }>(database.db, sql`select c.id from org_units c join org_units g on g.id = c.parent_id where g.parent_id = ${schoolId} and g.grade_level = ${level} and c.class_no = ${no}`))[0]!.id;
  const classA = await classOf(schoolA, 7, 1);
  const assigned = async (username: string, role: Role) =>
    (await rows<{ sid: string }>(database.db, sql`select ra.student_id as sid from role_assignments ra join accounts a on a.id = ra.account_id where a.username = ${username} and ra.role = ${role} order by ra.student_id`)).map((r) => r.sid);
  const caredStudents = await assigned('care.teacher', 'care_teacher');
  const studentSelf = (await assigned('student', 'student'))[0]!;
  const committeeStudent = (await assigned('committee', 'student'))[0]!;
  const firstStudent = async (where: ReturnType<typeof sql>) => (await rows<{ id: string }>(database.db, sql`select id from students where ${where} order by student_no limit 1`))[0]!.id;
  const ids: DemoIds = {
    cityId: await unit('LJ'),
    districtA: await unit('D01'),
    districtB: await unit('D02'),
    schoolA,
    schoolB,
    schoolC,
    classA,
    classA2: await classOf(schoolA, 7, 2),
    classB: await classOf(schoolB, 7, 1),
    studentSelf,
    committeeStudent,
    caredStudents,
    classmate: await firstStudent(sql`class_id = ${classA} and id not in (${studentSelf}, ${committeeStudent}) and id <> all(${sql.param(caredStudents)}::uuid[])`),
    otherClassStudent: await firstStudent(sql`school_id = ${schoolA} and class_id <> ${classA} and id <> all(${sql.param(caredStudents)}::uuid[])`),
    schoolBStudent: await firstStudent(sql`school_id = ${schoolB}`),
    schoolCStudent: await firstStudent(sql`school_id = ${schoolC}`),
  };
  const demoHash = (await rows<{ h: string }>(database.db, sql`select password_hash as h from accounts where username = 'school.leader'`))[0]!.h;

  const env: TestEnv = {
    app,
    deps,
    clock,
    ids,
    async login(username, password = DEMO_PASSWORD) {
      const acct = (await rows<{ id: string; totp_secret: string | null }>(database.db, sql`select id, totp_secret from accounts where username = ${username}`))[0];
      let totp: string | undefined;
      if (acct?.totp_secret) {
        clock.advance(30000); // a fresh TOTP step: codes cannot be replayed
        totp = totpCode(acct.totp_secret, totpStep(clock.now()));
      }
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: username, password, ...(totp ? { totp } : {}) } });
      expect(res.statusCode, res.body).toBe(200);
      const cookie = res.cookies.find((c) => c.name === 'xinyu_sid')!;
      const me = res.json<{ csrfToken: string; account: { id: string } }>();
      return session(app, `xinyu_sid=${cookie.value}`, me.csrfToken, me.account.id);
    },
    async addAccount(username, roles) {
      const [a] = await database.db.insert(accounts).values({ regionId: ids.cityId, username, displayName: username, passwordHash: demoHash }).returning({ id: accounts.id });
      if (roles.length) await database.db.insert(roleAssignments).values(roles.map((r) => ({ regionId: ids.cityId, accountId: a!.id, role: r.role, orgUnitId: r.orgUnitId ?? null, studentId: r.studentId ?? null })));
      return a!.id;
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
  return env;
}
