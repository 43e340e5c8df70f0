// The fast subset of the OpenAPI fuzzing (issue 7 part 2; the full run is `npm run assure -- --only
// fuzz`): every operation of /api/openapi.json gets a few seeded valid and invalid requests from a
// signed-in account that holds its permission. No 5xx, every answer matches its declared schema (or
// the error shape), no stack trace, SQL text, file path or driver message in any answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFindings, runFuzz, type FuzzReport } from '../../../../assure/lib/fuzz.js';
import { injectFuzzEnv } from '../../../../assure/lib/fuzz-inject.js';
import { setupTestEnv, type TestEnv } from '../test/fixture.js';

let env: TestEnv;
let report: FuzzReport;

beforeAll(async () => {
  env = await setupTestEnv();
  const f = await injectFuzzEnv(env);
  report = await runFuzz({ ...f, seed: 20261125, validPerOp: Number(process.env.XINYU_FUZZ_VALID ?? 1), invalidPerOp: Number(process.env.XINYU_FUZZ_INVALID ?? 1), concurrency: 2, harvest: 'none' });
}, 600_000);
afterAll(async () => env?.close());

describe('OpenAPI fuzzing (fast subset)', () => {
  it('sends requests to every operation of the OpenAPI document', () => {
    expect(report.operations).toBeGreaterThan(250);
    expect(report.operationsSent).toBe(report.operations);
    // most requests get past access checks into validation and the handlers
    expect(report.operationsReached / report.operations).toBeGreaterThan(0.9);
    expect(report.oracles.counts.requests).toBeGreaterThan(report.operations * 1.5);
  });

  it('answers no request with a 5xx', () => {
    const f = report.oracles.findings.filter((x) => x.kind === '5xx' || x.kind === 'transport');
    expect(report.oracles.counts.status5xx + report.oracles.counts.transport, describeFindings(f)).toBe(0);
  });

  it('answers every request with its declared schema, or the error shape', () => {
    expect(report.oracles.counts.schemaViolations, describeFindings(report.oracles.findings.filter((x) => x.kind === 'schema'))).toBe(0);
  });

  it('leaks no stack trace, SQL text, file path or driver message', () => {
    expect(report.oracles.counts.leaks, describeFindings(report.oracles.findings.filter((x) => x.kind === 'leak'))).toBe(0);
  });
});
