// Access matrix and IDOR canaries on a real PostgreSQL server: every route × every role of ROLES ×
// {own record, same class, other class, other school, other district, units above}; canaries planted
// in other schools' and another district's records must never come back (JSON or unzipped .xlsx);
// "not yours" must answer exactly as "absent".
import { WIDER_REACH } from '../../packages/server/src/test/access-matrix.js';
import { runAccessOnPostgres } from '../lib/access.js';
import type { AssureCheck, Figure } from '../types.js';

export const check: AssureCheck = {
  id: 'access',
  order: 10,
  title: 'access matrix (route × role × place) and IDOR canaries',
  budgetMinutes: 4,
  async run(ctx) {
    const pgServer = await ctx.sharedPostgres();
    // --quick: one (route, role, place) in ten, a smoke run of the harness
    const sample = ctx.quick
      ? (route: string, role: string, label: string) => {
          let h = 2166136261;
          for (const c of `${route} ${role} ${label}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
          return (h >>> 0) % 10 === 0;
        }
      : undefined;
    const { report, seconds } = await runAccessOnPostgres(pgServer.adminUrl, { name: `assure_access_${process.pid}`, log: ctx.log, ...(sample ? { sample } : {}) });
    ctx.log(`setup ${seconds.setup.toFixed(1)} s, matrix ${seconds.matrix.toFixed(1)} s`);
    for (const p of report.permissionOnly) ctx.log(`permission only: ${p.route} — ${p.reason}`);
    for (const w of WIDER_REACH) ctx.log(`wider reach: ${w.permission} as ${w.as} — ${w.reason}`);
    // per route: requests, probes that had to be refused, unexpected allows, in-scope reads answered / sent, places probed
    for (const [route, f] of report.perRoute) ctx.log(`route ${route}: ${f.requests} sent, ${f.mustDeny} refused-expected, ${f.unexpectedAllows} allowed, in scope ${f.inScopeOk}/${f.inScopeReads}, places ${[...f.labels].join(',') || '-'}`);
    for (const f of [...report.unexpectedAllows, ...report.canaryLeaks, ...report.absentMismatches].slice(0, 40)) ctx.log(`FINDING ${f.role} ${f.route} [${f.label}] ${f.status}: ${f.why}`);
    const inScopeOk = [...report.perRoute.values()].reduce((n, f) => n + f.inScopeOk, 0);
    const mustDeny = [...report.perRoute.values()].reduce((n, f) => n + f.mustDeny, 0);
    // routes whose in-scope reads never answered: their out-of-scope refusals prove less (a wrong query, a record the service does not show)
    const silent = [...report.perRoute].filter(([, f]) => f.inScopeReads > 0 && f.inScopeOk === 0).map(([k]) => k);
    for (const k of silent) ctx.log(`no in-scope read answered: ${k} (first: ${report.perRoute.get(k)?.inScopeFailure ?? '-'})`);
    const figures: Figure[] = [
      { label: 'routes covered (every parameter resolved to records)', value: `${report.routesCovered} / ${report.routesTotal}`, ref: 'access-matrix' },
      { label: 'routes probed for their permission only (listed in the log, with reasons)', value: report.permissionOnly.length, ref: 'access-matrix' },
      { label: 'roles in the matrix (all of ROLES)', value: report.roles, ref: 'access-matrix' },
      { label: 'access-matrix requests sent', value: report.requests, ref: 'access-matrix' },
      { label: 'probes that had to be refused', value: mustDeny, ref: 'access-matrix' },
      { label: 'in-scope reads answered (positive controls)', value: inScopeOk, ref: 'access-matrix' },
      { label: 'routes whose in-scope reads never answered 2xx (listed in the log)', value: silent.length, ref: 'access-matrix' },
      { label: 'unexpected allows', value: report.unexpectedAllows.length, target: '0', ok: report.unexpectedAllows.length === 0, ref: 'access-matrix' },
      { label: 'out-of-scope probes answered 400 before the scope check', value: report.outOfScopeInvalid, ref: 'access-matrix' },
      { label: 'canaries planted (other school, other district)', value: report.canariesPlanted, target: '≥ 10', ok: report.canariesPlanted >= 10, ref: 'idor' },
      { label: 'answers searched for canaries', value: report.canaryProbes, ref: 'idor' },
      { label: 'canaries leaked', value: report.canaryLeaks.length, target: '0', ok: report.canaryLeaks.length === 0, ref: 'idor' },
      { label: 'absent-vs-not-yours comparisons', value: report.absentProbes, ref: 'idor' },
      { label: 'absent-vs-not-yours mismatches', value: report.absentMismatches.length, target: '0', ok: report.absentMismatches.length === 0, ref: 'idor' },
    ];
    return figures;
  },
};
