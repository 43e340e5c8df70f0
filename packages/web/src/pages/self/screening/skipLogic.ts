/**
 * Skip logic of an answer sheet, as the server scores it: items are settled in order (conditions
 * only look back), an item that is hidden counts as unanswered for the items after it, and
 * comparisons of option scores arrive from the server as `in` (the option values that satisfy
 * them); `>`, `>=`, `<`, `<=`, should a sheet carry them, compare the numeric option value.
 */
import type { AnswerSheet } from '../../../api/types';

export type SheetItem = AnswerSheet['items'][number];
type Condition = NonNullable<SheetItem['enableWhen']>[number];
export type Answers = Record<string, string>;

function asBoolean(v: Condition['value']): boolean {
  if (v === undefined) return true;
  if (typeof v === 'string') return v !== 'false';
  return Boolean(v);
}

function conditionHolds(c: Condition, chosen: (itemId: string) => string | undefined): boolean {
  const value = chosen(c.item);
  if (c.operator === 'exists') return (value !== undefined) === asBoolean(c.value);
  if (value === undefined) return false;
  // comparisons of option scores arrive as the option values that satisfy them
  if (c.operator === 'in') return (c.values ?? []).includes(value);
  switch (c.operator) {
    case '=':
      return value === String(c.value);
    case '!=':
      return value !== String(c.value);
    case '>':
    case '>=':
    case '<':
    case '<=': {
      const a = Number(value);
      const b = typeof c.value === 'number' ? c.value : typeof c.value === 'string' && c.value.trim() !== '' ? Number(c.value) : NaN;
      if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
      return c.operator === '>' ? a > b : c.operator === '>=' ? a >= b : c.operator === '<' ? a < b : a <= b;
    }
    default:
      // an operator this page does not know: show the item rather than hide a question
      return true;
  }
}

/** The items shown for these answers, in order. */
export function visibleItems(items: readonly SheetItem[], answers: Answers): SheetItem[] {
  const enabled = new Set<string>();
  const chosen = (id: string) => (enabled.has(id) ? answers[id] : undefined);
  const out: SheetItem[] = [];
  for (const item of items) {
    const conds = item.enableWhen ?? [];
    const on = conds.length === 0 || (item.enableBehavior === 'any' ? conds.some((c) => conditionHolds(c, chosen)) : conds.every((c) => conditionHolds(c, chosen)));
    if (on) {
      enabled.add(item.id);
      out.push(item);
    }
  }
  return out;
}

/** The answers without those to hidden items (and without values that are no option). */
export function keptAnswers(items: readonly SheetItem[], answers: Answers): Answers {
  const out: Answers = {};
  for (const item of visibleItems(items, answers)) {
    const v = answers[item.id];
    if (v !== undefined && item.options.some((o) => o.value === v)) out[item.id] = v;
  }
  return out;
}

/** The first shown item a student still has to answer (required and unanswered), if any. */
export function firstMissing(items: readonly SheetItem[], answers: Answers): SheetItem | undefined {
  return visibleItems(items, answers).find((i) => i.required && answers[i.id] === undefined);
}
