import { parseClassNumber, parseGradeLevel, STAFF_POST_LABEL, STAFF_POSTS, type StaffPost } from '../org/org.js';
import { cellText, parseGender, parsePhone, type Cell } from './cells.js';
import type { ColumnSpec, HeaderMatch, RowError } from './columns.js';

export type StaffField = 'staffNo' | 'name' | 'gender' | 'phone' | 'posts' | 'headClass' | 'subject';

export const STAFF_COLUMNS: readonly ColumnSpec<StaffField>[] = [
  { field: 'staffNo', label: '工号', required: false, aliases: ['工号', '教职工号', '教师编号', '职工号'] },
  { field: 'name', label: '姓名', required: true, aliases: ['姓名', '教师姓名', '教职工姓名'] },
  { field: 'gender', label: '性别', required: false, aliases: ['性别'] },
  { field: 'phone', label: '手机号', required: true, aliases: ['手机号', '手机', '手机号码', '联系电话', '电话'] },
  { field: 'posts', label: '岗位', required: true, aliases: ['岗位', '职务', '任职', '岗位职务'] },
  { field: 'headClass', label: '班主任班级', required: false, aliases: ['班主任班级', '任班主任班级', '所带班级', '班级'] },
  { field: 'subject', label: '任教学科', required: false, aliases: ['任教学科', '学科', '科目'] },
];

const POST_WORDS: Record<string, StaffPost> = {
  ...Object.fromEntries(STAFF_POSTS.map((p) => [STAFF_POST_LABEL[p], p])),
  校长: 'leader', 副校长: 'leader', 书记: 'leader', 主管校长: 'leader', 领导: 'leader',
  德育主任: 'moral_education', 德育: 'moral_education', 政教主任: 'moral_education',
  心理教师: 'counselor_full', 专职心理健康教师: 'counselor_full', 兼职心理健康教师: 'counselor_part',
  教师: 'subject_teacher', 科任教师: 'subject_teacher',
};

export interface StaffRosterRow {
  row: number;
  staffNo: string | undefined;
  name: string;
  gender: 'male' | 'female' | undefined;
  phone: string;
  posts: StaffPost[];
  headClass: { gradeLevel: number; classNo: number } | undefined;
  subject: string | undefined;
}

export class StaffRosterValidator {
  readonly rows: StaffRosterRow[] = [];
  readonly errors: RowError[] = [];
  private readonly phones = new Map<string, number>();

  constructor(
    private readonly match: HeaderMatch<StaffField>,
    private readonly gradeLevels: readonly number[],
  ) {}

  private header(field: StaffField, fallback: string): string {
    const i = this.match.columns[field];
    return (i !== undefined && this.match.headers[i]) || fallback;
  }

  add(rowNumber: number, cells: readonly Cell[]): boolean {
    if (cells.every((c) => cellText(c) === '')) return false;
    const get = (f: StaffField): Cell => {
      const i = this.match.columns[f];
      return i === undefined ? null : (cells[i] ?? null);
    };
    const errs: RowError[] = [];
    const fail = (f: StaffField, label: string, message: string) =>
      errs.push({ row: rowNumber, column: this.header(f, label), message });

    const name = cellText(get('name'));
    if (!name) fail('name', '姓名', '不能为空');
    const genderText = cellText(get('gender'));
    const gender = genderText ? parseGender(get('gender')) : undefined;
    if (gender === null) fail('gender', '性别', `“${genderText}”无法识别，应为 男 或 女`);
    const phoneText = cellText(get('phone'));
    const phone = parsePhone(get('phone'));
    if (!phoneText) fail('phone', '手机号', '不能为空（用于登录）');
    else if (!phone || !/^1/.test(phone)) fail('phone', '手机号', `“${phoneText}”不是有效的手机号`);
    else {
      const first = this.phones.get(phone);
      if (first !== undefined) fail('phone', '手机号', `与第 ${first} 行重复`);
      else this.phones.set(phone, rowNumber);
    }
    const posts: StaffPost[] = [];
    const postText = cellText(get('posts'));
    for (const word of postText.split(/[、,，;；/\s]+/).filter(Boolean)) {
      const p = POST_WORDS[word];
      if (!p) fail('posts', '岗位', `“${word}”不是可识别的岗位（如 班主任、专职心理教师、任课教师、学校领导、德育干部）`);
      else if (!posts.includes(p)) posts.push(p);
    }
    if (!postText) fail('posts', '岗位', '不能为空');
    let headClass: StaffRosterRow['headClass'];
    const classText = cellText(get('headClass'));
    if (classText) {
      const g = /^(.+?(年级|[一二三]))[(（]?\d/.exec(classText);
      const gradeLevel = g ? parseGradeLevel(g[1]!) : null;
      const classNo = parseClassNumber(classText);
      if (gradeLevel === null || classNo === null) fail('headClass', '班主任班级', `“${classText}”无法识别，可写作 七年级3班 或 初一(3)班`);
      else if (!this.gradeLevels.includes(gradeLevel)) fail('headClass', '班主任班级', `本校没有“${classText}”所在的年级`);
      else headClass = { gradeLevel, classNo };
    }
    if (posts.includes('head_teacher') && !classText) fail('headClass', '班主任班级', '岗位为班主任时必须填写所带班级');
    if (errs.length) {
      this.errors.push(...errs);
      return true;
    }
    this.rows.push({
      row: rowNumber,
      staffNo: cellText(get('staffNo')) || undefined,
      name,
      gender: gender ?? undefined,
      phone: phone!,
      posts,
      headClass,
      subject: cellText(get('subject')) || undefined,
    });
    return true;
  }
}
