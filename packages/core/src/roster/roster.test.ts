import { describe, expect, it } from 'vitest';
import { parseClassNumber, parseGradeLevel } from '../org/org.js';
import { parseDate, parseGender, parsePhone, parseYesNo } from './cells.js';
import { findHeader, formatRowError } from './columns.js';
import { STAFF_COLUMNS, StaffRosterValidator } from './staff.js';
import { impliedEnrolmentYear, STUDENT_COLUMNS, StudentRosterValidator } from './students.js';

describe('cell readers', () => {
  it.each([
    ['2012-03-05', '2012-03-05'],
    ['2012/3/5', '2012-03-05'],
    ['2012.3.5', '2012-03-05'],
    ['2012年3月5日', '2012-03-05'],
    ['20120305', '2012-03-05'],
    [20120305, '2012-03-05'],
    [40973, '2012-03-05'], // Excel serial
    ['40973', '2012-03-05'],
    [new Date(Date.UTC(2012, 2, 5)), '2012-03-05'],
    ['2012-02-30', null],
    ['三月五日', null],
    ['', null],
  ] as const)('date %s → %s', (input, expected) => {
    expect(parseDate(input)).toBe(expected);
  });

  it.each([
    ['七年级', 7], ['初一', 7], ['初三', 9], ['高一', 10], ['高三', 12], ['一年级', 1], ['六年级', 6],
    ['7年级', 7], ['小学三年级', 3], ['10', 10], ['中职一年级', 10], ['十三年级', null], ['大一', null],
  ] as const)('grade %s → %s', (input, expected) => {
    expect(parseGradeLevel(input)).toBe(expected);
  });

  it.each([
    ['3班', 3], ['(3)班', 3], ['（12）班', 12], ['初一(3)班', 3], ['七年级3班', 3], ['3', 3], ['三班', 3], ['火箭班', null],
  ] as const)('class %s → %s', (input, expected) => {
    expect(parseClassNumber(input)).toBe(expected);
  });

  it('yes/no, gender and phone variants', () => {
    expect([parseYesNo('是'), parseYesNo('否'), parseYesNo('住校'), parseYesNo('走读'), parseYesNo(''), parseYesNo('也许')]).toEqual([true, false, true, false, undefined, null]);
    expect([parseGender('男'), parseGender('女性'), parseGender('F'), parseGender('未知')]).toEqual(['male', 'female', 'female', null]);
    expect([parsePhone('138 0013 8000'), parsePhone('+86 13800138000'), parsePhone('0731-8888888'), parsePhone('12345')]).toEqual(['13800138000', '13800138000', '0731-8888888', null]);
  });

  it('enrolment year follows the grade', () => {
    expect(impliedEnrolmentYear(7, 2026)).toBe(2026);
    expect(impliedEnrolmentYear(9, 2026)).toBe(2024);
    expect(impliedEnrolmentYear(3, 2026)).toBe(2024);
    expect(impliedEnrolmentYear(12, 2026)).toBe(2024);
  });
});

describe('student roster', () => {
  const sheet = [
    ['江城区实验中学 2026 学年学生名单'],
    ['（请勿修改表头）'],
    ['序号', '学号', '学生姓名', '性别', '出生年月', '年级', '班级', '是否住校', '宿舍', '留守儿童', '家长姓名', '与学生关系', '家长手机号'],
  ];
  const match = () => {
    const found = findHeader(sheet, STUDENT_COLUMNS);
    if (!found.ok) throw new Error(found.message);
    return found.match;
  };

  it('finds a header below title rows and maps variant names', () => {
    const m = match();
    expect(m.headerIndex).toBe(2);
    expect(m.columns).toMatchObject({ studentNo: 1, name: 2, gender: 3, birthDate: 4, grade: 5, className: 6, boarding: 7, dormitory: 8, leftBehind: 9, guardianName: 10, guardianRelation: 11, guardianPhone: 12 });
  });

  it('says which required columns are missing', () => {
    const r = findHeader([['学号', '姓名', '性别', '年级']], STUDENT_COLUMNS);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('出生日期');
  });

  it('validates every row and names row and column in Chinese', () => {
    const v = new StudentRosterValidator(match(), { gradeLevels: [7, 8, 9], schoolYear: 2026 });
    v.add(4, [1, 'G2013010100001', '张三', '男', 41275, '七年级', '1班', '否', '', '是', '张建国', '父亲', '13800138000']);
    v.add(5, [2, 'G2013010100001', '李四', '未知', '2013-13-01', '高一', '', '也许', '', '', '', '', '123']);
    v.add(6, [null, null, null, null, null, null, null, null]); // blank rows are skipped
    v.add(7, [3, 'x', '', '女', '2013-02-02', '', '初二(4)班', '', '', '', '王芳', '', '']);
    expect(v.rows).toHaveLength(1);
    expect(v.rows[0]).toMatchObject({ studentNo: 'G2013010100001', birthDate: '2013-01-01', gradeLevel: 7, classNo: 1, enrolmentYear: 2026, boarding: false, leftBehind: true, guardian: { name: '张建国', relation: '父亲', phone: '13800138000' } });
    expect(v.errors.map(formatRowError)).toEqual([
      '第 5 行「学号」：与第 4 行重复',
      '第 5 行「性别」：“未知”无法识别，应为 男 或 女',
      '第 5 行「出生年月」：“2013-13-01”不是有效日期，可写作 2012-03-05',
      '第 5 行「年级」：本校没有“高一”这个年级',
      '第 5 行「班级」：不能为空',
      '第 5 行「是否住校」：“也许”应为 是 或 否',
      '第 5 行「家长手机号」：“123”不是有效的手机或固定电话号码',
      '第 5 行「家长姓名」：填写了监护人关系或电话时不能为空',
      '第 7 行「学号」：“X”格式不正确，应为 4–32 位字母或数字',
      '第 7 行「学生姓名」：不能为空',
      '第 7 行「与学生关系」：填写了监护人姓名时不能为空',
    ]);
  });
});

describe('staff roster', () => {
  it('reads posts and the head teacher class', () => {
    const found = findHeader([['工号', '姓名', '性别', '手机号', '岗位', '班主任班级', '任教学科']], STAFF_COLUMNS);
    if (!found.ok) throw new Error(found.message);
    const v = new StaffRosterValidator(found.match, [7, 8, 9]);
    v.add(2, ['T1', '李老师', '女', '13900139000', '班主任、任课教师', '七年级3班', '语文']);
    v.add(3, ['T2', '王老师', '男', '13900139000', '班主任', '', '']);
    v.add(4, ['T3', '赵老师', '男', '13900139001', '厨师', '', '']);
    expect(v.rows).toEqual([{ row: 2, staffNo: 'T1', name: '李老师', gender: 'female', phone: '13900139000', posts: ['head_teacher', 'subject_teacher'], headClass: { gradeLevel: 7, classNo: 3 }, subject: '语文' }]);
    expect(v.errors.map(formatRowError)).toEqual([
      '第 3 行「手机号」：与第 2 行重复',
      '第 3 行「班主任班级」：岗位为班主任时必须填写所带班级',
      '第 4 行「岗位」：“厨师”不是可识别的岗位（如 班主任、专职心理教师、任课教师、学校领导、德育干部）',
    ]);
  });
});
