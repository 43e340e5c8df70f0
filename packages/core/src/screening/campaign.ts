/**
 * Screening campaigns (测评活动), the pure rules: lifecycle, which instruments a grade answers,
 * and who needs a guardian's consent first. The server stores campaigns; these decide.
 */
export const CAMPAIGN_STATUSES = ['draft', 'published', 'closed'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export type CampaignAction = 'publish' | 'close' | 'edit' | 'release';

/** What each status allows: edits after publication are versioned, releases only while published. */
export function campaignAllows(status: CampaignStatus, action: CampaignAction): boolean {
  switch (action) {
    case 'publish':
      return status === 'draft';
    case 'close':
      return status === 'published';
    case 'edit':
      return status !== 'closed';
    case 'release':
      return status === 'published';
  }
}

/** Whether an edit in this status must be kept as a new version (anything after publication). */
export function editIsVersioned(status: CampaignStatus): boolean {
  return status === 'published';
}

export interface InstrumentRef {
  key: string;
  version: string;
}

/** One grade band of a campaign: the instruments its students answer, in order. */
export interface GradeBandPlan {
  gradeLevels: number[];
  instruments: InstrumentRef[];
}

export interface PlanProblem {
  path: string;
  message: string;
}

/** Checks a campaign's plan: each band has grades and instruments, and no grade is in two bands. */
export function checkPlan(plan: readonly GradeBandPlan[]): PlanProblem[] {
  const problems: PlanProblem[] = [];
  if (!plan.length) problems.push({ path: 'plan', message: '至少需要一个年级段' });
  const seen = new Map<number, number>();
  plan.forEach((band, i) => {
    if (!band.gradeLevels.length) problems.push({ path: `plan.${i}.gradeLevels`, message: '请选择年级' });
    if (!band.instruments.length) problems.push({ path: `plan.${i}.instruments`, message: '请选择至少一个量表' });
    for (const g of band.gradeLevels) {
      if (!Number.isInteger(g) || g < 1 || g > 12) problems.push({ path: `plan.${i}.gradeLevels`, message: `年级 ${g} 无效` });
      const first = seen.get(g);
      if (first !== undefined) problems.push({ path: `plan.${i}.gradeLevels`, message: `${g} 年级已在第 ${first + 1} 个年级段中` });
      else seen.set(g, i);
    }
    const keys = band.instruments.map((r) => r.key);
    if (new Set(keys).size !== keys.length) problems.push({ path: `plan.${i}.instruments`, message: '同一年级段中量表重复' });
  });
  return problems;
}

/** The instruments a student of this grade answers (none when the grade is not in the plan). */
export function instrumentsForGrade(plan: readonly GradeBandPlan[], gradeLevel: number): InstrumentRef[] {
  return plan.find((b) => b.gradeLevels.includes(gradeLevel))?.instruments ?? [];
}

/** Age in completed years (周岁) on a date; dates as YYYY-MM-DD. */
export function ageOn(birthDate: string, on: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** Under 14 on the day the campaign opens (PIPL: a minor under 14's data needs a guardian's consent). */
export const CONSENT_AGE = 14;

/** Whether a student needs a guardian's consent before answering. */
export function needsGuardianConsent(birthDate: string, campaignStart: string, consentForAll: boolean): boolean {
  return consentForAll || ageOn(birthDate, campaignStart) < CONSENT_AGE;
}

/** A window is open on `today` when start ≤ today ≤ end (inclusive dates, China Standard Time days). */
export function windowOpen(window: { start: string; end: string }, today: string): boolean {
  return window.start <= today && today <= window.end;
}

export function checkWindow(window: { start: string; end: string }): PlanProblem[] {
  return window.end < window.start ? [{ path: 'window.end', message: '结束日期不能早于开始日期' }] : [];
}
