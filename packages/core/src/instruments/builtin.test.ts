// Golden tests of the built-in instruments and the example: known answer sets → known scores,
// bands and warning levels, at every band boundary.
import { describe, expect, it } from 'vitest';
import { CES_DC, EXAMPLE_MULTIFACTOR, GAD7, PHQ9 } from './builtin/index.js';
import { type InstrumentDefinition, loadInstrument } from './definition.js';
import { type ResponseInput, scoreResponse } from './score.js';

/** Answers whose scores add up to `total`, filling items in order (each at most `max`). */
function answersFor(prefix: string, n: number, total: number, max = 3, last = n): Record<string, string> {
  const out: Record<string, string> = {};
  let left = total;
  const order = [...Array.from({ length: n }, (_, i) => i + 1).filter((i) => i !== last), last];
  for (const i of order) {
    const s = Math.min(max, left);
    out[`${prefix}_${i}`] = String(s);
    left -= s;
  }
  return out;
}

describe('built-ins are valid definitions', () => {
  it.each([PHQ9, GAD7, CES_DC, EXAMPLE_MULTIFACTOR])('$id loads unchanged', (def: InstrumentDefinition) => {
    expect(loadInstrument(JSON.parse(JSON.stringify(def)))).toEqual(def);
    expect(def.licence.text['zh-CN'].length).toBeGreaterThan(10);
  });
});

describe('PHQ-9', () => {
  // item 9 is filled last, so totals up to 24 leave it at 0 (no critical item)
  it.each([
    [0, 'none', 'none'],
    [4, 'none', 'none'],
    [5, 'mild', 'none'],
    [9, 'mild', 'none'],
    [10, 'moderate', 'yellow'],
    [14, 'moderate', 'yellow'],
    [15, 'moderately_severe', 'orange'],
    [19, 'moderately_severe', 'orange'],
    [20, 'severe', 'red'],
    [24, 'severe', 'red'],
  ] as const)('total %i → %s, warning %s', (total, band, level) => {
    const r = scoreResponse(PHQ9, { answers: answersFor('phq9', 9, total) });
    expect(r.scales).toEqual([{ id: 'total', raw: total, band: { code: band, level, label: expect.any(Object) as unknown }, answered: 9, of: 9 }]);
    expect(r.critical).toEqual([]);
    expect(r.warningLevel).toBe(level);
    expect(r.validity).toEqual({ valid: true, flags: [] });
    expect(r.complete).toBe(true);
  });

  it('total 27 (every item "nearly every day") is severe and item 9 is critical', () => {
    const r = scoreResponse(PHQ9, { answers: answersFor('phq9', 9, 27) });
    expect(r.scales[0]).toMatchObject({ raw: 27, band: { code: 'severe', level: 'red' } });
    expect(r.critical).toEqual([{ itemId: 'phq9_9', level: 'red', value: '3', label: PHQ9.critical![0]!.label }]);
  });

  it.each([
    ['1', 'red'],
    ['2', 'red'],
    ['3', 'red'],
    ['0', 'none'],
  ] as const)('item 9 = %s with every other item 0 → warning %s whatever the total', (item9, level) => {
    const r = scoreResponse(PHQ9, { answers: { ...answersFor('phq9', 9, 0), phq9_9: item9 } });
    expect(r.scales[0]!.band?.code).toBe('none');
    expect(r.critical.map((c) => c.level)).toEqual(level === 'red' ? ['red'] : []);
    expect(r.warningLevel).toBe(level);
  });

  it('item 10 (unscored) is asked only when a problem was checked off', () => {
    const none = scoreResponse(PHQ9, { answers: { ...answersFor('phq9', 9, 0), phq9_10: 'very' } });
    expect(none.skipped).toEqual(['phq9_10']);
    const some = scoreResponse(PHQ9, { answers: answersFor('phq9', 9, 1) });
    expect(some.skipped).toEqual([]);
    expect(some.missing).toEqual([]); // optional
    expect(scoreResponse(PHQ9, { answers: { ...answersFor('phq9', 9, 3), phq9_10: 'somewhat' } }).scales[0]!.raw).toBe(3);
  });

  it('a missing item leaves the total unscored but still raises the critical item', () => {
    const answers: Record<string, string> = { ...answersFor('phq9', 9, 0), phq9_9: '2' };
    delete answers.phq9_3;
    const r = scoreResponse(PHQ9, { answers });
    expect(r.complete).toBe(false);
    expect(r.missing).toEqual(['phq9_3']);
    expect(r.scales[0]).toMatchObject({ raw: null, band: null, answered: 8, of: 9 });
    expect(r.validity.flags).toEqual([{ rule: 'incomplete', detail: '1 required item(s) unanswered: phq9_3' }]);
    expect(r.warningLevel).toBe('red');
  });
});

describe('GAD-7', () => {
  it.each([
    [0, 'none', 'none'],
    [4, 'none', 'none'],
    [5, 'mild', 'none'],
    [9, 'mild', 'none'],
    [10, 'moderate', 'yellow'],
    [14, 'moderate', 'yellow'],
    [15, 'severe', 'orange'],
    [21, 'severe', 'orange'],
  ] as const)('total %i → %s, warning %s', (total, band, level) => {
    const r = scoreResponse(GAD7, { answers: answersFor('gad7', 7, total) });
    expect(r.scales[0]).toMatchObject({ raw: total, band: { code: band, level } });
    expect(r.warningLevel).toBe(level);
    expect(r.critical).toEqual([]);
  });
});

describe('CES-DC (reverse-scored items 4, 8, 12, 16)', () => {
  const all = (v: string, reverse?: string) =>
    Object.fromEntries(CES_DC.items.map((i) => [i.id, reverse !== undefined && ['cesdc_4', 'cesdc_8', 'cesdc_12', 'cesdc_16'].includes(i.id) ? reverse : v]));
  it.each([
    ['every answer "not at all"', all('0'), 12, 'below_cutoff', 'none'],
    ['no symptoms, positive items "a lot"', all('0', '3'), 0, 'below_cutoff', 'none'],
    ['every answer "a lot"', all('3'), 48, 'above_cutoff', 'yellow'],
    ['worst case', all('3', '0'), 60, 'above_cutoff', 'yellow'],
    ['15 (at the cut-off)', { ...all('0', '3'), cesdc_1: '3', cesdc_2: '3', cesdc_3: '3', cesdc_5: '3', cesdc_6: '3' }, 15, 'below_cutoff', 'none'],
    ['16 (over the cut-off)', { ...all('0', '3'), cesdc_1: '3', cesdc_2: '3', cesdc_3: '3', cesdc_5: '3', cesdc_6: '3', cesdc_4: '2' }, 16, 'above_cutoff', 'yellow'],
  ] as const)('%s → %i, %s', (_name, answers, raw, band, level) => {
    const r = scoreResponse(CES_DC, { answers });
    expect(r.scales[0]).toMatchObject({ raw, band: { code: band, level } });
    expect(r.warningLevel).toBe(level);
  });
});

describe('example multi-factor definition (every feature)', () => {
  const base: Record<string, string> = {
    s1: '4', s2: '4', s3: '3', s4: '2', // study: 4 4 3 (6−2=4) → mean 3.75
    r1: '2', r2: '4', r3: '1', sib: 'yes', r4: '3', // relations: 2 (6−4=2) 1 3 → mean 2
    m1: '2', m2: '2', m3: '4', m4: '1', // mood: 2 2 (6−4=2) 1 → mean 1.75
    l1: 'yes', l2: 'no', l3: 'no', // lie 1 < 2
  };
  const score = (answers: Record<string, string>, extra: Partial<ResponseInput> = {}) =>
    scoreResponse(EXAMPLE_MULTIFACTOR, { answers, startedAt: '2026-03-01T08:00:00Z', submittedAt: '2026-03-01T08:05:00Z', respondent: { gradeLevel: 8, gender: 'male' }, ...extra });
  const byId = (r: ReturnType<typeof score>) => Object.fromEntries(r.scales.map((s) => [s.id, s]));

  it('mean factors with reverse items, linear T norms and bands on the T score; the total by lookup table', () => {
    const r = score(base);
    const s = byId(r);
    expect(s.study).toMatchObject({ raw: 3.75, normed: { score: 66.4, group: 'junior-male' }, band: { code: 'elevated', level: 'yellow' } });
    expect(s.relations).toMatchObject({ raw: 2, normed: { score: 46.7, group: 'junior-male' }, band: { code: 'typical', level: 'none' }, answered: 4, of: 4 });
    expect(s.mood).toMatchObject({ raw: 1.75, normed: { score: 45.8, group: 'junior-male' }, band: { code: 'typical' } });
    expect(s.total).toMatchObject({ raw: 30, normed: { score: 50, group: 'male' }, band: { code: 'typical', level: 'none' } });
    expect(r.warningLevel).toBe('yellow');
    expect(r.validity).toEqual({ valid: true, flags: [] });
    expect(r.durationSeconds).toBe(300);
  });

  it.each([
    [{ gradeLevel: 8, gender: 'male' }, 66.4, 'junior-male', 'elevated', 50, 'male'],
    [{ gradeLevel: 8, gender: 'female' }, 63.6, 'junior-female', 'elevated', 50, 'female'],
    [{ gradeLevel: 11, gender: 'female' }, 59.4, 'senior', 'typical', 50, 'female'],
    [{ gradeLevel: 11 }, 59.4, 'senior', 'typical', null, null],
  ] as const)('norms by grade band and gender: %o', (respondent, t, group, band, totalT, totalGroup) => {
    const s = byId(score(base, { respondent }));
    expect(s.study).toMatchObject({ normed: { score: t, group }, band: { code: band } });
    expect(s.total!.normed).toEqual(totalT === null ? null : { score: totalT, group: totalGroup });
  });

  it('no norm group for the respondent: no normed score, no band, a note', () => {
    const r = score(base, { respondent: { gradeLevel: 5, gender: 'male' } });
    expect(byId(r).study).toMatchObject({ raw: 3.75, normed: null, band: null });
    expect(byId(r).total).toMatchObject({ raw: 30, normed: null, band: { code: 'typical' } }); // total bands the raw score
    expect(r.notes).toContain('study: no norm group for grade 5 and gender male');
  });

  it.each([
    ['male', { s1: '1', s2: '1', s3: '1', s4: '5' }, 19, 25], // below the 20 row → first row
    ['male', { s1: '2', s2: '2' }, 26, 40],
    ['female', { s1: '2', s2: '2' }, 26, 40],
    ['female', { m1: '5', m2: '5', m3: '1', m4: '3' }, 41, 60],
    ['male', { m1: '5', m2: '5', m3: '1', m4: '3' }, 41, 60],
  ] as const)('total lookup table (%s): greatest raw ≤ the score', (gender, change, raw, t) => {
    const s = byId(score({ ...base, ...change }, { respondent: { gradeLevel: 9, gender } }));
    expect(s.total).toMatchObject({ raw, normed: { score: t, group: gender } });
  });

  it('total bands on the raw score at its boundaries', () => {
    // all factor items '3' except reverse ones: sum = 12 items × 3 = 36 → elevated
    const flat = { ...base, s1: '3', s2: '3', s3: '3', s4: '3', r1: '3', r2: '3', r3: '3', r4: '3', m1: '3', m2: '3', m3: '3', m4: '3' };
    expect(byId(score(flat)).total).toMatchObject({ raw: 36, band: { code: 'elevated', level: 'yellow' } });
    expect(byId(score({ ...flat, s1: '2' })).total).toMatchObject({ raw: 35, band: { code: 'typical' } });
    expect(byId(score({ ...flat, s1: '5', s2: '5', s3: '5', r1: '5' })).total).toMatchObject({ raw: 44, band: { code: 'high', level: 'orange' } });
  });

  it('skip logic: without siblings r4 is skipped, ignored if answered, and left out of the mean', () => {
    const r = score({ ...base, sib: 'no', r4: '5' });
    expect(r.skipped).toEqual(['r4']);
    expect(byId(r).relations).toMatchObject({ raw: 1.6667, answered: 3, of: 3, normed: { score: 41.1 } });
    expect(byId(r).total!.raw).toBe(27);
    expect(r.complete).toBe(true);
  });

  it('skip logic: with siblings r4 is required', () => {
    const { r4: _omit, ...rest } = base;
    const r = score(rest);
    expect(r.missing).toEqual(['r4']);
    expect(byId(r).relations).toMatchObject({ raw: null, band: null });
    expect(byId(r).study!.raw).toBe(3.75);
  });

  it.each([
    ['3', 'none', []],
    ['4', 'red', ['m4']],
    ['5', 'red', ['m4']],
  ] as const)('critical item m4 = %s → %s', (m4, level, items) => {
    const r = score({ ...base, s1: '1', s2: '1', m4 });
    expect(r.critical.map((c) => c.itemId)).toEqual(items);
    expect(r.warningLevel).toBe(level);
  });

  const flags = (answers: Record<string, string>, extra: Partial<ResponseInput> = {}) => score(answers, extra).validity.flags.map((f) => f.rule);
  it.each([
    ['lie scale at threshold', { ...base, l1: 'yes', l2: 'yes' }, {}, ['lie']],
    ['lie scale below threshold', { ...base, l1: 'yes' }, {}, []],
    ['answered too fast', base, { submittedAt: '2026-03-01T08:00:59Z' }, ['minTime']],
    ['just fast enough', base, { submittedAt: '2026-03-01T08:01:00Z' }, []],
    ['no times given', base, { startedAt: undefined, submittedAt: undefined }, []],
    ['identical answers throughout', { ...base, s1: '3', s2: '3', s3: '3', s4: '3', r1: '3', r2: '3', r3: '3', r4: '3', m1: '3', m2: '3', m3: '3', m4: '3' }, {}, ['straightLining']],
    ['identical but one', { ...base, s1: '3', s2: '3', s3: '3', s4: '3', r1: '3', r2: '3', r3: '3', r4: '3', m1: '3', m2: '3', m3: '3', m4: '2' }, {}, []],
    ['opposite pair contradicts (low mood and good mood both "always")', { ...base, m1: '5', m3: '5' }, {}, ['inconsistentPairs']],
    ['opposite pair within 2', { ...base, m1: '4', m3: '4' }, {}, []],
    ['same pair contradicts', { ...base, s1: '5', s3: '1' }, {}, ['inconsistentPairs']],
    ['same pair within 3', { ...base, s1: '5', s3: '2' }, {}, []],
  ] as const)('validity: %s', (_name, answers, extra, expected) => {
    expect(flags(answers, extra)).toEqual(expected);
  });

  it('flags explain themselves', () => {
    const r = score({ ...base, m1: '5', m3: '5', l1: 'yes', l3: 'yes' }, { submittedAt: '2026-03-01T08:00:30Z' });
    expect(r.validity.valid).toBe(false);
    expect(r.validity.flags).toEqual([
      { rule: 'lie', detail: 'lie scale score 2 ≥ 2' },
      { rule: 'minTime', detail: 'answered in 30 s, under the minimum of 60 s' },
      { rule: 'inconsistentPairs', detail: '1 inconsistent pair(s): m1/m3 (opposite: 5 vs 5)' },
    ]);
  });
});
