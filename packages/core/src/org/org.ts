/** Organisation vocabulary: unit kinds, school kinds, grade levels and their Chinese names. */
export const ORG_KINDS = ['city', 'district', 'school', 'grade', 'class'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

/** Which kinds may sit directly under which: municipal schools (市直学校) hang under the city. */
export const ALLOWED_PARENT: Record<OrgKind, readonly (OrgKind | null)[]> = {
  city: [null],
  district: ['city'],
  school: ['city', 'district'],
  grade: ['school'],
  class: ['grade'],
};

export const SCHOOL_KINDS = ['primary', 'junior', 'senior', 'nine_year', 'complete_secondary', 'vocational'] as const;
export type SchoolKind = (typeof SCHOOL_KINDS)[number];

export const SCHOOL_KIND_LABEL: Record<SchoolKind, string> = {
  primary: '小学',
  junior: '初级中学',
  senior: '高级中学',
  nine_year: '九年一贯制学校',
  complete_secondary: '完全中学',
  vocational: '中等职业学校',
};

/** Grade levels a school kind teaches: 1–6 primary, 7–9 junior, 10–12 senior / vocational. */
export const SCHOOL_GRADE_LEVELS: Record<SchoolKind, readonly number[]> = {
  primary: [1, 2, 3, 4, 5, 6],
  junior: [7, 8, 9],
  senior: [10, 11, 12],
  nine_year: [1, 2, 3, 4, 5, 6, 7, 8, 9],
  complete_secondary: [7, 8, 9, 10, 11, 12],
  vocational: [10, 11, 12],
};

const CN_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

export function gradeName(level: number, schoolKind?: SchoolKind): string {
  if (schoolKind === 'vocational' && level >= 10) return `中职${CN_DIGITS[level - 9]}年级`;
  if (level <= 9) return `${CN_DIGITS[level]}年级`;
  return `高${CN_DIGITS[level - 9]}`;
}

function cnNumber(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s);
  if (s === '十') return 10;
  const m = /^(十)?([一二三四五六七八九])?$/.exec(s);
  if (m && (m[1] || m[2])) return (m[1] ? 10 : 0) + (m[2] ? CN_DIGITS.indexOf(m[2]) : 0);
  const i = CN_DIGITS.indexOf(s);
  return i > 0 ? i : null;
}

/** Reads the grade names schools write: 七年级, 初一, 高二, 7年级, 中职一年级, 小学三年级, 7. */
export function parseGradeLevel(raw: string): number | null {
  const s = raw.replace(/\s+/g, '').replace(/^小学/, '');
  let m = /^(初|高|中职)([一二三123])(年级)?$/.exec(s);
  if (m) {
    const n = cnNumber(m[2]!)!;
    return m[1] === '初' ? 6 + n : 9 + n;
  }
  m = /^([一二三四五六七八九十\d]{1,2})年级$/.exec(s);
  if (m) {
    const n = cnNumber(m[1]!);
    return n && n >= 1 && n <= 12 ? n : null;
  }
  if (/^\d{1,2}$/.test(s)) {
    const n = Number(s);
    return n >= 1 && n <= 12 ? n : null;
  }
  return null;
}

/** Reads class names: 3班, (3)班, （3）班, 初一(3)班, 七年级3班, 3. Returns the class number. */
export function parseClassNumber(raw: string): number | null {
  const s = raw.replace(/\s+/g, '');
  const m = /[(（]?(\d{1,2})[)）]?班?$/.exec(s);
  if (!m) {
    const c = /([一二三四五六七八九十]{1,3})班$/.exec(s);
    return c ? cnNumber(c[1]!) : null;
  }
  const n = Number(m[1]);
  return n >= 1 ? n : null;
}

export function className(classNo: number): string {
  return `${classNo}班`;
}

export const GENDERS = ['male', 'female'] as const;
export type Gender = (typeof GENDERS)[number];

export const STUDENT_STATUSES = ['active', 'graduated', 'transferred_out', 'suspended'] as const;
export type StudentStatus = (typeof STUDENT_STATUSES)[number];

/** Staff posts. A post may carry a class (head teacher of class X). */
export const STAFF_POSTS = [
  'leader',
  'moral_education',
  'counselor_full',
  'counselor_part',
  'head_teacher',
  'subject_teacher',
] as const;
export type StaffPost = (typeof STAFF_POSTS)[number];

export const STAFF_POST_LABEL: Record<StaffPost, string> = {
  leader: '学校领导',
  moral_education: '德育干部',
  counselor_full: '专职心理教师',
  counselor_part: '兼职心理教师',
  head_teacher: '班主任',
  subject_teacher: '任课教师',
};

/** The seven special-group categories of the Jiaozuo document; regions may add more. */
export const DEFAULT_CIRCUMSTANCES = [
  { code: 'left_behind', label: '留守' },
  { code: 'single_parent', label: '单亲' },
  { code: 'divorced', label: '离异' },
  { code: 'remarried', label: '重组' },
  { code: 'extreme_poverty', label: '特困' },
  { code: 'disabled', label: '残疾' },
  { code: 'mental_disorder', label: '精神障碍' },
] as const;
