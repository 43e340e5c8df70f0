// Definition validation: every problem is reported with its path, in plain language.
import { describe, expect, it } from 'vitest';
import { EXAMPLE_MULTIFACTOR, PHQ9 } from './builtin/index.js';
import { InstrumentDefinitionError, loadInstrument, type DefinitionProblem } from './definition.js';
import { ResponseMismatchError, scoreResponse } from './score.js';

type Mutable = Record<string, unknown> & { items: Record<string, unknown>[]; scales: Record<string, unknown>[] };
const clone = (): Mutable => JSON.parse(JSON.stringify(EXAMPLE_MULTIFACTOR)) as Mutable;

function problemsOf(json: unknown): DefinitionProblem[] {
  try {
    loadInstrument(json);
  } catch (e) {
    if (e instanceof InstrumentDefinitionError) return e.problems;
    throw e;
  }
  return [];
}

const at = <T>(x: T | undefined): T => x!;
type Obj = Record<string, unknown>;

describe('loadInstrument', () => {
  it('accepts the example', () => {
    expect(problemsOf(clone())).toEqual([]);
  });

  it.each<[string, (d: Mutable) => void, DefinitionProblem[]]>([
    ['missing translation', (d) => delete (at(d.items[0]).text as Obj)['en-US'], [{ path: 'items[0].text.en-US', message: 'missing translation (en-US)' }]],
    ['empty translation', (d) => ((d.title as Obj)['zh-CN'] = ' '), [{ path: 'title.zh-CN', message: 'missing translation (zh-CN): empty text' }]],
    ['missing field', (d) => delete d.licence, [{ path: 'licence', message: 'is required but missing' }]],
    ['wrong type', (d) => (at(d.scales[0]).items = 's1'), [{ path: 'scales[0].items', message: 'must be a list, not text' }]],
    ['misspelt field', (d) => (at(d.scales[0]).revrese = {}), [{ path: 'scales[0]', message: 'unknown field "revrese"' }]],
    ['bad enum', (d) => (at(d.scales[0]).method = 'median'), [{ path: 'scales[0].method', message: 'must be one of "sum", "mean"' }]],
    ['no items', (d) => (d.items = []), [{ path: 'items', message: 'needs at least 1 entry' }]],
    ['bad id', (d) => (at(d.items[0]).id = 'a b'), [{ path: 'items[0].id', message: 'ids must be 1–200 characters without spaces' }]],
    ['bad licence url', (d) => ((d.licence as Obj).url = 'not a url'), [{ path: 'licence.url', message: 'is not a valid url' }]],
  ])('shape: %s', (_name, mutate, expected) => {
    const d = clone();
    mutate(d);
    expect(problemsOf(d)).toEqual(expected);
  });

  it.each<[string, (d: Mutable) => void, DefinitionProblem[]]>([
    ['duplicate item id', (d) => (at(d.items[1]).id = 's1'), [
      { path: 'items[1].id', message: 'duplicate item id "s1" (also items[0])' },
      { path: 'scales[0].items[1]', message: 'unknown item "s2" in scale "study"' },
      { path: 'scales[3].items[1]', message: 'unknown item "s2" in scale "total"' },
      { path: 'validity.straightLining.items[1]', message: 'unknown item "s2"' },
    ]],
    ['duplicate option value', (d) => ((at(d.items[0]).options as Obj[])[1]!.value = '1'), [{ path: 'items[0].options[1].value', message: 'duplicate option value "1" in item "s1"' }]],
    ['partly scored options', (d) => delete (at(d.items[0]).options as Obj[])[0]!.score, [{ path: 'items[0].options', message: 'item "s1": either every option has a score or none has (4 of 5 have one)' }]],
    ['unknown item in a scale', (d) => ((at(d.scales[0]).items as string[])[0] = 'q99'), [
      { path: 'scales[0].items[0]', message: 'unknown item "q99" in scale "study"' },
    ]],
    ['unscored item in a scale', (d) => (at(d.scales[0]).items as string[]).push('sib'), [{ path: 'scales[0].items[4]', message: 'item "sib" has no option scores, so scale "study" cannot score it' }]],
    ['item twice in a scale', (d) => (at(d.scales[0]).items as string[]).push('s1'), [{ path: 'scales[0].items[4]', message: 'item "s1" is listed twice in scale "study"' }]],
    ['duplicate scale id', (d) => (at(d.scales[1]).id = 'study'), [{ path: 'scales[1].id', message: 'duplicate scale id "study" (also scales[0])' }]],
    ['bands not ascending', (d) => ((at(d.scales[3]).bands as Obj[])[2]!.min = 30), [{ path: 'scales[3].bands[2].min', message: 'band cut-offs must ascend: "high" starts at 30, not above "elevated" (36)' }]],
    ['duplicate band code', (d) => ((at(d.scales[3]).bands as Obj[])[2]!.code = 'elevated'), [{ path: 'scales[3].bands[2].code', message: 'duplicate band code "elevated"' }]],
    ['first band above the lowest score', (d) => ((at(d.scales[3]).bands as Obj[])[0]!.min = 13), [{ path: 'scales[3].bands[0].min', message: 'the lowest possible score 12 falls below the first band (from 13)' }]],
    ['reverse item outside the scale', (d) => ((at(d.scales[0]).reverse as Obj).items = ['r2']), [{ path: 'scales[0].reverse.items[0]', message: 'reverse-scored item "r2" is not one of the items of scale "study"' }]],
    ['reverse range too narrow', (d) => ((at(d.scales[0]).reverse as Obj).max = 4), [{ path: 'scales[0].reverse.items[0]', message: 'item "s4" has option scores outside the reverse range 1–4: 5' }]],
    ['reverse range backwards', (d) => Object.assign(at(d.scales[0]).reverse as Obj, { min: 5, max: 5 }), [
      { path: 'scales[0].reverse', message: 'reverse range min (5) must be below max (5)' },
      { path: 'scales[0].reverse.items[0]', message: 'item "s4" has option scores outside the reverse range 5–5: 1, 2, 3, 4' },
    ]],
    ['normed bands without norms', (d) => delete at(d.scales[0]).norms, [{ path: 'scales[0].bandOn', message: 'scale "study" bands the normed score but has no norms' }]],
    ['norm group without mean/sd or table', (d) => {
      const g = ((at(d.scales[0]).norms as Obj).groups as Obj[])[0]!;
      delete g.mean;
      delete g.sd;
    }, [{ path: 'scales[0].norms.groups[0]', message: 'needs either mean and sd (T score) or a table' }]],
    ['norm group with sd 0', (d) => (((at(d.scales[0]).norms as Obj).groups as Obj[])[0]!.sd = 0), [{ path: 'scales[0].norms.groups[0].sd', message: 'sd must be greater than 0' }]],
    ['overlapping norm groups', (d) => ((((at(d.scales[0]).norms as Obj).groups as Obj[])[1]!.gender = 'male')), [{ path: 'scales[0].norms.groups[1].grades', message: 'overlaps norm group "junior-male" (groups[0]) for gender male' }]],
    ['grade range backwards', (d) => ((((at(d.scales[0]).norms as Obj).groups as Obj[])[2]!.grades = { from: 12, to: 10 })), [{ path: 'scales[0].norms.groups[2].grades', message: 'grade range 12–10 is backwards' }]],
    ['norm table not ascending', (d) => ((((at(d.scales[3]).norms as Obj).groups as Obj[])[0]!.table as Obj[])[2]!.raw = 10), [{ path: 'scales[3].norms.groups[0].table[2].raw', message: 'raw scores must ascend (10 after 20)' }]],
    ['skip logic on an unknown item', (d) => ((at(d.items[8]).enableWhen as Obj[])[0]!.item = 'siblings'), [{ path: 'items[8].enableWhen[0].item', message: 'unknown item "siblings"' }]],
    ['skip logic looking forward', (d) => ((at(d.items[8]).enableWhen as Obj[])[0]!.item = 'm1'), [
      { path: 'items[8].enableWhen[0].item', message: 'refers to item "m1", which does not come before this item (skip logic may only look back)' },
      { path: 'items[8].enableWhen[0].value', message: '"yes" is not an option of item "m1" (options: 1, 2, 3, 4, 5)' },
    ]],
    ['skip logic comparing scores of an unscored item', (d) => ((at(d.items[8]).enableWhen as Obj[])[0] = { item: 'sib', operator: '>', value: 0 }), [{ path: 'items[8].enableWhen[0].item', message: '">" compares scores but item "sib" has none' }]],
    ['critical item unknown', (d) => ((d.critical as Obj[])[0]!.item = 'm9'), [{ path: 'critical[0].item', message: 'unknown item "m9"' }]],
    ['critical value not a number', (d) => ((d.critical as Obj[])[0]!.value = 'often'), [{ path: 'critical[0].value', message: '">=" compares scores and needs a number' }]],
    ['lie item unknown', (d) => (((d.validity as Obj).lie as Obj).items = ['l1', 'l4']), [{ path: 'validity.lie.items[1]', message: 'unknown item "l4"' }]],
    ['pair with an unscored item', (d) => ((((d.validity as Obj).inconsistentPairs as Obj).pairs as Obj[])[0]!.b = 'sib'), [{ path: 'validity.inconsistentPairs.pairs[0].b', message: 'item "sib" has no option scores' }]],
    ['pair of one item', (d) => ((((d.validity as Obj).inconsistentPairs as Obj).pairs as Obj[])[0]!.b = 'm1'), [{ path: 'validity.inconsistentPairs.pairs[0]', message: 'pairs an item ("m1") with itself' }]],
    ['audience ages backwards', (d) => Object.assign(d.audience as Obj, { minAge: 16, maxAge: 12 }), [{ path: 'audience', message: 'minAge 16 is above maxAge 12' }]],
  ])('references and order: %s', (_name, mutate, expected) => {
    const d = clone();
    mutate(d);
    expect(problemsOf(d)).toEqual(expected);
  });

  it('lists every problem at once, and says so in its message', () => {
    const d = clone();
    (at(d.items[0]).options as Obj[])[1]!.value = '1';
    (at(d.scales[2]).items as string[])[0] = 'q99';
    try {
      loadInstrument(d);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InstrumentDefinitionError);
      expect((e as Error).message).toBe(
        '量表定义有误 invalid instrument definition (2 problems):\n' +
          '  - items[0].options[1].value: duplicate option value "1" in item "s1"\n' +
          '  - scales[2].items[0]: unknown item "q99" in scale "mood"',
      );
    }
  });
});

describe('responses that do not fit the definition', () => {
  it('throw, listing every unknown item and every value that is not an option', () => {
    expect(() => scoreResponse(PHQ9, { answers: { phq9_1: '4', phq9_99: '1', phq9_2: 'sometimes' } })).toThrow(ResponseMismatchError);
    try {
      scoreResponse(PHQ9, { answers: { phq9_1: '4', phq9_99: '1' } });
    } catch (e) {
      expect((e as ResponseMismatchError).problems).toEqual([
        { itemId: 'phq9_1', message: '"4" is not an option (options: 0, 1, 2, 3)' },
        { itemId: 'phq9_99', message: 'no item "phq9_99" in phq-9 version 1.0.0' },
      ]);
    }
  });

  it('numbers are matched as option values; empty answers count as unanswered', () => {
    const r = scoreResponse(PHQ9, { answers: { phq9_1: 3, phq9_2: null, phq9_3: '' } });
    expect(r.missing).toEqual(['phq9_2', 'phq9_3', 'phq9_4', 'phq9_5', 'phq9_6', 'phq9_7', 'phq9_8', 'phq9_9']);
    expect(r.skipped).toEqual([]);
  });

  it('is deterministic', () => {
    const input = { answers: { phq9_1: '1', phq9_9: '1' }, startedAt: new Date(0), submittedAt: new Date(61_000) };
    expect(scoreResponse(PHQ9, input)).toEqual(scoreResponse(PHQ9, input));
    expect(scoreResponse(PHQ9, input).durationSeconds).toBe(61);
  });
});
