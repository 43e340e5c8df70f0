import { describe, expect, it } from 'vitest';
import { analysisProblems, cleanSafetyPlan, riskFromAlert, safetyPlanChanges, taskState, type SafetyPlan } from './cases.js';

const empty: SafetyPlan = { warningSigns: [], copingSteps: [], peoplePlaces: [], contacts: [], environment: [], professional: [] };

describe('crisis case rules', () => {
  it.each([
    ['yellow', 0, 'moderate'],
    ['orange', 1, 'moderate'],
    ['red', 0, 'high'],
    ['red', false, 'high'],
    ['red', 2, 'imminent'],
    ['red', true, 'imminent'],
  ] as const)('an alert %s (critical %s) opens a %s case', (level, critical, risk) => {
    expect(riskFromAlert(level, critical)).toBe(risk);
  });

  it('a safety plan drops blank lines; nothing written is null', () => {
    expect(cleanSafetyPlan({ ...empty, warningSigns: ['  ', ''] })).toBeNull();
    expect(cleanSafetyPlan({ ...empty, copingSteps: [' 深呼吸 ', ''], contacts: ['班主任 王老师'] })).toEqual({ ...empty, copingSteps: ['深呼吸'], contacts: ['班主任 王老师'] });
  });

  it('lists the parts of the plan that changed', () => {
    expect(safetyPlanChanges(null, { ...empty, contacts: ['妈妈'] })).toEqual(['contacts']);
    expect(safetyPlanChanges({ ...empty, contacts: ['妈妈'] }, { ...empty, contacts: ['妈妈'] })).toEqual([]);
    expect(safetyPlanChanges({ ...empty, contacts: ['妈妈'] }, null)).toEqual(['contacts']);
  });

  it('a task is overdue only while open past its deadline', () => {
    const now = new Date('2026-11-25T10:00:00Z');
    const due = new Date('2026-11-25T09:59:59Z');
    expect(taskState({ dueAt: due, doneAt: null, cancelledAt: null }, now)).toBe('overdue');
    expect(taskState({ dueAt: now, doneAt: null, cancelledAt: null }, now)).toBe('open');
    expect(taskState({ dueAt: due, doneAt: now, cancelledAt: null }, now)).toBe('done');
    expect(taskState({ dueAt: due, doneAt: null, cancelledAt: now }, now)).toBe('cancelled');
  });

  it('closing needs all five parts of the analysis, each at least a sentence', () => {
    const full = { background: '初二女生，父母离异', course: '11 月 3 日预警，当日约谈', measures: '家校沟通，每周咨询', outcome: '情绪稳定，复学正常', lessons: '发现要早，家长沟通要勤' };
    expect(analysisProblems(full)).toEqual({});
    expect(analysisProblems({ ...full, lessons: '  ' })).toEqual({ lessons: '请填写「反思与改进」' });
    expect(Object.keys(analysisProblems({ background: '太短' }))).toEqual(['background', 'course', 'measures', 'outcome', 'lessons']);
  });
});
