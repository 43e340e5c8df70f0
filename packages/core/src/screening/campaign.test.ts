import { describe, expect, it } from 'vitest';
import { ageOn, campaignAllows, checkPlan, checkWindow, editIsVersioned, instrumentsForGrade, needsGuardianConsent, windowOpen, type CampaignAction, type CampaignStatus } from './campaign.js';

describe('campaign lifecycle', () => {
  const table: [CampaignStatus, CampaignAction, boolean][] = [
    ['draft', 'publish', true], ['draft', 'close', false], ['draft', 'edit', true], ['draft', 'release', false],
    ['published', 'publish', false], ['published', 'close', true], ['published', 'edit', true], ['published', 'release', true],
    ['closed', 'publish', false], ['closed', 'close', false], ['closed', 'edit', false], ['closed', 'release', false],
  ];
  it.each(table)('%s allows %s: %s', (status, action, ok) => expect(campaignAllows(status, action)).toBe(ok));
  it('edits after publication are versioned', () => {
    expect([editIsVersioned('draft'), editIsVersioned('published')]).toEqual([false, true]);
  });
});

describe('plan', () => {
  const phq = { key: 'phq-9', version: '1.0.0' };
  const gad = { key: 'gad-7', version: '1.0.0' };
  const cesdc = { key: 'ces-dc', version: '1.0.0' };
  const plan = [
    { gradeLevels: [4, 5, 6], instruments: [cesdc] },
    { gradeLevels: [7, 8, 9, 10, 11, 12], instruments: [phq, gad] },
  ];
  it('gives each grade its band’s instruments, none outside the plan', () => {
    expect(instrumentsForGrade(plan, 5)).toEqual([cesdc]);
    expect(instrumentsForGrade(plan, 9)).toEqual([phq, gad]);
    expect(instrumentsForGrade(plan, 2)).toEqual([]);
    expect(checkPlan(plan)).toEqual([]);
  });
  it('names every problem', () => {
    expect(checkPlan([])).toEqual([{ path: 'plan', message: '至少需要一个年级段' }]);
    expect(checkPlan([{ gradeLevels: [7, 8], instruments: [phq, phq] }, { gradeLevels: [8, 13], instruments: [] }])).toEqual([
      { path: 'plan.0.instruments', message: '同一年级段中量表重复' },
      { path: 'plan.1.instruments', message: '请选择至少一个量表' },
      { path: 'plan.1.gradeLevels', message: '8 年级已在第 1 个年级段中' },
      { path: 'plan.1.gradeLevels', message: '年级 13 无效' },
    ]);
  });
});

describe('guardian consent', () => {
  it.each([
    ['2012-09-01', '2026-09-01', 14, false], // 14th birthday on the day: no consent needed
    ['2012-09-02', '2026-09-01', 13, true], // one day short of 14
    ['2012-02-29', '2026-02-28', 13, true],
    ['2012-02-29', '2026-03-01', 14, false],
    ['2016-05-01', '2026-09-01', 10, true],
  ] as const)('born %s, campaign opens %s: age %i, consent %s', (birth, start, age, consent) => {
    expect(ageOn(birth, start)).toBe(age);
    expect(needsGuardianConsent(birth, start, false)).toBe(consent);
  });
  it('a campaign may ask consent of everyone', () => {
    expect(needsGuardianConsent('2008-01-01', '2026-09-01', true)).toBe(true);
  });
});

describe('window', () => {
  it('is inclusive and must not end before it starts', () => {
    const w = { start: '2026-10-08', end: '2026-10-20' };
    expect([windowOpen(w, '2026-10-07'), windowOpen(w, '2026-10-08'), windowOpen(w, '2026-10-20'), windowOpen(w, '2026-10-21')]).toEqual([false, true, true, false]);
    expect(checkWindow({ start: '2026-10-20', end: '2026-10-08' })).toHaveLength(1);
  });
});
