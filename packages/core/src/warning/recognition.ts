/**
 * Recognition of care work: the quarterly excellent growth diary (优秀成长日记) and the annual
 * 爱心教师 list. Pure rules: which quarter a day belongs to, and how a diary entry is
 * de-identified before anyone outside the school reads it.
 */

/** The calendar quarter of a day (YYYY-MM-DD), e.g. 2026Q4. */
export function quarterOf(date: string): string {
  const month = Number(date.slice(5, 7));
  return `${date.slice(0, 4)}Q${Math.floor((month - 1) / 3) + 1}`;
}

/** The first day of a quarter and the first day after it. */
export function quarterBounds(quarter: string): { from: string; until: string } {
  const m = /^(\d{4})Q([1-4])$/.exec(quarter);
  if (!m) throw new Error(`not a quarter: ${quarter}`);
  const year = Number(m[1]);
  const q = Number(m[2]);
  const month = (q - 1) * 3 + 1;
  const pad = (n: number) => String(n).padStart(2, '0');
  return { from: `${year}-${pad(month)}-01`, until: q === 4 ? `${year + 1}-01-01` : `${year}-${pad(month + 3)}-01` };
}

export const QUARTER_PATTERN = /^\d{4}Q[1-4]$/;

/** What identifies a student in free text, and what it is replaced with. */
export interface Identifiers {
  /** the student's full name */
  name: string;
  /** class names as written (七年级1班, 1班 …) */
  classNames: string[];
  /** numbers that identify the student (学籍号) or the family (phone numbers) */
  numbers: string[];
}

export const MASK_STUDENT = '该生';
export const MASK_CLASS = '某班';
export const MASK_NUMBER = '***';

/**
 * The text with the student's name (full name, and the given name of a name of three or more
 * characters), class names, the given numbers and any run of 7+ digits (phone numbers, 学籍号)
 * replaced. Longer words are replaced first so that a full name is not half masked.
 */
export function deidentify(text: string, ids: Identifiers): string {
  const name = ids.name.trim();
  const words: [string, string][] = [];
  if (name) words.push([name, MASK_STUDENT]);
  // a Chinese given name (the name without its one-character surname) is how teachers often write
  if ([...name].length >= 3) words.push([[...name].slice(1).join(''), MASK_STUDENT]);
  for (const c of ids.classNames) if (c.trim()) words.push([c.trim(), MASK_CLASS]);
  for (const n of ids.numbers) if (n.trim()) words.push([n.trim(), MASK_NUMBER]);
  words.sort((a, b) => b[0].length - a[0].length);
  let out = text;
  for (const [w, mask] of words) out = out.split(w).join(mask);
  return out.replace(/\d{7,}/g, MASK_NUMBER);
}

/** The figures a 爱心教师 nomination is judged by, computed from the year's records. */
export interface HonourFigures {
  studentsCared: number;
  diaryEntries: number;
  closures: number;
}
