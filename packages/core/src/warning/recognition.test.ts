import { describe, expect, it } from 'vitest';
import { deidentify, quarterBounds, quarterOf } from './recognition.js';

describe('quarters', () => {
  it.each([
    ['2026-01-01', '2026Q1'],
    ['2026-03-31', '2026Q1'],
    ['2026-04-01', '2026Q2'],
    ['2026-09-30', '2026Q3'],
    ['2026-10-01', '2026Q4'],
    ['2026-12-31', '2026Q4'],
  ])('%s is in %s', (date, q) => expect(quarterOf(date)).toBe(q));

  it.each([
    ['2026Q1', '2026-01-01', '2026-04-01'],
    ['2026Q3', '2026-07-01', '2026-10-01'],
    ['2026Q4', '2026-10-01', '2027-01-01'],
  ])('%s runs from %s until %s', (q, from, until) => expect(quarterBounds(q)).toEqual({ from, until }));

  it('refuses what is not a quarter', () => expect(() => quarterBounds('2026Q5')).toThrow());
});

describe('de-identifying a diary entry', () => {
  const ids = { name: '王小明', classNames: ['七年级1班', '1班'], numbers: ['G2026001'] };
  it.each([
    ['王小明今天主动来找我', '该生今天主动来找我'],
    ['小明说想和同桌和好', '该生说想和同桌和好'],
    ['七年级1班的同学都很关心他', '某班的同学都很关心他'],
    ['回到1班后情绪稳定', '回到某班后情绪稳定'],
    ['家长电话13800138000，学籍号G2026001', '家长电话***，学籍号***'],
    ['谈话二十分钟，情绪平稳', '谈话二十分钟，情绪平稳'],
  ])('%s → %s', (text, out) => expect(deidentify(text, ids)).toBe(out));

  it('a two-character name is masked whole, never by a single character', () => {
    expect(deidentify('李明和明天的计划', { name: '李明', classNames: [], numbers: [] })).toBe('该生和明天的计划');
  });
});
