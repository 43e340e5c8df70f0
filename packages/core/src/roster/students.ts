import { parseClassNumber, parseGradeLevel } from '../org/org.js';
import { cellText, parseDate, parseGender, parsePhone, parseYesNo, type Cell } from './cells.js';
import type { ColumnSpec, HeaderMatch, RowError } from './columns.js';

export type StudentField =
  | 'studentNo'
  | 'name'
  | 'gender'
  | 'birthDate'
  | 'grade'
  | 'className'
  | 'enrolmentYear'
  | 'boarding'
  | 'dormitory'
  | 'leftBehind'
  | 'guardianName'
  | 'guardianRelation'
  | 'guardianPhone';

/** The columns of a student roster, with the header variants schools' spreadsheets use. */
export const STUDENT_COLUMNS: readonly ColumnSpec<StudentField>[] = [
  { field: 'studentNo', label: '学籍号', required: true, aliases: ['学籍号', '学号', '全国学籍号', '国家学籍号', '学生学籍号', '学籍编号', '学生编号', '学籍辅号'] },
  { field: 'name', label: '姓名', required: true, aliases: ['姓名', '学生姓名', '名字'] },
  { field: 'gender', label: '性别', required: true, aliases: ['性别', '学生性别'] },
  { field: 'birthDate', label: '出生日期', required: true, aliases: ['出生日期', '出生年月', '出生年月日', '生日', '出生时间'] },
  { field: 'grade', label: '年级', required: false, aliases: ['年级', '所在年级', '年级名称'] },
  { field: 'className', label: '班级', required: true, aliases: ['班级', '班级名称', '班', '所在班级', '班别'] },
  { field: 'enrolmentYear', label: '入学年份', required: false, aliases: ['入学年份', '入学年度', '入学年', '入学时间', '年级届别', '届别'] },
  { field: 'boarding', label: '是否住校', required: false, aliases: ['是否住校', '住校', '是否寄宿', '寄宿', '是否住宿', '住宿', '住校生', '就读方式'] },
  { field: 'dormitory', label: '宿舍', required: false, aliases: ['宿舍', '宿舍号', '寝室', '寝室号', '宿舍房间'] },
  { field: 'leftBehind', label: '是否留守儿童', required: false, aliases: ['是否留守儿童', '留守儿童', '是否留守', '留守'] },
  { field: 'guardianName', label: '监护人姓名', required: false, aliases: ['监护人姓名', '监护人', '家长姓名', '家长', '联系人'] },
  { field: 'guardianRelation', label: '监护人关系', required: false, aliases: ['监护人关系', '与学生关系', '关系', '家长关系', '与本人关系', '监护人与学生关系'] },
  { field: 'guardianPhone', label: '监护人电话', required: false, aliases: ['监护人电话', '家长电话', '联系电话', '监护人手机', '家长手机', '家长手机号', '监护人手机号', '联系方式', '手机号'] },
];

export interface StudentRosterRow {
  row: number;
  studentNo: string;
  name: string;
  gender: 'male' | 'female';
  birthDate: string;
  gradeLevel: number;
  classNo: number;
  enrolmentYear: number;
  boarding: boolean | undefined;
  dormitory: string | undefined;
  leftBehind: boolean | undefined;
  guardian: { name: string; relation: string; phone: string | undefined } | undefined;
}

export const STUDENT_NO_RE = /^[A-Za-z0-9-]{4,32}$/;

const RELATIONS: Record<string, string> = {
  父: '父亲', 爸爸: '父亲', 父亲: '父亲', 母: '母亲', 妈妈: '母亲', 母亲: '母亲',
  爷爷: '祖父', 祖父: '祖父', 奶奶: '祖母', 祖母: '祖母', 外公: '外祖父', 外祖父: '外祖父',
  外婆: '外祖母', 外祖母: '外祖母', 哥哥: '兄', 姐姐: '姐', 其他: '其他', 其他亲属: '其他亲属',
};

export function normaliseRelation(raw: string): string {
  return RELATIONS[raw] ?? raw;
}

/** The first grade level of each stage: pupils enrol in grade 1, 7 or 10. */
export function entryLevel(gradeLevel: number): number {
  return gradeLevel >= 10 ? 10 : gradeLevel >= 7 ? 7 : 1;
}

/** Enrolment year implied by a grade in a school year starting in September of `schoolYear`. */
export function impliedEnrolmentYear(gradeLevel: number, schoolYear: number): number {
  return schoolYear - (gradeLevel - entryLevel(gradeLevel));
}

export interface StudentRosterOptions {
  /** Grade levels the school teaches; rows outside them are errors. */
  gradeLevels: readonly number[];
  /** The school year (its starting calendar year) the roster describes. */
  schoolYear: number;
}

/**
 * Validates a student roster row by row. Feed every data row in order; `errors` collects every
 * problem by row and column (in Chinese), including a 学籍号 repeated within the file.
 */
export class StudentRosterValidator {
  readonly rows: StudentRosterRow[] = [];
  readonly errors: RowError[] = [];
  private readonly seen = new Map<string, number>();
  // a roster repeats a handful of grade and class names thousands of times
  private readonly gradeCache = new Map<string, number | null>();
  private readonly classCache = new Map<string, number | null>();

  private gradeOf(text: string): number | null {
    let v = this.gradeCache.get(text);
    if (v === undefined) this.gradeCache.set(text, (v = parseGradeLevel(text)));
    return v;
  }

  private classOf(text: string): number | null {
    let v = this.classCache.get(text);
    if (v === undefined) this.classCache.set(text, (v = parseClassNumber(text)));
    return v;
  }

  constructor(
    private readonly match: HeaderMatch<StudentField>,
    private readonly options: StudentRosterOptions,
  ) {}

  private header(field: StudentField, fallback: string): string {
    const i = this.match.columns[field];
    return (i !== undefined && this.match.headers[i]) || fallback;
  }

  private cell(cells: readonly Cell[], field: StudentField): Cell {
    const i = this.match.columns[field];
    return i === undefined ? null : (cells[i] ?? null);
  }

  /** Returns false when the row is blank (skipped without error). */
  add(rowNumber: number, cells: readonly Cell[]): boolean {
    if (cells.every((c) => cellText(c) === '')) return false;
    const errs: RowError[] = [];
    const fail = (field: StudentField, label: string, message: string) =>
      errs.push({ row: rowNumber, column: this.header(field, label), message });
    const text = (f: StudentField) => cellText(this.cell(cells, f));

    const studentNo = text('studentNo').toUpperCase();
    if (!studentNo) fail('studentNo', '学籍号', '不能为空');
    else if (!STUDENT_NO_RE.test(studentNo)) fail('studentNo', '学籍号', `“${studentNo}”格式不正确，应为 4–32 位字母或数字`);
    else {
      const first = this.seen.get(studentNo);
      if (first !== undefined) fail('studentNo', '学籍号', `与第 ${first} 行重复`);
      else this.seen.set(studentNo, rowNumber);
    }

    const name = text('name');
    if (!name) fail('name', '姓名', '不能为空');
    else if (name.length > 30) fail('name', '姓名', '超过 30 个字');

    const genderText = text('gender');
    const gender = parseGender(this.cell(cells, 'gender'));
    if (!genderText) fail('gender', '性别', '不能为空');
    else if (!gender) fail('gender', '性别', `“${genderText}”无法识别，应为 男 或 女`);

    const birthRaw = this.cell(cells, 'birthDate');
    const birthDate = parseDate(birthRaw);
    if (cellText(birthRaw) === '') fail('birthDate', '出生日期', '不能为空');
    else if (!birthDate) fail('birthDate', '出生日期', `“${cellText(birthRaw)}”不是有效日期，可写作 2012-03-05`);
    else {
      const y = Number(birthDate.slice(0, 4));
      if (y < this.options.schoolYear - 25 || y > this.options.schoolYear - 3) {
        fail('birthDate', '出生日期', `${birthDate} 不在合理范围内`);
      }
    }

    const classText = text('className');
    const gradeText = text('grade');
    let gradeLevel = gradeText ? this.gradeOf(gradeText) : null;
    if (gradeLevel === null && !gradeText) {
      // "初一(3)班" or "七年级3班" carries the grade in the class column
      const g = /^(.+?(年级|[一二三]))[(（]?\d/.exec(classText);
      gradeLevel = g ? parseGradeLevel(g[1]!) : null;
    }
    if (!gradeText && gradeLevel === null) fail('grade', '年级', '不能为空（班级列中也未写明年级）');
    else if (gradeLevel === null) fail('grade', '年级', `“${gradeText}”无法识别，可写作 七年级 或 初一`);
    else if (!this.options.gradeLevels.includes(gradeLevel)) fail('grade', '年级', `本校没有“${gradeText || classText}”这个年级`);

    const classNo = classText ? this.classOf(classText) : null;
    if (!classText) fail('className', '班级', '不能为空');
    else if (classNo === null || classNo > 99) fail('className', '班级', `“${classText}”无法识别，可写作 3班 或 (3)班`);

    let enrolmentYear = gradeLevel !== null ? impliedEnrolmentYear(gradeLevel, this.options.schoolYear) : 0;
    const eyText = text('enrolmentYear');
    if (eyText) {
      const m = /^(\d{4})/.exec(eyText);
      const y = m ? Number(m[1]) : NaN;
      if (!m || y < this.options.schoolYear - 15 || y > this.options.schoolYear + 1) {
        fail('enrolmentYear', '入学年份', `“${eyText}”不是有效年份`);
      } else enrolmentYear = y;
    }

    const boarding = parseYesNo(this.cell(cells, 'boarding'));
    if (boarding === null) fail('boarding', '是否住校', `“${text('boarding')}”应为 是 或 否`);
    const dormitory = text('dormitory') || undefined;
    if (dormitory && dormitory.length > 30) fail('dormitory', '宿舍', '超过 30 个字');
    if (dormitory && boarding === false) fail('dormitory', '宿舍', '走读生不应填写宿舍');
    const leftBehind = parseYesNo(this.cell(cells, 'leftBehind'));
    if (leftBehind === null) fail('leftBehind', '是否留守儿童', `“${text('leftBehind')}”应为 是 或 否`);

    const gName = text('guardianName');
    const gRelation = text('guardianRelation');
    const gPhoneText = text('guardianPhone');
    const gPhone = gPhoneText ? parsePhone(this.cell(cells, 'guardianPhone')) : undefined;
    if (gPhoneText && !gPhone) fail('guardianPhone', '监护人电话', `“${gPhoneText}”不是有效的手机或固定电话号码`);
    if ((gRelation || gPhoneText) && !gName) fail('guardianName', '监护人姓名', '填写了监护人关系或电话时不能为空');
    if (gName && gName.length > 30) fail('guardianName', '监护人姓名', '超过 30 个字');
    if (gName && !gRelation) fail('guardianRelation', '监护人关系', '填写了监护人姓名时不能为空');

    if (errs.length) {
      this.errors.push(...errs);
      return true;
    }
    this.rows.push({
      row: rowNumber,
      studentNo,
      name,
      gender: gender!,
      birthDate: birthDate!,
      gradeLevel: gradeLevel!,
      classNo: classNo!,
      enrolmentYear,
      boarding: boarding ?? (dormitory ? true : undefined),
      dormitory,
      leftBehind: leftBehind ?? undefined,
      guardian: gName ? { name: gName, relation: normaliseRelation(gRelation), phone: gPhone ?? undefined } : undefined,
    });
    return true;
  }
}
