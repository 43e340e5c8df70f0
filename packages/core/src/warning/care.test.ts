import { describe, expect, it } from 'vitest';
import { assignmentProblems, carePolicyProblems, DEFAULT_CARE_POLICY, followUpsDue } from './care.js';

describe('who may take a key student', () => {
  const cases: [string, Parameters<typeof assignmentProblems>[0], string[]][] = [
    ['a teacher with one student takes a yellow one', { level: 'yellow', assigneeIsLeader: false, currentLoad: 1 }, []],
    ['a teacher at the limit of 2', { level: 'yellow', assigneeIsLeader: false, currentLoad: 2 }, ['每位教师最多包保 2 名学生']],
    ['a red student goes to a leader', { level: 'red', assigneeIsLeader: false, currentLoad: 0 }, ['这一等级的学生应由学校领导包保']],
    ['a leader takes the red student', { level: 'red', assigneeIsLeader: true, currentLoad: 0 }, []],
  ];
  it.each(cases)('%s', (_name, a, expected) => expect(assignmentProblems(a, DEFAULT_CARE_POLICY)).toEqual(expected));

  it('Jiaozuo\'s rule allows 15', () => {
    expect(assignmentProblems({ level: 'orange', assigneeIsLeader: false, currentLoad: 14 }, { ...DEFAULT_CARE_POLICY, maxPerTeacher: 15 })).toEqual([]);
    expect(carePolicyProblems({ ...DEFAULT_CARE_POLICY, maxPerTeacher: 0 }).length).toBe(1);
  });
});

describe('follow-ups due (daily check, weekly talk, monthly home visit)', () => {
  it('from the start of care when nothing was recorded', () => {
    expect(followUpsDue({}, '2026-11-20', '2026-11-25', DEFAULT_CARE_POLICY.cadence)).toEqual([
      { kind: 'daily_check', due: '2026-11-21', overdue: true },
      { kind: 'talk', due: '2026-11-27', overdue: false },
      { kind: 'home_visit', due: '2026-12-20', overdue: false },
    ]);
  });

  it('from the last entry of each kind', () => {
    expect(followUpsDue({ daily_check: '2026-11-25', talk: '2026-11-17' }, '2026-11-01', '2026-11-25', DEFAULT_CARE_POLICY.cadence)).toEqual([
      { kind: 'daily_check', due: '2026-11-26', overdue: false },
      { kind: 'talk', due: '2026-11-24', overdue: true },
      { kind: 'home_visit', due: '2026-12-01', overdue: false },
    ]);
  });

  it('a follow-up the region does not require is not listed', () => {
    expect(followUpsDue({}, '2026-11-20', '2026-11-25', { daily_check: null, talk: 7, home_visit: null }).map((f) => f.kind)).toEqual(['talk']);
  });
});
