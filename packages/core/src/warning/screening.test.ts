import { describe, expect, it } from 'vitest';
import { BUILTIN_INSTRUMENTS } from '../instruments/builtin/index.js';
import { scoreResponse } from '../instruments/score.js';
import { recheckDecisionFits, screeningAlert, suppress, suppressRow } from './screening.js';

const phq9 = BUILTIN_INSTRUMENTS['phq-9']!;
const answers = (values: number[]) => Object.fromEntries(values.map((v, i) => [`phq9_${i + 1}`, String(v)]));
const start = '2026-11-20T08:00:00+08:00';
const end = '2026-11-20T08:05:00+08:00';

describe('screening alert from a PHQ-9 response', () => {
  it.each([
    { name: 'all zero', values: [0, 0, 0, 0, 0, 0, 0, 0, 0], level: null, critical: false },
    { name: 'total 4 (minimal)', values: [1, 1, 1, 1, 0, 0, 0, 0, 0], level: null, critical: false },
    { name: 'total 9 (mild, no warning)', values: [1, 1, 1, 1, 1, 1, 1, 1, 0], level: null, critical: false },
    { name: 'total 10 (moderate)', values: [2, 2, 2, 2, 2, 0, 0, 0, 0], level: 'yellow', critical: false },
    { name: 'total 15 (moderately severe)', values: [3, 3, 3, 3, 3, 0, 0, 0, 0], level: 'orange', critical: false },
    { name: 'total 20 (severe)', values: [3, 3, 3, 3, 3, 3, 2, 0, 0], level: 'red', critical: false },
    { name: 'item 9 = 1 with a total of 1', values: [0, 0, 0, 0, 0, 0, 0, 0, 1], level: 'red', critical: true },
  ])('$name → $level', ({ values, level, critical }) => {
    const decision = screeningAlert(scoreResponse(phq9, { answers: answers(values), startedAt: start, submittedAt: end }));
    expect(decision?.level ?? null).toBe(level);
    expect(decision?.critical ?? false).toBe(critical);
  });

  it('an invalid (too fast) response raises no band warning, but a critical item still does', () => {
    const fast = { startedAt: start, submittedAt: '2026-11-20T08:00:05+08:00' };
    const timed = { ...phq9, validity: { minSeconds: 60 } };
    const banded = scoreResponse(timed, { answers: answers([3, 3, 3, 3, 3, 3, 3, 3, 0]), ...fast });
    expect(banded.validity.valid).toBe(false);
    expect(screeningAlert(banded)).toBeNull();
    const withCritical = scoreResponse(timed, { answers: answers([3, 3, 3, 3, 3, 3, 3, 3, 2]), ...fast });
    expect(screeningAlert(withCritical)).toMatchObject({ level: 'red', critical: true, evidence: { valid: false } });
  });
});

describe('small-cell suppression', () => {
  it.each([
    [0, false, 0],
    [1, false, null],
    [4, false, null],
    [5, false, 5],
    [3, true, 3],
  ] as const)('%i outside=%s → %s', (n, inside, shown) => expect(suppress(n, inside)).toBe(shown));

  it('hides a second cell when only one would be hidden', () => {
    expect(suppressRow({ none: 90, yellow: 20, orange: 6, red: 2 }, false)).toEqual({ none: 90, yellow: 20, orange: null, red: null });
    expect(suppressRow({ none: 90, yellow: 20, orange: 3, red: 2 }, false)).toEqual({ none: 90, yellow: 20, orange: null, red: null });
    expect(suppressRow({ none: 90, yellow: 20, orange: 0, red: 2 }, false)).toEqual({ none: 90, yellow: null, orange: 0, red: null });
    expect(suppressRow({ none: 90, yellow: 20, orange: 0, red: 2 }, true)).toEqual({ none: 90, yellow: 20, orange: 0, red: 2 });
  });
});

describe('a re-check decision fits its final level', () => {
  it.each([
    ['confirm', 'orange', 'orange', true],
    ['confirm', 'orange', 'red', false],
    ['lower', 'red', 'orange', true],
    ['lower', 'red', 'yellow', true],
    ['lower', 'orange', 'none', false],
    ['lower', 'yellow', 'yellow', false],
    ['raise', 'yellow', 'red', true],
    ['raise', 'red', 'red', false],
    ['clear', 'red', 'none', true],
    ['clear', 'yellow', 'yellow', false],
  ] as const)('%s from %s to %s → %s', (decision, initial, final, fits) => expect(recheckDecisionFits(decision, initial, final)).toBe(fits));
});
