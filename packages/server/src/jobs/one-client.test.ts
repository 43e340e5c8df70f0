// A scheduled job works inside one transaction: one PostgreSQL connection, which runs one statement
// at a time. The dashboard figures job reuses the dashboard's reads, written for the pool (Promise.all
// over several statements): on the job's connection pg 8 queued them with a DeprecationWarning
// ("Calling client.query() when the client is already executing a query"), pg 9 refuses them.
// db/client.ts hands each connection its statements one by one; every job, run as the scheduler runs
// it, gives its connection one statement at a time.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDbKind } from '../db/testing.js';
import { setupTestEnv, type TestEnv } from '../test/fixture.js';
import { JOBS, runExclusive } from './scheduler.js';

const original = pg.Client.prototype.query;
const inFlight = new Map<pg.Client, number>();
let overlaps = 0;

let env: TestEnv;
beforeAll(async () => {
  if (testDbKind() !== 'pg') return;
  // counts, per connection, the statements given to pg and not yet answered (installed before the
  // test database's pool opens its connections)
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const n = (inFlight.get(this) ?? 0) + 1;
    inFlight.set(this, n);
    if (n > 1) overlaps++;
    const done = () => inFlight.set(this, (inFlight.get(this) ?? 1) - 1);
    const result = (original as (...a: unknown[]) => unknown).apply(this, args);
    if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(done, done);
    else done();
    return result;
  } as typeof original;
  env = await setupTestEnv();
});
afterAll(async () => {
  pg.Client.prototype.query = original;
  await env?.close();
});

describe('scheduled jobs on PostgreSQL', () => {
  it.skipIf(testDbKind() !== 'pg')('give their transaction’s connection one statement at a time', async () => {
    overlaps = 0;
    const ran: string[] = [];
    for (const job of JOBS) {
      await runExclusive(env.deps.db, job.lockKey, async (tx) => void (await job.run(env.deps, tx)));
      ran.push(job.name);
    }
    expect(ran).toContain('dashboard figures');
    expect(overlaps).toBe(0);
  });
});
