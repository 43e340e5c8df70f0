// Sign-in attacks on a real PostgreSQL server (issue 7, part 4): brute force of one account in
// concurrent bursts, credential stuffing from one address and from a new address per attempt, TOTP
// replay (also twenty requests with one code at the same moment), sessions after sign-out, password
// change, disable, role revoke and graduation, idle and absolute timeouts on a controlled clock, and
// whether the answer time tells a real login from a made-up one (KS and Mann–Whitney).
import { sql } from 'drizzle-orm';
import { rows } from '../../packages/server/src/db/client.js';
import { DEMO_PASSWORD } from '../../packages/server/src/seed/demo.js';
import { bruteForce, loginTiming, resetThrottles, sessionDeaths, stuffing, timeouts, totpReplay } from '../../packages/server/src/test/signin-harness.js';
import { openSigninEnv } from '../lib/signin.js';
import type { AssureCheck, Figure } from '../types.js';

export const check: AssureCheck = {
  id: 'signin',
  order: 40,
  title: 'sign-in attacks: brute force, credential stuffing, TOTP replay, session ends, timeouts, login timing',
  budgetMinutes: 3,
  async run(ctx) {
    const q = ctx.quick;
    const env = await openSigninEnv(await ctx.sharedPostgres(), 'assure_signin', 0.1);
    const figures: Figure[] = [];
    try {
      const cfg = env.deps.config;
      ctx.log(`profile in force: lock after ${cfg.lockoutFailures} failures for ${cfg.lockoutMinutes} min; address limit ${cfg.loginSourceFailures}, global limit ${cfg.loginGlobalFailures} per ${cfg.loginWindowMinutes} min`);

      // 1. brute force of one account, concurrent bursts from a new address each
      const bf = await bruteForce(env, { login: 'head.teacher', password: DEMO_PASSWORD, attempts: q ? 40 : 100, concurrency: q ? 10 : 20, lockProbes: q ? 3 : 10 });
      ctx.log(`brute force: ${bf.attempts} guesses, ${bf.passwordChecks} checked, ${bf.lockedAnswers} answered 'locked'; right password during the lock accepted ${bf.acceptedDuringLock}, after it ${bf.acceptedAfterLock}`);
      figures.push(
        { label: `brute force: guesses sent (bursts of ${q ? 10 : 20} at once)`, value: bf.attempts, ref: 'sign-in' },
        { label: 'brute force: passwords checked before the lock', value: bf.passwordChecks, target: `≤ ${cfg.lockoutFailures}`, ok: bf.passwordChecks <= cfg.lockoutFailures, ref: 'sign-in' },
        { label: 'brute force: right password accepted during the lock', value: bf.acceptedDuringLock, target: '0', ok: bf.acceptedDuringLock === 0, ref: 'sign-in' },
        { label: 'brute force: right password accepted once the lock ran out', value: bf.acceptedAfterLock ? 'yes' : 'no', target: 'yes', ok: bf.acceptedAfterLock, ref: 'sign-in' },
      );

      // 2. credential stuffing from one address (the default address limit)
      await resetThrottles(env);
      const valid = [{ login: 'counselor', password: DEMO_PASSWORD }, { login: 'school.leader', password: DEMO_PASSWORD }, { login: 'care.teacher', password: DEMO_PASSWORD }];
      const names = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${i}.leak`);
      const one = await stuffing(env, { names: names(q ? 30 : 100, 'a'), passwords: ['123456', 'Passw0rd!', 'Xinyu@2025'], valid, manyAddresses: false, concurrency: 10 });
      ctx.log(`stuffing, one address: ${one.attempts} attempts, ${one.checked} checked, ${one.throttled} throttled, real pairs after the throttle ${one.validAfterThrottle}, accepted ${one.acceptedAfterThrottle}`);
      figures.push(
        { label: 'stuffing from one address: attempts / passwords checked', value: `${one.attempts} / ${one.checked}`, target: `checked ≤ ${cfg.loginSourceFailures + 10}`, ok: one.checked <= cfg.loginSourceFailures + 10, ref: 'sign-in' },
        { label: 'stuffing from one address: accepted after the throttle', value: `${one.acceptedAfterThrottle} of ${one.validAfterThrottle} real pairs`, target: '0', ok: one.acceptedAfterThrottle === 0 && one.validAfterThrottle > 0, ref: 'sign-in' },
      );

      // 3. credential stuffing, a new address per attempt: the global limit (lowered to 150 here to keep the run short)
      await resetThrottles(env);
      const globalLimit = q ? 60 : 150;
      cfg.loginGlobalFailures = globalLimit;
      const many = await stuffing(env, { names: names(q ? 50 : 120, 'b'), passwords: ['123456', 'qwerty!1'], valid, manyAddresses: true, concurrency: 10, knownSource: { login: 'school.leader', password: DEMO_PASSWORD } });
      cfg.loginGlobalFailures = 1000;
      ctx.log(`stuffing, many addresses (global limit ${globalLimit}): ${many.attempts} attempts, ${many.checked} checked, ${many.throttled} throttled, accepted after ${many.acceptedAfterThrottle} of ${many.validAfterThrottle}; known address still signs in: ${many.knownSourceStillSignsIn}`);
      figures.push(
        { label: `stuffing from ${many.attempts} addresses: attempts / passwords checked (global limit ${globalLimit})`, value: `${many.attempts} / ${many.checked}`, target: `checked ≤ ${globalLimit + 10}`, ok: many.checked <= globalLimit + 10, ref: 'sign-in' },
        { label: 'stuffing from many addresses: accepted after the throttle', value: `${many.acceptedAfterThrottle} of ${many.validAfterThrottle} real pairs`, target: '0', ok: many.acceptedAfterThrottle === 0 && many.validAfterThrottle > 0, ref: 'sign-in' },
        { label: 'an address that signed in before still signs in during the global block', value: many.knownSourceStillSignsIn ? 'yes' : 'no', target: 'yes', ok: many.knownSourceStillSignsIn === true, ref: 'sign-in' },
      );
      await resetThrottles(env);

      // 4. TOTP replay
      const totp = await totpReplay(env, { login: 'district.admin', password: DEMO_PASSWORD, parallel: q ? 5 : 20 });
      ctx.log(`TOTP: ${totp.parallel} sign-ins with one code at once → ${totp.acceptedInParallel} accepted; replay ${totp.replayAccepted}, older step ${totp.olderStepAccepted}`);
      figures.push(
        { label: `TOTP: one code sent ${totp.parallel} times at once, accepted`, value: totp.acceptedInParallel, target: '1', ok: totp.acceptedInParallel === 1, ref: 'totp-replay' },
        { label: 'TOTP: replayed or older codes accepted', value: totp.replayAccepted + totp.olderStepAccepted, target: '0', ok: totp.replayAccepted + totp.olderStepAccepted === 0, ref: 'totp-replay' },
      );

      // 5. sessions that must end
      const sd = await sessionDeaths(env, { admin: { login: 'school.leader', password: DEMO_PASSWORD }, schoolId: env.ids.schoolA, classId: env.ids.classA2, regionId: env.ids.cityId, passwordHash: env.demoHash, password: DEMO_PASSWORD, perEvent: q ? 2 : 5, studentId: env.freeStudents[0]! });
      for (const e of sd.events) {
        ctx.log(`session end — ${e.event}: ${e.stillAlive} of ${e.shouldDie} still alive${e.keptAlive !== undefined ? `, the changing session kept: ${e.keptAlive}` : ''}`);
        figures.push({ label: `sessions alive after: ${e.event}`, value: `${e.stillAlive} of ${e.shouldDie}`, target: '0', ok: e.stillAlive === 0 && e.keptAlive !== false, ref: 'sessions' });
      }

      // 6. timeouts on the controlled clock
      const to = await timeouts(env, { login: 'counselor', password: DEMO_PASSWORD });
      for (const c of to.checks) ctx.log(`timeout: ${c.name}: ${c.ok ? 'ok' : 'FAILED'}`);
      const passed = to.checks.filter((c) => c.ok).length;
      figures.push({ label: `timeout checks passed (idle ${cfg.sessionIdleMinutes} min, absolute ${cfg.sessionAbsoluteHours} h)`, value: `${passed} / ${to.checks.length}`, target: 'all', ok: passed === to.checks.length, ref: 'sessions' });

      // 7. timing of a real vs a made-up login
      await resetThrottles(env);
      cfg.loginGlobalFailures = 100_000;
      // real logins: the demo's accounts and, to have enough of them, extra staff accounts like them
      const wanted = q ? 30 : 120;
      await env.deps.db.execute(sql`insert into accounts (region_id, username, display_name, password_hash)
        select ${env.ids.cityId}, 'timing.staff' || i, '教师' || i, ${env.demoHash} from generate_series(1, ${wanted}) i`);
      const real = (await rows<{ u: string }>(env.deps.db, sql`select username as u from accounts where not disabled and username not like 'sd.%' order by random() limit ${wanted}`)).map((r) => r.u);
      const madeUp = real.map((_, i) => `nobody${i}.${Math.random().toString(36).slice(2, 7)}`);
      const tm = await loginTiming(env, { real, madeUp, perLogin: 1 });
      cfg.loginGlobalFailures = 1000;
      const ksOk = tm.ks < tm.ksCritical;
      const mwOk = Math.abs(tm.mannWhitneyZ) < 2.58;
      ctx.log(`timing: ${tm.samples} samples, median real ${tm.realMedianMs.toFixed(2)} ms vs made-up ${tm.madeUpMedianMs.toFixed(2)} ms; KS D = ${tm.ks.toFixed(3)} (critical ${tm.ksCritical.toFixed(3)} at α = 0.01), Mann–Whitney z = ${tm.mannWhitneyZ.toFixed(2)}`);
      figures.push(
        { label: `login timing: median real / made-up login (${tm.samples} wrong-password attempts)`, value: `${tm.realMedianMs.toFixed(1)} / ${tm.madeUpMedianMs.toFixed(1)} ms`, ref: 'login-timing' },
        { label: 'login timing: Kolmogorov–Smirnov D (no difference at α = 0.01)', value: tm.ks.toFixed(3), target: `< ${tm.ksCritical.toFixed(3)}`, ok: ksOk, ref: 'login-timing' },
        { label: 'login timing: Mann–Whitney |z|', value: Math.abs(tm.mannWhitneyZ).toFixed(2), target: '< 2.58', ok: mwOk, ref: 'login-timing' },
      );
    } finally {
      await env.close();
    }
    return figures;
  },
};
