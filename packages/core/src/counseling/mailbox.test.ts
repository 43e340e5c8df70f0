import { describe, expect, it } from 'vitest';
import { cleanKeywords, codeFromBytes, DEFAULT_MAILBOX_KEYWORDS, formatMailboxCode, MAILBOX_CODE_ALPHABET, MAILBOX_CODE_LENGTH, matchKeywords, normaliseForMatch, normaliseMailboxCode } from './mailbox.js';

describe('mailbox keyword triage', () => {
  it('normalises width, case, spaces, punctuation and zero-width characters', () => {
    expect(normaliseForMatch('想 死')).toBe('想死');
    expect(normaliseForMatch('想-死！')).toBe('想死');
    expect(normaliseForMatch('想\u200b死')).toBe('想死');
    expect(normaliseForMatch('ＡＢＣ１２')).toBe('abc12');
  });

  it('returns the matched terms once each, in the list order, from subject and body', () => {
    expect(matchKeywords(['最近很累', '有时候真的不想 活了，想割 腕'], DEFAULT_MAILBOX_KEYWORDS)).toEqual(['割腕', '不想活']);
    expect(matchKeywords(['自杀', '自杀 自杀'], ['自杀'])).toEqual(['自杀']);
    expect(matchKeywords(['考试没考好，有点难过'], DEFAULT_MAILBOX_KEYWORDS)).toEqual([]);
  });

  it('matches region keywords written with spaces or full width, and ignores empty ones', () => {
    expect(matchKeywords(['I want to DIE'], [' die ', '', '  '])).toEqual(['die']);
    expect(matchKeywords(['ｋｉｌｌ myself'], ['kill myself'])).toEqual(['kill myself']);
  });

  it('cleans a keyword list: trimmed, no empties, no duplicates after normalisation', () => {
    expect(cleanKeywords([' 自杀 ', '自 杀', '', '轻生'])).toEqual(['自杀', '轻生']);
  });
});

describe('the anonymous writer code', () => {
  it('is 12 characters of the unambiguous alphabet, formatted in groups of four', () => {
    const bytes = new Uint8Array(64).map((_, i) => (i * 37) % 256);
    const code = codeFromBytes(bytes);
    expect(code).toHaveLength(MAILBOX_CODE_LENGTH);
    for (const ch of code) expect(MAILBOX_CODE_ALPHABET).toContain(ch);
    expect(MAILBOX_CODE_ALPHABET).not.toMatch(/[01OIL]/);
    expect(formatMailboxCode(code)).toMatch(/^.{4}-.{4}-.{4}$/);
  });

  it('reads back typed codes with dashes, spaces and lower case; rejects others', () => {
    expect(normaliseMailboxCode('abcd-efgh-jkmn')).toBe('ABCDEFGHJKMN');
    expect(normaliseMailboxCode(' ABCD EFGH JKMN ')).toBe('ABCDEFGHJKMN');
    expect(normaliseMailboxCode('ABCD-EFGH-JKM0')).toBeNull();
    expect(normaliseMailboxCode('ABCD')).toBeNull();
  });
});
