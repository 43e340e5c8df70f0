/** Cell values as the server hands them over from a spreadsheet or CSV reader. */
export type Cell = string | number | boolean | Date | null;

export function cellText(c: Cell): string {
  if (c == null) return '';
  if (c instanceof Date) return isoDate(c) ?? '';
  return String(c).replace(/\u00a0/g, ' ').trim();
}

/** Normalises a header: no spaces, no full/half-width brackets or marks like * that mean "required". */
export function normaliseHeader(c: Cell): string {
  return cellText(c)
    .replace(/[\s*＊:：]/g, '')
    .replace(/[（(].*?[)）]/g, '')
    .toLowerCase();
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function isoDate(d: Date): string | null {
  if (Number.isNaN(d.getTime())) return null;
  // spreadsheet dates carry no zone; readers give them as UTC midnight
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function validYmd(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/**
 * Reads a date the way schools type it: an Excel date cell, an Excel serial number, or text such as
 * 2012-03-05, 2012/3/5, 2012.3.5, 20120305, 2012年3月5日. Returns YYYY-MM-DD or null.
 */
export function parseDate(c: Cell): string | null {
  if (c == null || c === '') return null;
  if (c instanceof Date) return isoDate(c);
  if (typeof c === 'number') {
    if (c >= 19000101 && c <= 21001231) return parseDate(String(c));
    if (c < 1 || c > 80000) return null;
    // Excel serial day (1900 date system, including its phantom 29 Feb 1900)
    return isoDate(new Date(Math.round((c - 25569) * 86400000)));
  }
  const s = String(c).trim();
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?$/.exec(s);
  if (m) return validYmd(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return validYmd(Number(m[1]), Number(m[2]), Number(m[3]));
  if (/^\d+(\.\d+)?$/.test(s)) return parseDate(Number(s));
  return null;
}

const YES = new Set(['是', 'y', 'yes', '1', 'true', '√', '住校', '寄宿', '留守', '有']);
const NO = new Set(['否', 'n', 'no', '0', 'false', '×', '走读', '非留守', '无', '不是']);

/** 是/否 and its variants; undefined when empty, null when unreadable. */
export function parseYesNo(c: Cell): boolean | null | undefined {
  if (typeof c === 'boolean') return c;
  const s = cellText(c).toLowerCase();
  if (s === '') return undefined;
  if (YES.has(s)) return true;
  if (NO.has(s)) return false;
  return null;
}

export function parseGender(c: Cell): 'male' | 'female' | null {
  const s = cellText(c).toLowerCase();
  if (['男', '男性', 'm', 'male', '1'].includes(s)) return 'male';
  if (['女', '女性', 'f', 'female', '2'].includes(s)) return 'female';
  return null;
}

export const PHONE_RE = /^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

export function parsePhone(c: Cell): string | null {
  const s = cellText(c).replace(/[\s()（）]/g, '').replace(/^\+?86-?/, '');
  return PHONE_RE.test(s) ? s : null;
}
