import { describe, expect, it } from 'vitest';
import {
  alertDeadlines,
  DEFAULT_DEADLINES,
  deadlinePolicyProblems,
  escalationDue,
  higherLevel,
  nextEscalationAt,
  nextStatus,
  overdue,
  type AlertAction,
  type AlertClockState,
  type AlertStatus,
} from './alerts.js';

const T0 = new Date('2026-11-25T02:00:00Z');
const h = (hours: number) => new Date(T0.getTime() + hours * 3_600_000);
const red = (over: Partial<AlertClockState> = {}): AlertClockState => ({ level: 'red', status: 'new', createdAt: T0, tier: 0, ...over });

describe('workflow', () => {
  const table: [AlertStatus, AlertAction, AlertStatus | null][] = [
    ['new', 'acknowledge', 'acknowledged'],
    ['new', 'assess', 'assessing'],
    ['new', 'confirm', null],
    ['new', 'dismiss', 'dismissed'],
    ['new', 'close', null],
    ['acknowledged', 'acknowledge', null],
    ['acknowledged', 'assess', 'assessing'],
    ['acknowledged', 'confirm', 'confirmed'],
    ['acknowledged', 'dismiss', 'dismissed'],
    ['assessing', 'confirm', 'confirmed'],
    ['assessing', 'dismiss', 'dismissed'],
    ['assessing', 'close', null],
    ['confirmed', 'close', 'closed'],
    ['confirmed', 'dismiss', null],
    ['dismissed', 'close', 'closed'],
    ['dismissed', 'acknowledge', null],
    ['closed', 'acknowledge', null],
    ['closed', 'close', null],
  ];
  it.each(table)('%s + %s → %s', (status, action, to) => expect(nextStatus(status, action)).toBe(to));
});

describe('deadlines', () => {
  it('default periods: red 2 h / 24 h, orange 24 h / 3 days, yellow 3 / 7 days', () => {
    expect(alertDeadlines(red(), DEFAULT_DEADLINES)).toEqual({ ackDue: h(2), assessDue: h(24) });
    expect(alertDeadlines(red({ level: 'orange' }), DEFAULT_DEADLINES)).toEqual({ ackDue: h(24), assessDue: h(72) });
    expect(alertDeadlines(red({ level: 'yellow' }), DEFAULT_DEADLINES)).toEqual({ ackDue: h(72), assessDue: h(168) });
  });

  it('a raised level runs its periods from the raise', () => {
    expect(alertDeadlines(red({ levelRaisedAt: h(50) }), DEFAULT_DEADLINES)).toEqual({ ackDue: h(52), assessDue: h(74) });
  });

  const cases: [string, Partial<AlertClockState>, Date, 'ack' | 'assess' | null][] = [
    ['new, just before the ack deadline', {}, h(1.99), null],
    ['new, at the ack deadline', {}, h(2), 'ack'],
    ['acknowledged in time, before assessment is due', { status: 'acknowledged' }, h(23), null],
    ['acknowledged, assessment due', { status: 'acknowledged' }, h(24), 'assess'],
    ['assessing, assessment due', { status: 'assessing' }, h(30), 'assess'],
    ['new and long past both: the missed acknowledgement counts first', {}, h(30), 'ack'],
    ['confirmed is never overdue', { status: 'confirmed' }, h(300), null],
    ['dismissed is never overdue', { status: 'dismissed' }, h(300), null],
  ];
  it.each(cases)('%s', (_name, over, now, expected) => expect(overdue(red(over), DEFAULT_DEADLINES, now)).toBe(expected));

  it('refuses a policy whose assessment comes before acknowledgement or whose lower levels are stricter', () => {
    expect(deadlinePolicyProblems(DEFAULT_DEADLINES)).toEqual([]);
    expect(deadlinePolicyProblems({ ...DEFAULT_DEADLINES, red: { ackHours: 4, assessHours: 2 } })).toContain('红色预警：研判时限不能短于确认接收时限');
    expect(deadlinePolicyProblems({ ...DEFAULT_DEADLINES, yellow: { ackHours: 1, assessHours: 168 } }).length).toBeGreaterThan(0);
  });
});

describe('escalation, one tier at a time', () => {
  it('an unacknowledged red alert climbs class → counselor → leader → bureau, one ack period apart, then stops', () => {
    let a = red();
    const climbs: [number, number][] = [];
    for (let hour = 0; hour <= 12; hour += 0.5) {
      const due = escalationDue(a, DEFAULT_DEADLINES, h(hour));
      if (due) {
        climbs.push([hour, due.tier]);
        a = { ...a, tier: due.tier, escalatedAt: h(hour) };
      }
    }
    expect(climbs).toEqual([[2, 1], [4, 2], [6, 3]]);
    expect(nextEscalationAt(a, DEFAULT_DEADLINES)).toBeNull();
  });

  it('acknowledged in time, then not assessed: climbs from the assessment deadline', () => {
    const a = red({ status: 'acknowledged' });
    expect(nextEscalationAt(a, DEFAULT_DEADLINES)).toEqual(h(24));
    expect(escalationDue(a, DEFAULT_DEADLINES, h(23.9))).toBeNull();
    expect(escalationDue(a, DEFAULT_DEADLINES, h(24))).toEqual({ tier: 1, reason: 'assess' });
  });

  it('acknowledged after climbing once: the next climb waits for the assessment deadline', () => {
    const a = red({ status: 'acknowledged', tier: 1, escalatedAt: h(2) });
    expect(nextEscalationAt(a, DEFAULT_DEADLINES)).toEqual(h(24));
  });

  it('handled alerts never climb', () => {
    expect(nextEscalationAt(red({ status: 'confirmed' }), DEFAULT_DEADLINES)).toBeNull();
    expect(escalationDue(red({ status: 'dismissed' }), DEFAULT_DEADLINES, h(100))).toBeNull();
  });

  it('a merged signal keeps the higher level', () => {
    expect(higherLevel('yellow', 'red')).toBe('red');
    expect(higherLevel('red', 'orange')).toBe('red');
    expect(higherLevel('orange', 'orange')).toBe('orange');
  });
});
