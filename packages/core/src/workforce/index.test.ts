import { describe, expect, it } from 'vitest';
import {
  bestLevel, certValidOn, certExpiredOn, certificateProblems, certifiedAs, classifyPosts, levelMeets, levelTargetMet, requiredFullTime, staffingStatus,
  readTrainingRow, summarizeSchool, trainingHours, trainingKey, workforcePercent, type CertFact,
} from './index.js';

const TODAY = '2026-11-25';
const cert = (kind: CertFact['kind'], level: CertFact['level'], issuedOn = '2020-01-01', expiresOn: string | null = null): CertFact => ({ kind, level, issuedOn, expiresOn });

describe('the staffing ratio: required full-time counselors = ceil(students / 1000) for schools of 1,000 or more', () => {
  it.each([
    [0, 0], [999, 0], [1000, 1], [1001, 2], [1999, 2], [2000, 2], [2001, 3], [3500, 4],
  ])('%i students → %i', (students, required) => expect(requiredFullTime(students)).toBe(required));

  it.each([
    // students, full, part → hasCounselor, meetsRatio, compliant
    [999, 0, 1, true, true, true],
    [999, 0, 0, false, true, false],
    [1000, 0, 1, true, false, false],
    [1000, 1, 0, true, true, true],
    [1001, 1, 3, true, false, false],
    [2000, 2, 0, true, true, true],
    [2001, 2, 0, true, false, false],
  ])('%i students, %i full, %i part', (students, full, part, has, ratio, ok) => {
    const s = staffingStatus(students, full, part);
    expect([s.hasCounselor, s.meetsRatio, s.compliant]).toEqual([has, ratio, ok]);
  });

  it('says why, in Chinese', () => {
    expect(staffingStatus(1001, 1, 0).problems).toEqual(['学生 1001 人，应配专职心理教师 2 名，现有 1 名']);
    expect(staffingStatus(500, 0, 0).problems).toEqual(['未配备心理教师']);
  });
});

describe('when a certificate counts', () => {
  it.each([
    // issued, expires, valid on TODAY, expired on TODAY
    ['2020-01-01', null, true, false],
    ['2020-01-01', '2026-11-24', false, true], // expired yesterday
    ['2020-01-01', '2026-11-25', true, false], // expires today: still counts today
    ['2026-11-25', null, true, false], // issued today
    ['2026-11-26', null, false, false], // issued tomorrow
  ])('issued %s, expires %s', (issuedOn, expiresOn, valid, expired) => {
    expect(certValidOn({ issuedOn, expiresOn }, TODAY)).toBe(valid);
    expect(certExpiredOn({ expiresOn }, TODAY)).toBe(expired);
  });

  it('levels are cumulative', () => {
    expect([levelMeets('A', 'C'), levelMeets('A', 'B'), levelMeets('A', 'A'), levelMeets('B', 'A'), levelMeets('C', 'B'), levelMeets(null, 'C')]).toEqual([true, true, true, false, false, false]);
  });

  it('the best valid level; an expired A does not count', () => {
    expect(bestLevel([cert('mh_teacher', 'C'), cert('mh_teacher', 'A', '2020-01-01', '2026-11-24')], TODAY)).toBe('C');
    expect(bestLevel([cert('mh_teacher', 'C'), cert('mh_teacher', 'B')], TODAY)).toBe('B');
    expect(bestLevel([cert('psych_counselor', null)], TODAY)).toBeNull();
  });

  it('which kinds certify a counselor and a head teacher', () => {
    expect(certifiedAs('counselor', [cert('psych_counselor', null)], TODAY)).toBe(true);
    expect(certifiedAs('counselor', [cert('family_guidance', null)], TODAY)).toBe(false);
    expect(certifiedAs('head_teacher', [cert('family_guidance', null)], TODAY)).toBe(true);
    expect(certifiedAs('head_teacher', [cert('other', null)], TODAY)).toBe(false);
    expect(certifiedAs('counselor', [cert('mh_teacher', 'C', '2020-01-01', '2026-11-24')], TODAY)).toBe(false);
  });

  it('field problems', () => {
    expect(certificateProblems({ kind: 'mh_teacher', issuedOn: '2020-01-01' }, TODAY)).toEqual({ level: '请选择证书等级（C、B 或 A 证）' });
    expect(certificateProblems({ kind: 'psych_counselor', level: 'B', issuedOn: '2027-01-01', expiresOn: '2026-01-01' }, TODAY)).toEqual({
      level: '该类证书没有等级', issuedOn: '发证日期不能晚于今天', expiresOn: '有效期至不能早于发证日期',
    });
    expect(certificateProblems({ kind: 'mh_teacher', level: 'C', issuedOn: '2020-01-01', expiresOn: '2026-01-01' }, TODAY)).toEqual({});
  });
});

describe('a school on a date', () => {
  it('posts: full-time wins; a part-time counselor who is also a head teacher counts once in each group', () => {
    expect(classifyPosts(['counselor_part', 'counselor_full'])).toEqual({ counselor: 'full', headTeacher: false });
    expect(classifyPosts(['counselor_part', 'head_teacher', 'subject_teacher'])).toEqual({ counselor: 'part', headTeacher: true });
    expect(classifyPosts(['subject_teacher'])).toEqual({ counselor: null, headTeacher: false });
  });

  it('golden school: 1,000 students, one full-time A (renewed from an expired C, which is no problem), one part-time head teacher with an expired B, one full-time C expiring today, two head teachers', () => {
    const s = summarizeSchool([
      { id: 'a', posts: ['counselor_full'], certs: [cert('mh_teacher', 'C', '2015-01-01', '2020-01-01'), cert('mh_teacher', 'A')] },
      { id: 'b', posts: ['counselor_part', 'head_teacher'], certs: [cert('mh_teacher', 'B', '2019-01-01', '2026-11-24')] },
      { id: 'c', posts: ['counselor_full'], certs: [cert('mh_teacher', 'C', '2019-01-01', TODAY)] },
      { id: 'd', posts: ['head_teacher', 'subject_teacher'], certs: [cert('family_guidance', null)] },
      { id: 'e', posts: ['head_teacher'], certs: [] },
      { id: 'f', posts: ['subject_teacher'], certs: [cert('mh_teacher', 'A')] },
    ], 1000, TODAY);
    expect(s).toEqual({
      students: 1000, fullTime: 2, partTime: 1, requiredFullTime: 1, hasCounselor: true, meetsRatio: true, compliant: true, problems: [],
      counselors: 3, counselorsCertified: 2, levelC: 2, levelB: 1, levelA: 1,
      headTeachers: 3, headTeachersCertified: 1, expiredCertificates: 1,
    });
    expect(workforcePercent(s.levelB, s.counselors)).toBe(33.3);
    expect(levelTargetMet('C', s.levelC, s.counselors)).toBe(false);
    expect(levelTargetMet('B', s.levelB, s.counselors)).toBe(true);
    expect(levelTargetMet('A', s.levelA, s.counselors)).toBe(true);
    expect(levelTargetMet('A', 0, 0)).toBeNull();
  });

  it('a school with none', () => {
    const s = summarizeSchool([{ id: 'e', posts: ['head_teacher'], certs: [] }], 300, TODAY);
    expect(s).toMatchObject({ counselors: 0, hasCounselor: false, compliant: false, problems: ['未配备心理教师'] });
    expect(workforcePercent(s.counselorsCertified, s.counselors)).toBeNull();
  });
});

describe('training hours per person per year by level', () => {
  it('sums hours of the year only', () => {
    const h = trainingHours([
      { staffId: 'a', date: '2026-03-01', level: 'city', hours: 8 },
      { staffId: 'a', date: '2026-09-10', level: 'city', hours: 1.5 },
      { staffId: 'a', date: '2026-10-10', level: 'national', hours: 24 },
      { staffId: 'a', date: '2025-12-31', level: 'school', hours: 4 },
      { staffId: 'b', date: '2026-01-01', level: 'school', hours: 0.1 },
      { staffId: 'b', date: '2026-01-02', level: 'school', hours: 0.2 },
    ], 2026);
    expect(h.get('a')).toEqual({ national: 24, provincial: 0, city: 9.5, county: 0, school: 0, total: 33.5 });
    expect(h.get('b')).toEqual({ national: 0, provincial: 0, city: 0, county: 0, school: 0.3, total: 0.3 });
  });
});

describe('training import rows', () => {
  const match = { headerIndex: 0, headers: [], columns: { title: 0, date: 1, level: 2, hours: 3, provider: 4, name: 5, phone: 6 } };
  it('reads a row; Excel serial dates and level words', () => {
    expect(readTrainingRow(['轮训', 46300, '区级', 8, '区教育局', '张三', '13800001111'], match, 2, TODAY)).toEqual({
      value: { row: 2, title: '轮训', date: '2026-10-05', level: 'county', hours: 8, provider: '区教育局', name: '张三', phone: '13800001111' }, errors: [],
    });
    expect(readTrainingRow([null, '', null, null, null, null, null], match, 3, TODAY)).toEqual({ errors: [] });
  });
  it('every problem by row and column, in Chinese', () => {
    expect(readTrainingRow(['', '2026-12-01', '乡级', '两小时', '', '', '123'], match, 4, TODAY).errors.map((e) => `${e.row} ${e.column}：${e.message}`)).toEqual([
      '4 培训名称：不能为空', '4 培训日期：不能晚于今天', '4 级别：应为国家级、省级、市级、县级或校级，而不是「乡级」', '4 学时：应为 0 到 200 之间的数字，而不是「两小时」', '4 姓名：不能为空', '4 手机号：无法识别的手机号「123」',
    ]);
  });
  it('rows of one training share a key', () => {
    expect(trainingKey({ title: 'a', date: '2026-01-01', level: 'city', hours: 2, provider: '' })).toBe(trainingKey({ title: 'a', date: '2026-01-01', level: 'city', hours: 2, provider: '' }));
  });
});
