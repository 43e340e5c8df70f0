// Mass assignment (issue 7 part 1; the full run is `npm run assure -- --only fuzz`): every operation
// of the OpenAPI document that takes a JSON body gets a valid body plus the fields it does not have
// among schoolId, orgUnitId, role, roles, level, accountId, createdBy, id, isAdmin, orgPath, status …,
// sent by an account holding the route's permission. Each is refused with 400 naming every extra
// field ('不允许的字段'), and no table changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdPool, massAssignment, type MassAssignmentReport } from '../../../../assure/lib/fuzz.js';
import { injectFuzzEnv } from '../../../../assure/lib/fuzz-inject.js';
import { setupTestEnv, type TestEnv } from '../test/fixture.js';

let env: TestEnv;
let report: MassAssignmentReport;
let before: Record<string, number>;
let after: Record<string, number>;

beforeAll(async () => {
  env = await setupTestEnv();
  const f = await injectFuzzEnv(env);
  // real ids in the valid bodies: the students, units and accounts of the demo city
  const pool = new IdPool();
  for (const s of [...f.sessions, f.selfService]) pool.exclude.add(s.accountId);
  for (const id of [env.ids.classmate, env.ids.otherClassStudent]) pool.add('studentId', id);
  for (const id of [env.ids.classA, env.ids.classA2]) pool.add('classId', id);
  pool.add('schoolId', env.ids.schoolA);
  pool.add('orgUnitId', env.ids.schoolA);
  before = await f.snapshot();
  report = await massAssignment({ ...f, seed: 20261125, pool, oneAtATime: false });
  after = await f.snapshot();
}, 600_000);
afterAll(async () => env?.close());

describe('mass assignment', () => {
  it('probes every operation with a JSON body', () => {
    expect(report.operations).toBeGreaterThan(120);
    expect(report.probes).toBeGreaterThanOrEqual(report.operations);
  });

  it('refuses every extra field by name, with 400', () => {
    expect(report.accepted, report.samples.join('\n')).toBe(0);
    expect(report.unnamed, report.samples.join('\n')).toBe(0);
  });

  it('changes no table', () => {
    const changed = Object.keys(after).filter((k) => after[k] !== before[k]).map((k) => `${k}: ${before[k]} → ${after[k]}`);
    expect(changed).toEqual([]);
  });
});
