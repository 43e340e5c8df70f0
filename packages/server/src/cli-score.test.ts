// `npm run cli -- score QUESTIONNAIRE.json RESPONSE.json`, run as a user would (one process per case).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PHQ9, toFhirQuestionnaire } from '@xinyu/core';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xinyu-cli-score-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, json: unknown): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, JSON.stringify(json));
  return p;
}

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(path.join(root, 'node_modules/.bin/tsx'), ['packages/server/src/cli.ts', ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const questionnaire = file('phq9.json', { ...toFhirQuestionnaire(PHQ9), url: 'https://example.org/Questionnaire/phq-9' });
const answer = (codes: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  resourceType: 'QuestionnaireResponse',
  status: 'completed',
  questionnaire: 'https://example.org/Questionnaire/phq-9|1.0.0',
  item: Object.entries(codes).map(([linkId, code]) => ({ linkId, answer: [{ valueCoding: { code, extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/ordinalValue', valueDecimal: 0 }] } }] })),
  ...extra,
});
const items = (n: number, code: string) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`phq9_${i + 1}`, code]));

describe('cli score', () => {
  it('prints scores, bands, critical items and validity as JSON, recomputing scores', async () => {
    const r = await cli('score', questionnaire, file('ok.json', answer({ ...items(9, '2'), phq9_9: '1' })));
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({
      instrument: { id: 'phq-9', version: '1.0.0' },
      scales: [{ id: 'total', raw: 17, band: { code: 'moderately_severe', level: 'orange' } }],
      critical: [{ itemId: 'phq9_9', level: 'red' }],
      validity: { valid: true, flags: [] },
      warningLevel: 'red',
    });
  });

  it('fails with a clear message and exit 2 when the response does not match the questionnaire', async () => {
    // three processes at once: each start-up costs a few seconds
    const [wrongCode, otherQuestionnaire, missing] = await Promise.all([
      cli('score', questionnaire, file('bad-code.json', answer({ ...items(9, '0'), phq9_2: 'LA6569-3' }))),
      cli('score', questionnaire, file('other.json', answer(items(9, '0'), { questionnaire: 'https://example.org/Questionnaire/gad-7' }))),
      cli('score', questionnaire, path.join(dir, 'nope.json')),
    ]);
    expect(wrongCode.code).toBe(2);
    expect(wrongCode.stderr).toContain('答卷与量表不符 response does not match the questionnaire');
    expect(wrongCode.stderr).toContain('phq9_2: "LA6569-3" is not an option (options: 0, 1, 2, 3)');
    expect(otherQuestionnaire.code).toBe(2);
    expect(otherQuestionnaire.stderr).toContain('the response answers https://example.org/Questionnaire/gad-7, not https://example.org/Questionnaire/phq-9');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('找不到文件 file not found');
  });
});
