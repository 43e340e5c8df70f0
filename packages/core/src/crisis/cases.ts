/** Rules of crisis cases (心理危机个案): risk from an alert, the safety plan, tasks due, closure's analysis. */

export const RISK_LEVELS = ['moderate', 'high', 'imminent'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const RISK_RANK: Record<RiskLevel, number> = { moderate: 0, high: 1, imminent: 2 };

/**
 * The risk level a case opened from an alert starts with: a red alert is high, a red alert with a
 * critical signal (e.g. 我需要帮助 with a plan) imminent, yellow and orange moderate.
 */
export function riskFromAlert(level: 'yellow' | 'orange' | 'red', critical: number | boolean): RiskLevel {
  if (level !== 'red') return 'moderate';
  return critical ? 'imminent' : 'high';
}

/** The six parts of a safety plan (安全计划), each a list of short lines. */
export const SAFETY_PLAN_PARTS = ['warningSigns', 'copingSteps', 'peoplePlaces', 'contacts', 'environment', 'professional'] as const;
export type SafetyPlanPart = (typeof SAFETY_PLAN_PARTS)[number];
export type SafetyPlan = Record<SafetyPlanPart, string[]>;

/** A plan with blank lines dropped; null when nothing at all is written. */
export function cleanSafetyPlan(plan: SafetyPlan): SafetyPlan | null {
  const out = Object.fromEntries(SAFETY_PLAN_PARTS.map((p) => [p, (plan[p] ?? []).map((l) => l.trim()).filter(Boolean)])) as SafetyPlan;
  return SAFETY_PLAN_PARTS.some((p) => out[p].length) ? out : null;
}

/** Which parts of a safety plan changed between two versions (for the timeline). */
export function safetyPlanChanges(before: SafetyPlan | null, after: SafetyPlan | null): SafetyPlanPart[] {
  return SAFETY_PLAN_PARTS.filter((p) => JSON.stringify(before?.[p] ?? []) !== JSON.stringify(after?.[p] ?? []));
}

export type TaskState = 'open' | 'overdue' | 'done' | 'cancelled';

/** A task's state now: done or cancelled once closed; overdue when still open past its deadline. */
export function taskState(t: { dueAt: Date; doneAt: Date | null; cancelledAt: Date | null }, now: Date): TaskState {
  if (t.cancelledAt) return 'cancelled';
  if (t.doneAt) return 'done';
  return t.dueAt.getTime() < now.getTime() ? 'overdue' : 'open';
}

/** 一案一分析: the five parts, every one required to close a case. */
export const ANALYSIS_PARTS = ['background', 'course', 'measures', 'outcome', 'lessons'] as const;
export type AnalysisPart = (typeof ANALYSIS_PARTS)[number];
export type CaseAnalysis = Record<AnalysisPart, string>;

export const ANALYSIS_LABELS: Record<AnalysisPart, string> = {
  background: '基本情况',
  course: '经过',
  measures: '采取的措施',
  outcome: '结果',
  lessons: '反思与改进',
};

/** The analysis's problems by part (empty: complete). Each part needs at least a sentence. */
export function analysisProblems(a: Partial<Record<AnalysisPart, string | null | undefined>>, minLength = 4): Partial<Record<AnalysisPart, string>> {
  const out: Partial<Record<AnalysisPart, string>> = {};
  for (const p of ANALYSIS_PARTS) {
    const v = (a[p] ?? '').trim();
    if (!v) out[p] = `请填写「${ANALYSIS_LABELS[p]}」`;
    else if (v.length < minLength) out[p] = `「${ANALYSIS_LABELS[p]}」请至少写 ${minLength} 个字`;
  }
  return out;
}
