// The fast subset of the access matrix (the full one runs in `npm run assure`, check 10-access):
// every route, a deterministic sample of (route, role, place), each answer searched for the canaries
// of other schools' records, out-of-scope answers compared with absent-id answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '@xinyu/core';
import { buildApp } from '../app.js';
import { runMatrix, seedThroughApi, type MatrixReport, type OpenApiDoc } from '../test/access-matrix.js';
import { buildWorld, plantRecords, type World } from '../test/access-world.js';
import { setupTestEnv, type TestEnv } from '../test/fixture.js';

let env: TestEnv;
let world: World;
let report: MatrixReport;

/** a stable hash: the same sample every run */
function bucket(s: string, n: number): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0) % n;
}

beforeAll(async () => {
  env = await setupTestEnv();
  const { app, routeAccess } = await buildApp(env.deps);
  await app.ready();
  const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json<OpenApiDoc>();
  world = await buildWorld(env.deps.db, app, { clock: env.clock.now, advance: () => env.clock.advance(30_000) });
  await seedThroughApi(app, world, routeAccess, doc);
  await plantRecords(world);
  // the roles that matter most always (a school's people and a student), one (route, place) in ten; the other roles one in forty
  const always = new Set(['school_leader', 'counselor', 'head_teacher', 'student']);
  report = await runMatrix(app, world, routeAccess, doc, {
    log: (m) => console.log(m),
    sample: (route, role, label) => (always.has(role) ? bucket(`${route} ${label}`, 10) === 0 : bucket(`${route} ${role} ${label}`, 40) === 0),
  });
  await app.close();
}, 300_000);
afterAll(async () => env?.close());

describe('access matrix (sample)', () => {
  it('a caller for every role of ROLES, bound around the anchor student', () => {
    expect(world.callers.map((c) => c.role).sort()).toEqual([...ROLES].sort());
  });

  it('probes most routes with records in each place, and lists the others with a reason', () => {
    expect(report.routesCovered + report.permissionOnly.length).toBe(report.routesTotal);
    // every record kind a route names is made through the routes and copied to each place (seedDependents): a route left permission-only is a new kind the world does not make yet
    expect(report.routesCovered / report.routesTotal, JSON.stringify(report.permissionOnly)).toBeGreaterThan(0.98);
    for (const p of report.permissionOnly) expect(p.reason, p.route).not.toBe('');
    expect(report.requests).toBeGreaterThan(150);
  });

  it('in-scope reads answer (the ids are real), out-of-scope ones are refused', () => {
    const figures = [...report.perRoute.values()];
    expect(figures.reduce((n, f) => n + f.inScopeOk, 0)).toBeGreaterThan(5);
    expect(figures.reduce((n, f) => n + f.mustDeny, 0)).toBeGreaterThan(80);
  });

  it('no unexpected allow', () => {
    expect(report.unexpectedAllows).toEqual([]);
  });

  it('canaries planted in other schools and another district never come back', () => {
    expect(report.canariesPlanted).toBeGreaterThanOrEqual(10);
    expect(report.canaryProbes).toBeGreaterThan(150);
    expect(report.canaryLeaks).toEqual([]);
  });

  it('"not yours" answers exactly as "absent"', () => {
    expect(report.absentProbes).toBeGreaterThan(3);
    expect(report.absentMismatches).toEqual([]);
  });
});
