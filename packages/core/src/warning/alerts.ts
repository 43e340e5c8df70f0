/**
 * The warning workflow (预警处置) as pure rules: which step may follow which, when an alert is due,
 * and how an overdue alert climbs the four tiers of the in-school network one at a time
 * (class → school counselor → school leader → bureau). The server stores what these decide.
 */
import { rank, type AlertLevel } from './screening.js';

export const ALERT_STATUSES = ['new', 'acknowledged', 'assessing', 'confirmed', 'dismissed', 'closed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** Where a signal came from. `mailbox` arrives with the counseling issue. */
export const ALERT_SOURCES = ['screening', 'committee', 'teacher', 'parent', 'counselor', 'mailbox', 'self'] as const;
export type AlertSource = (typeof ALERT_SOURCES)[number];

export const ALERT_SOURCE_LABEL: Record<AlertSource, string> = {
  screening: '心理测评',
  committee: '心理委员报告',
  teacher: '教师观察',
  parent: '家长反映',
  counselor: '心理教师',
  mailbox: '心灵信箱',
  self: '学生求助',
};

/** What a confirmed alert leads to. */
export const ALERT_OUTCOMES = ['care', 'crisis', 'referral', 'watch'] as const;
export type AlertOutcome = (typeof ALERT_OUTCOMES)[number];

export const ALERT_OUTCOME_LABEL: Record<AlertOutcome, string> = {
  care: '纳入重点关注（包保）',
  crisis: '启动危机干预',
  referral: '转介医疗机构',
  watch: '持续观察',
};

export const ALERT_ACTIONS = ['acknowledge', 'assess', 'confirm', 'dismiss', 'close'] as const;
export type AlertAction = (typeof ALERT_ACTIONS)[number];

const NEXT: Record<AlertAction, { from: readonly AlertStatus[]; to: AlertStatus }> = {
  acknowledge: { from: ['new'], to: 'acknowledged' },
  // an interview or re-check (复检/访谈) has started
  assess: { from: ['new', 'acknowledged'], to: 'assessing' },
  confirm: { from: ['acknowledged', 'assessing'], to: 'confirmed' },
  dismiss: { from: ['new', 'acknowledged', 'assessing'], to: 'dismissed' },
  close: { from: ['confirmed', 'dismissed'], to: 'closed' },
};

/** The status an action leads to, or null when it does not apply to this status. */
export function nextStatus(status: AlertStatus, action: AlertAction): AlertStatus | null {
  const step = NEXT[action];
  return step.from.includes(status) ? step.to : null;
}

/** Still needs someone: not yet confirmed, dismissed or closed. */
export function isOpen(status: AlertStatus): boolean {
  return status === 'new' || status === 'acknowledged' || status === 'assessing';
}

/** Hours to acknowledge and to finish the assessment (confirm or dismiss), per level. */
export type DeadlinePolicy = Record<AlertLevel, { ackHours: number; assessHours: number }>;

export const DEFAULT_DEADLINES: DeadlinePolicy = {
  red: { ackHours: 2, assessHours: 24 },
  orange: { ackHours: 24, assessHours: 72 },
  yellow: { ackHours: 72, assessHours: 168 },
};

/** A policy's problems in Chinese (empty when it is sound). */
export function deadlinePolicyProblems(p: DeadlinePolicy): string[] {
  const out: string[] = [];
  const names: Record<AlertLevel, string> = { red: '红色', orange: '橙色', yellow: '黄色' };
  for (const level of ['red', 'orange', 'yellow'] as const) {
    const d = p[level];
    if (d.assessHours < d.ackHours) out.push(`${names[level]}预警：研判时限不能短于确认接收时限`);
  }
  if (p.red.ackHours > p.orange.ackHours || p.orange.ackHours > p.yellow.ackHours) out.push('确认接收时限应随等级降低而放宽（红 ≤ 橙 ≤ 黄）');
  if (p.red.assessHours > p.orange.assessHours || p.orange.assessHours > p.yellow.assessHours) out.push('研判时限应随等级降低而放宽（红 ≤ 橙 ≤ 黄）');
  return out;
}

/** The four tiers of the in-school warning network, in the order an overdue alert climbs them. */
export const ESCALATION_TIERS = ['class', 'counselor', 'leader', 'bureau'] as const;
export type EscalationTier = (typeof ESCALATION_TIERS)[number];
export const TOP_TIER = ESCALATION_TIERS.length - 1;

export const TIER_LABEL: Record<EscalationTier, string> = {
  class: '班级（班主任）',
  counselor: '学校心理教师',
  leader: '学校领导',
  bureau: '教育局',
};

const HOUR = 3_600_000;

export interface AlertClockState {
  level: AlertLevel;
  status: AlertStatus;
  /** when the alert was raised (a merged signal does not move it) */
  createdAt: Date;
  /** when a merged signal last raised the level: the new level's deadlines run from then */
  levelRaisedAt?: Date | null;
  /** 0 = class … 3 = bureau */
  tier: number;
  /** when the alert last climbed a tier */
  escalatedAt?: Date | null;
}

/**
 * When it must be acknowledged and when assessed: the level's periods, counted from the alert's
 * creation, or from the moment a merged signal raised its level (the new level's clock starts then).
 */
export function alertDeadlines(a: Pick<AlertClockState, 'level' | 'createdAt' | 'levelRaisedAt'>, policy: DeadlinePolicy): { ackDue: Date; assessDue: Date } {
  const d = policy[a.level];
  const from = (a.levelRaisedAt ?? a.createdAt).getTime();
  return { ackDue: new Date(from + d.ackHours * HOUR), assessDue: new Date(from + d.assessHours * HOUR) };
}

/** Which deadline has passed (acknowledgement first), or null. */
export function overdue(a: AlertClockState, policy: DeadlinePolicy, now: Date): 'ack' | 'assess' | null {
  if (!isOpen(a.status)) return null;
  const { ackDue, assessDue } = alertDeadlines(a, policy);
  if (a.status === 'new' && now >= ackDue) return 'ack';
  if (now >= assessDue) return 'assess';
  return null;
}

/**
 * When the escalation job must look at this alert next, or null when it never needs to (handled, or
 * already at the bureau). The first climb comes at the missed deadline; each further one a full
 * acknowledgement period after the previous, so every tier has the time the first one had.
 */
export function nextEscalationAt(a: AlertClockState, policy: DeadlinePolicy): Date | null {
  if (!isOpen(a.status) || a.tier >= TOP_TIER) return null;
  const { ackDue, assessDue } = alertDeadlines(a, policy);
  const deadline = a.status === 'new' ? ackDue : assessDue;
  const step = a.escalatedAt ? a.escalatedAt.getTime() + policy[a.level].ackHours * HOUR : 0;
  return new Date(Math.max(deadline.getTime(), step));
}

/** The tier an alert climbs to now, or null. One tier per call: the job notifies each tier once. */
export function escalationDue(a: AlertClockState, policy: DeadlinePolicy, now: Date): { tier: number; reason: 'ack' | 'assess' } | null {
  const at = nextEscalationAt(a, policy);
  if (!at || now < at) return null;
  const reason = overdue(a, policy, now);
  if (!reason) return null;
  return { tier: a.tier + 1, reason };
}

/** A merged signal keeps the higher level. */
export function higherLevel(a: AlertLevel, b: AlertLevel): AlertLevel {
  return rank(b) > rank(a) ? b : a;
}
