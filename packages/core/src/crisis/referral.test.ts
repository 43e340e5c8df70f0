import { describe, expect, it } from 'vitest';
import { ageOn } from '../screening/campaign.js';
import { median, REFERRAL_ACTIONS, REFERRAL_STATUSES, referralAcceptBy, referralActions, referralNeedsEscalation, referralNext, referralOverdue, returnFollowUpDates, type ReferralAction, type ReferralStatus } from './referral.js';

describe('the referral status machine', () => {
  it('allows exactly the golden transitions', () => {
    const golden: Record<ReferralStatus, Partial<Record<ReferralAction, ReferralStatus>>> = {
      sent: { accept: 'accepted', decline: 'declined' },
      accepted: { seen: 'seen' },
      declined: { close: 'closed', resend: 'sent' },
      seen: { feedback: 'feedback' },
      feedback: { close: 'closed' },
      closed: {},
    };
    for (const s of REFERRAL_STATUSES) for (const a of REFERRAL_ACTIONS) expect(referralNext(s, a), `${s} + ${a}`).toBe(golden[s][a] ?? null);
  });

  it('refuses steps out of order', () => {
    expect(referralNext('sent', 'feedback')).toBeNull();
    expect(referralNext('sent', 'close')).toBeNull();
    expect(referralNext('accepted', 'feedback')).toBeNull();
    expect(referralNext('accepted', 'close')).toBeNull();
    expect(referralNext('seen', 'close')).toBeNull();
    expect(referralNext('closed', 'resend')).toBeNull();
    expect(referralNext('feedback', 'resend')).toBeNull();
  });

  it('splits the steps between the clinician and the school', () => {
    expect(referralActions('sent', 'clinician')).toEqual(['accept', 'decline']);
    expect(referralActions('sent', 'school')).toEqual([]);
    expect(referralActions('declined', 'school')).toEqual(['close', 'resend']);
    expect(referralActions('declined', 'clinician')).toEqual([]);
    expect(referralActions('feedback', 'school')).toEqual(['close']);
    expect(referralActions('seen', 'clinician')).toEqual(['feedback']);
  });
});

describe('the acceptance deadline', () => {
  const sent = new Date('2026-11-25T02:00:00Z');
  it('is sent + the institution accept hours', () => {
    expect(referralAcceptBy(sent, 48).toISOString()).toBe('2026-11-27T02:00:00.000Z');
    expect(referralAcceptBy(sent, 1).toISOString()).toBe('2026-11-25T03:00:00.000Z');
  });
  it('is overdue only after the deadline and while still sent; escalated once', () => {
    const acceptBy = referralAcceptBy(sent, 24);
    const at = (iso: string) => new Date(iso);
    expect(referralOverdue({ status: 'sent', acceptBy }, acceptBy)).toBe(false);
    expect(referralOverdue({ status: 'sent', acceptBy }, at('2026-11-26T02:00:01Z'))).toBe(true);
    expect(referralOverdue({ status: 'accepted', acceptBy }, at('2026-11-28T00:00:00Z'))).toBe(false);
    expect(referralOverdue({ status: 'declined', acceptBy }, at('2026-11-28T00:00:00Z'))).toBe(false);
    expect(referralNeedsEscalation({ status: 'sent', acceptBy, escalatedAt: null }, at('2026-11-26T03:00:00Z'))).toBe(true);
    expect(referralNeedsEscalation({ status: 'sent', acceptBy, escalatedAt: at('2026-11-26T02:30:00Z') }, at('2026-11-26T03:00:00Z'))).toBe(false);
  });
});

describe('what is shared and scheduled', () => {
  it('computes the age in whole years', () => {
    expect(ageOn('2013-11-25', '2026-11-25')).toBe(13);
    expect(ageOn('2013-11-26', '2026-11-25')).toBe(12);
    expect(ageOn('2013-12-01', '2026-11-25')).toBe(12);
    expect(ageOn('2013-02-28', '2026-03-01')).toBe(13);
  });
  it('schedules weekly follow-ups from the return date', () => {
    expect(returnFollowUpDates('2026-12-01', 3)).toEqual([
      { seq: 1, dueDate: '2026-12-08' },
      { seq: 2, dueDate: '2026-12-15' },
      { seq: 3, dueDate: '2026-12-22' },
    ]);
    expect(returnFollowUpDates('2026-12-30', 1)).toEqual([{ seq: 1, dueDate: '2027-01-06' }]);
  });
  it('takes the median', () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
