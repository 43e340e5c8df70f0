// The 等保 compliance profile on a real PostgreSQL server (issue 7, part 7): password complexity,
// history and rotation, the lockout and idle values in force, 三员分立 (grants through the API, rows
// written straight into the database, two grants racing), what each administrator reaches, and the
// sweep that disables accounts of students who left and accounts unused for too long.
import { DEMO_PASSWORD } from '../../packages/server/src/seed/demo.js';
import { complianceProfile } from '../../packages/server/src/test/signin-harness.js';
import { openSigninEnv } from '../lib/signin.js';
import type { AssureCheck, Figure } from '../types.js';

export const check: AssureCheck = {
  id: 'compliance',
  order: 70,
  title: '等保 profile: password rules, rotation, lockout, idle logout, 三员分立, graduated and unused accounts',
  budgetMinutes: 1,
  async run(ctx) {
    const env = await openSigninEnv(await ctx.sharedPostgres(), 'assure_compliance', 0.1);
    try {
      const r = await complianceProfile(env, { cityId: env.ids.cityId, classId: env.ids.classA2, regionId: env.ids.cityId, passwordHash: env.demoHash, password: DEMO_PASSWORD, graduatedStudentId: env.freeStudents[0]! });
      for (const x of r.rules) ctx.log(`${x.ok ? 'ok  ' : 'FAIL'} ${x.rule}: ${x.detail}`);
      const passed = r.rules.filter((x) => x.ok).length;
      const figures: Figure[] = [
        { label: 'profile rules checked through the routes / passed', value: `${r.rules.length} / ${passed}`, target: 'all', ok: passed === r.rules.length, ref: 'profile' },
        ...r.rules.filter((x) => /^(complexity|history|rotation|lockout|idle)/.test(x.rule)).map((x) => ({ label: x.rule, value: x.detail, ok: x.ok, ref: 'profile' })),
        { label: '三员: attempts to give one account two administrator roles (API, SQL, racing)', value: r.conflictTries, ref: 'separation-of-duties' },
        { label: '三员: accounts holding two of the three', value: r.conflicts, target: '0', ok: r.conflicts === 0, ref: 'separation-of-duties' },
        ...r.rules.filter((x) => x.rule.startsWith('三员')).map((x) => ({ label: x.rule, value: x.detail, ok: x.ok, ref: 'separation-of-duties' })),
        ...r.rules.filter((x) => /^(graduated|unused)/.test(x.rule)).map((x) => ({ label: x.rule, value: x.detail, ok: x.ok, ref: 'graduated-accounts' })),
      ];
      return figures;
    } finally {
      await env.close();
    }
  },
};
