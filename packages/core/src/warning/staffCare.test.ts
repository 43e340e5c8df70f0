import { describe, expect, it } from 'vitest';
import { closureProblem, extraCategoryProblems, staffCareCategories, staffCareTier, staffFollowUpsDue, staffSweepProblems } from './staffCare.js';

describe('who reviews and cares for whom', () => {
  it.each([
    ['an ordinary teacher: the school leaders', { bureau: false, leaderPost: false, leaderRole: false }, 'staff'],
    ['a principal by post: the bureau', { bureau: false, leaderPost: true, leaderRole: false }, 'leaders'],
    ['a teacher given the leader role: the bureau', { bureau: false, leaderPost: false, leaderRole: true }, 'leaders'],
    ['bureau staff: the bureau', { bureau: true, leaderPost: false, leaderRole: false }, 'leaders'],
  ] as const)('%s', (_n, p, tier) => expect(staffCareTier(p)).toBe(tier));
});

describe('the region\'s categories', () => {
  it('built-ins first, then the region\'s own', () => {
    const list = staffCareCategories([{ code: 'caregiving', label: '照护老人负担重' }]);
    expect(list.slice(0, 3).map((c) => c.code)).toEqual(['family_hardship', 'emotional_distress', 'bereavement']);
    expect(list.at(-1)).toEqual({ code: 'caregiving', label: '照护老人负担重' });
  });
  it.each([
    ['a good list', [{ code: 'caregiving', label: '照护老人负担重' }], {}],
    ['a bad code', [{ code: 'Care giving', label: 'x' }], { 'categories.0.code': expect.stringContaining('小写字母') }],
    ['a built-in code', [{ code: 'bereavement', label: '丧亲' }], { 'categories.0.code': '与内置类别重复' }],
    ['a built-in label', [{ code: 'loss', label: '近期丧亲' }], { 'categories.0.label': '名称重复' }],
    ['a code twice', [{ code: 'aa', label: 'x' }, { code: 'aa', label: 'y' }], { 'categories.1.code': '代码重复' }],
  ])('%s', (_n, extra, expected) => expect(extraCategoryProblems(extra)).toEqual(expected));
});

describe('a review of the whole group (不漏一人)', () => {
  const people = [
    { id: 'a', name: '张老师', onRegister: false },
    { id: 'b', name: '李老师', onRegister: true },
    { id: 'c', name: '王老师', onRegister: false },
  ];
  const cats = new Set(['family_hardship', 'bereavement']);
  it('everyone once, each action fitting: no problems', () => {
    expect(staffSweepProblems([
      { subjectId: 'a', categories: ['bereavement'], action: 'add', reason: '母亲上月去世' },
      { subjectId: 'b', categories: ['family_hardship'], action: 'keep' },
      { subjectId: 'c', categories: [], action: 'none' },
    ], people, cats)).toEqual({ fields: {}, missing: [] });
  });
  it.each([
    ['someone left out', [{ subjectId: 'a', categories: [], action: 'none' }, { subjectId: 'b', categories: [], action: 'keep' }], {}, ['王老师']],
    ['a stranger', [{ subjectId: 'x', categories: [], action: 'none' }], { 'entries.0.subjectId': '不在本次排查的名单中' }, ['张老师', '李老师', '王老师']],
    ['twice', [{ subjectId: 'a', categories: [], action: 'none' }, { subjectId: 'a', categories: [], action: 'none' }], { 'entries.1.subjectId': '重复' }, ['李老师', '王老师']],
    ['an unknown category', [{ subjectId: 'a', categories: ['x'], action: 'none' }], { 'entries.0.categories': '有不认识的类别' }, ['李老师', '王老师']],
    ['add without a reason', [{ subjectId: 'a', categories: ['bereavement'], action: 'add' }], { 'entries.0.action': '列入关爱名单需要类别和理由' }, ['李老师', '王老师']],
    ['add someone on the register', [{ subjectId: 'b', categories: ['bereavement'], action: 'add', reason: 'x' }], { 'entries.0.action': '已在关爱名单中，请选择「保留」' }, ['张老师', '王老师']],
    ['keep someone not on it', [{ subjectId: 'a', categories: [], action: 'keep' }], { 'entries.0.action': '不在关爱名单中' }, ['李老师', '王老师']],
    ['remove without a reason', [{ subjectId: 'b', categories: [], action: 'remove' }], { 'entries.0.reason': '移出名单需要理由' }, ['张老师', '王老师']],
  ] as const)('%s', (_n, entries, fields, missing) => expect(staffSweepProblems(entries, people, cats)).toEqual({ fields, missing }));
});

describe('closure (销号)', () => {
  it.each([
    ['propose an active case', { status: 'active', proposedBy: null }, 'propose', 'u1', null],
    ['propose twice', { status: 'closure_proposed', proposedBy: 'u1' }, 'propose', 'u2', 'not_active'],
    ['approve by another', { status: 'closure_proposed', proposedBy: 'u1' }, 'approve', 'u2', null],
    ['approve one\'s own proposal', { status: 'closure_proposed', proposedBy: 'u1' }, 'approve', 'u1', 'own_proposal'],
    ['reject one\'s own proposal', { status: 'closure_proposed', proposedBy: 'u1' }, 'reject', 'u1', 'own_proposal'],
    ['approve what nobody proposed', { status: 'active', proposedBy: null }, 'approve', 'u2', 'not_proposed'],
    ['approve a closed case', { status: 'closed', proposedBy: 'u1' }, 'approve', 'u2', 'not_proposed'],
  ] as const)('%s', (_n, c, action, actor, expected) => expect(closureProblem(c, action, actor)).toBe(expected));
});

describe('follow-ups due for staff care (by level)', () => {
  const f = (kind: 'talk' | 'phone' | 'visit', due: string, overdue: boolean) => ({ kind, due, overdue });
  it.each([
    ['yellow, nothing recorded: a talk 30 days after the carer took the case', {}, 'yellow', '2026-11-20', [f('talk', '2026-12-20', false)]],
    ['yellow, on the due day itself: not yet overdue', {}, 'yellow', '2026-12-20', [f('talk', '2026-12-20', false)]],
    ['yellow, the day after: overdue', {}, 'yellow', '2026-12-21', [f('talk', '2026-12-20', true)]],
    ['orange: a talk and a call every 14 days', {}, 'orange', '2026-12-05', [f('talk', '2026-12-04', true), f('phone', '2026-12-04', true)]],
    ['red: a talk every 14, a call every 7, a visit every 30 days', {}, 'red', '2026-11-28', [f('talk', '2026-12-04', false), f('phone', '2026-11-27', true), f('visit', '2026-12-20', false)]],
    ['red: a talk clears the call too', { talk: '2026-11-27' }, 'red', '2026-11-28', [f('talk', '2026-12-11', false), f('phone', '2026-12-04', false), f('visit', '2026-12-20', false)]],
    ['red: a call clears only the call', { phone: '2026-11-27' }, 'red', '2026-12-05', [f('talk', '2026-12-04', true), f('phone', '2026-12-04', true), f('visit', '2026-12-20', false)]],
    ['red: a visit counts as a talk, a call and a visit', { visit: '2026-12-01' }, 'red', '2026-12-05', [f('talk', '2026-12-15', false), f('phone', '2026-12-08', false), f('visit', '2026-12-31', false)]],
    ['support is not a contact', { support: '2026-12-20' }, 'yellow', '2026-12-21', [f('talk', '2026-12-20', true)]],
    ['records before the carer took the case do not count', { talk: '2026-11-01' }, 'yellow', '2026-11-25', [f('talk', '2026-12-20', false)]],
    ['the latest of the kinds that count', { talk: '2026-11-22', visit: '2026-11-30', phone: '2026-12-03' }, 'orange', '2026-12-10', [f('talk', '2026-12-14', false), f('phone', '2026-12-17', false)]],
  ] as const)('%s', (_n, last, level, today, expected) => expect(staffFollowUpsDue(last, '2026-11-20', today, level)).toEqual(expected));
});
