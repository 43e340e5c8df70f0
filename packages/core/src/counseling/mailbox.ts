/**
 * Mailbox (心灵信箱) rules: the keyword triage of messages and the anonymous writer's code.
 * The keyword match is a triage aid that puts a thread first in the counselors' list; it never
 * judges a student, and a thread without a match is still read.
 */

/** Default words that flag a message for priority (a region may replace them: mailbox_rules). */
export const DEFAULT_MAILBOX_KEYWORDS: readonly string[] = [
  '自杀', '轻生', '自残', '自伤', '割腕', '跳楼', '跳河', '上吊', '不想活', '活着没意思', '活不下去', '想死', '去死', '结束生命', '结束自己',
  '安眠药', '遗书', '解脱', '伤害自己', '消失算了', '没有我会更好',
];

/**
 * Text as matched: Unicode NFKC (full-width letters and digits become half-width), lower case,
 * without spaces, punctuation, symbols or zero-width characters, so "想 死", "想-死" and "想\u200b死" all match "想死".
 */
export function normaliseForMatch(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}\u200b-\u200f\u2060\ufeff]/gu, '');
}

/** The keywords found in the texts (each once, in the list's order); empty keywords are ignored. */
export function matchKeywords(texts: readonly string[], keywords: readonly string[]): string[] {
  const hay = texts.map(normaliseForMatch).join('\n');
  const found: string[] = [];
  for (const k of keywords) {
    const n = normaliseForMatch(k);
    if (n && hay.includes(n) && !found.includes(k.trim())) found.push(k.trim());
  }
  return found;
}

/** Cleans a keyword list from the settings page: trimmed, no empties, no duplicates after normalisation. */
export function cleanKeywords(keywords: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const k of keywords) {
    const t = k.trim();
    const n = normaliseForMatch(t);
    if (!n || seen.has(n)) continue;
    seen.add(n);
    out.push(t);
  }
  return out;
}

/** The code alphabet: no 0/O, 1/I/L, so a code read aloud or copied by hand stays unambiguous. */
export const MAILBOX_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const MAILBOX_CODE_LENGTH = 12;

/** A code from random bytes (one byte per character, rejection-free: 256 % 31 bias is negligible for a key of 12 characters … but avoided anyway). */
export function codeFromBytes(bytes: Uint8Array): string {
  const a = MAILBOX_CODE_ALPHABET;
  const limit = 256 - (256 % a.length);
  let out = '';
  for (const b of bytes) {
    if (b >= limit) continue;
    out += a[b % a.length];
    if (out.length === MAILBOX_CODE_LENGTH) break;
  }
  return out;
}

/** As shown to the writer: groups of four (XXXX-XXXX-XXXX). */
export function formatMailboxCode(code: string): string {
  return code.match(/.{1,4}/g)?.join('-') ?? code;
}

/**
 * A code as typed back: spaces and dashes dropped, upper case, the look-alikes mapped (O→0 is not
 * in the alphabet, so O, 0 stay invalid). Null when it cannot be a code.
 */
export function normaliseMailboxCode(input: string): string | null {
  const c = input.normalize('NFKC').toUpperCase().replace(/[\s-]/g, '');
  if (c.length !== MAILBOX_CODE_LENGTH) return null;
  for (const ch of c) if (!MAILBOX_CODE_ALPHABET.includes(ch)) return null;
  return c;
}
