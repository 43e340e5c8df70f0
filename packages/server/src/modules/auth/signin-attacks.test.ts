// The fast subset of `npm run assure -- --only signin,compliance`: the same scenarios
// (test/signin-harness.ts) at small sizes, on both engines.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client.js';
import { DEMO_PASSWORD } from '../../seed/demo.js';
import { setupTestEnv, type TestEnv } from '../../test/fixture.js';
import {
  attempt,
  bruteForce,
  complianceProfile,
  ksCritical,
  ksStatistic,
  mannWhitneyZ,
  resetThrottles,
  sessionDeaths,
  stuffing,
  timeouts,
  totpReplay,
  type SigninTarget,
} from '../../test/signin-harness.js';

let env: TestEnv;
let t: SigninTarget;
let demoHash: string;
let students: string[];
beforeAll(async () => {
  env = await setupTestEnv();
  t = { app: env.app, deps: env.deps, advance: (ms) => env.clock.advance(ms) };
  demoHash = (await rows<{ h: string }>(env.deps.db, sql`select password_hash as h from accounts where username = 'school.leader'`))[0]!.h;
  students = (await rows<{ id: string }>(env.deps.db, sql`select s.id from students s where s.school_id = ${env.ids.schoolA} and s.status = 'active'
    and not exists (select 1 from accounts a where a.student_id = s.id) and not exists (select 1 from role_assignments ra where ra.student_id = s.id) order by s.student_no limit 2`)).map((r) => r.id);
});
afterAll(async () => env?.close());

describe('sign-in attacks', () => {
  it('a burst of concurrent guesses at one login checks at most 5 passwords, and none gets in while locked', async () => {
    await resetThrottles(t);
    const r = await bruteForce(t, { login: 'head.teacher', password: DEMO_PASSWORD, attempts: 8, concurrency: 4, lockProbes: 1 });
    expect(r.passwordChecks).toBeLessThanOrEqual(env.deps.config.lockoutFailures);
    expect(r.passwordChecks + r.lockedAnswers).toBe(8);
    expect(r.acceptedDuringLock).toBe(0);
    expect(r.acceptedAfterLock).toBe(true);
  });

  it('more right sign-ins at once than the failure limit refuse the extra ones but lock nothing', async () => {
    await resetThrottles(t);
    const res = await Promise.all(Array.from({ length: 7 }, (_, i) => attempt(t, { login: 'counselor', password: DEMO_PASSWORD, ip: `10.9.9.${i}` })));
    expect(res.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(5);
    expect((await attempt(t, { login: 'counselor', password: DEMO_PASSWORD })).status).toBe(200);
  });

  it('credential stuffing from one address is cut off at the address limit, a real pair after it refused', async () => {
    await resetThrottles(t);
    env.deps.config.loginSourceFailures = 8;
    try {
      const r = await stuffing(t, { names: ['s1.x', 's2.x', 's3.x', 's4.x', 's5.x', 's6.x'], passwords: ['123456', 'Passw0rd!'], valid: [{ login: 'counselor', password: DEMO_PASSWORD }], manyAddresses: false, concurrency: 3 });
      expect(r.checked).toBeLessThanOrEqual(8);
      expect(r.throttled).toBe(r.attempts - r.checked);
      expect(r.validAfterThrottle).toBe(1);
      expect(r.acceptedAfterThrottle).toBe(0);
    } finally {
      env.deps.config.loginSourceFailures = 50;
    }
  });

  it('stuffing spread over many addresses trips the global limit; an address that signed in before stays open', async () => {
    await resetThrottles(t);
    env.deps.config.loginGlobalFailures = 10;
    try {
      const r = await stuffing(t, { names: Array.from({ length: 7 }, (_, i) => `g${i}.x`), passwords: ['123456', 'qwerty!1'], valid: [{ login: 'care.teacher', password: DEMO_PASSWORD }], manyAddresses: true, concurrency: 4, knownSource: { login: 'school.leader', password: DEMO_PASSWORD } });
      expect(r.checked).toBeLessThanOrEqual(10 + 4);
      expect(r.throttled).toBeGreaterThan(0);
      expect(r.acceptedAfterThrottle).toBe(0);
      expect(r.knownSourceStillSignsIn).toBe(true);
    } finally {
      env.deps.config.loginGlobalFailures = 1000;
      await resetThrottles(t);
    }
  });

  it('a TOTP code passes once, even sent four times at the same moment', async () => {
    const r = await totpReplay(t, { login: 'district.admin', password: DEMO_PASSWORD, parallel: 4 });
    expect(r.acceptedInParallel).toBe(1);
    expect(r.replayAccepted).toBe(0);
    expect(r.olderStepAccepted).toBe(0);
  });

  it('sessions die at sign-out, password change, disable and graduation; a revoked role stops at once', async () => {
    const r = await sessionDeaths(t, { admin: { login: 'school.leader', password: DEMO_PASSWORD }, schoolId: env.ids.schoolA, classId: env.ids.classA2, regionId: env.ids.cityId, passwordHash: demoHash, password: DEMO_PASSWORD, perEvent: 1, studentId: students[0]! });
    for (const e of r.events) expect(e.stillAlive, e.event).toBe(0);
    expect(r.events.find((e) => e.event.startsWith('password'))!.keptAlive).toBe(true);
  });

  it('idle and absolute timeouts hold on the controlled clock', async () => {
    const r = await timeouts(t, { login: 'counselor', password: DEMO_PASSWORD });
    for (const c of r.checks) expect(c.ok, c.name).toBe(true);
  });

  it('the timing statistics tell distributions apart only when they differ', () => {
    const a = Array.from({ length: 200 }, (_, i) => 30 + (i % 20) / 10);
    const same = Array.from({ length: 200 }, (_, i) => 30 + ((i * 7) % 20) / 10);
    const slower = a.map((x) => x + 1.5);
    expect(ksStatistic(a, same)).toBeLessThan(ksCritical(200, 200));
    expect(Math.abs(mannWhitneyZ(a, same))).toBeLessThan(2.58);
    expect(ksStatistic(a, slower)).toBeGreaterThan(ksCritical(200, 200));
    expect(Math.abs(mannWhitneyZ(a, slower))).toBeGreaterThan(2.58);
  });
});

describe('等保 compliance profile', () => {
  it('password rules, rotation, 三员分立 and the sweep of graduated and unused accounts hold', async () => {
    await resetThrottles(t);
    env.deps.config.passwordHistory = 3; // the rule at a smaller N (the assure check runs the default 5)
    const r = await complianceProfile(t, { cityId: env.ids.cityId, classId: env.ids.classA2, regionId: env.ids.cityId, passwordHash: demoHash, password: DEMO_PASSWORD, graduatedStudentId: students[1]! });
    for (const rule of r.rules) expect(rule.ok, `${rule.rule}: ${rule.detail}`).toBe(true);
    expect(r.conflicts).toBe(0);
    expect(r.conflictTries).toBeGreaterThanOrEqual(10);
  });
});
