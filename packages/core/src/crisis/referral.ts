/**
 * The referral green channel (转介绿色通道) as pure rules: the status machine, who may take each step,
 * the acceptance deadline and its escalation, the follow-up
 * schedule of a return plan, and the median used by the measures.
 */
import { addDaysIso } from '../counseling/rooms.js';

export const REFERRAL_STATUSES = ['sent', 'accepted', 'declined', 'seen', 'feedback', 'closed'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

/** Steps a clinician takes (referral.respond) and steps the school takes (crisis.manage). */
export const REFERRAL_ACTIONS = ['accept', 'decline', 'seen', 'feedback', 'close', 'resend'] as const;
export type ReferralAction = (typeof REFERRAL_ACTIONS)[number];

export const REFERRAL_ACTOR: Record<ReferralAction, 'clinician' | 'school'> = {
  accept: 'clinician',
  decline: 'clinician',
  seen: 'clinician',
  feedback: 'clinician',
  close: 'school',
  resend: 'school',
};

/**
 * sent → accepted | declined; accepted → seen → feedback → closed (the school closes after feedback);
 * a declined referral is closed, or re-sent to another institution (back to sent).
 */
const MACHINE: Record<ReferralStatus, Partial<Record<ReferralAction, ReferralStatus>>> = {
  sent: { accept: 'accepted', decline: 'declined' },
  accepted: { seen: 'seen' },
  declined: { close: 'closed', resend: 'sent' },
  seen: { feedback: 'feedback' },
  feedback: { close: 'closed' },
  closed: {},
};

/** The status a step leads to, or null when the step is not allowed from this status. */
export function referralNext(status: ReferralStatus, action: ReferralAction): ReferralStatus | null {
  return MACHINE[status][action] ?? null;
}

/** The steps open from a status to one side. */
export function referralActions(status: ReferralStatus, actor: 'clinician' | 'school'): ReferralAction[] {
  return (Object.keys(MACHINE[status]) as ReferralAction[]).filter((a) => REFERRAL_ACTOR[a] === actor);
}

/** The moment a referral must have been accepted by: sent + the institution's accept hours. */
export function referralAcceptBy(sentAt: Date, acceptHours: number): Date {
  return new Date(sentAt.getTime() + acceptHours * 3_600_000);
}

/** A referral still waiting for acceptance after its deadline. */
export function referralOverdue(r: { status: ReferralStatus; acceptBy: Date }, now: Date): boolean {
  return r.status === 'sent' && now.getTime() > r.acceptBy.getTime();
}

/** Escalated once: overdue and not escalated yet. */
export function referralNeedsEscalation(r: { status: ReferralStatus; acceptBy: Date; escalatedAt: Date | null }, now: Date): boolean {
  return referralOverdue(r, now) && r.escalatedAt == null;
}

/** The weekly follow-ups of a return plan: week 1 … weeks, each due 7 days after the previous, from the return date. */
export function returnFollowUpDates(returnDate: string, weeks: number): { seq: number; dueDate: string }[] {
  return Array.from({ length: weeks }, (_, i) => ({ seq: i + 1, dueDate: addDaysIso(returnDate, 7 * (i + 1)) }));
}

/** The median of a list (the mean of the two middle values for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Rounded to one decimal (figures shown on the measures page). */
export const round1 = (v: number | null): number | null => (v == null ? null : Math.round(v * 10) / 10);
