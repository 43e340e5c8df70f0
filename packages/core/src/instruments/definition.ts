/**
 * The questionnaire (instrument) definition format of DESIGN.md §4: a zod schema for its shape,
 * and `loadInstrument()`, which also checks what a schema cannot (references between items,
 * scales, bands and rules) and reports every problem with its path in plain language.
 * The format is documented, with a worked example, in docs/instruments.md.
 */
import { z } from 'zod';

export const WARNING_LEVELS = ['none', 'yellow', 'orange', 'red'] as const;
export type WarningLevel = (typeof WARNING_LEVELS)[number];

/** The higher of two warning levels (none < yellow < orange < red). */
export function maxWarningLevel(a: WarningLevel, b: WarningLevel): WarningLevel {
  return WARNING_LEVELS.indexOf(a) >= WARNING_LEVELS.indexOf(b) ? a : b;
}

const text = z.string().trim().min(1);
/** Text in both languages of the product: zh-CN first, en-US second. */
export const LocalizedTextSchema = z.strictObject({ 'zh-CN': text, 'en-US': text });
export type LocalizedText = z.infer<typeof LocalizedTextSchema>;

/** Ids are FHIR linkIds (which may look like "/44250-9"): any text without spaces. */
const id = z.string().regex(/^\S{1,200}$/, 'ids must be 1–200 characters without spaces');

export const CONDITION_OPERATORS = ['exists', '=', '!=', '>', '>=', '<', '<='] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/**
 * A condition on another item's answer. `=` / `!=` compare the chosen option's value;
 * `>`, `>=`, `<`, `<=` compare the chosen option's score (as written on the option, before any
 * reverse scoring); `exists` (value true, the default, or false) asks whether the item is answered.
 * An unanswered or skipped item satisfies only `exists: false`.
 */
export const ItemConditionSchema = z.strictObject({
  item: id,
  operator: z.enum(CONDITION_OPERATORS),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
});
export type ItemCondition = z.infer<typeof ItemConditionSchema>;

export const AnswerOptionSchema = z.strictObject({
  /** The answer code stored in a response (FHIR `valueCoding.code`). */
  value: z.string().min(1),
  /** The option's score; items whose options have no score are not scored. */
  score: z.number().finite().optional(),
  label: LocalizedTextSchema,
});
export type AnswerOption = z.infer<typeof AnswerOptionSchema>;

export const InstrumentItemSchema = z.strictObject({
  id,
  text: LocalizedTextSchema,
  options: z.array(AnswerOptionSchema).min(1),
  /** Default true. A required item that is enabled but unanswered makes the response incomplete. */
  required: z.boolean().optional(),
  /** Skip logic: the item is shown (and scored) only when these conditions hold. */
  enableWhen: z.array(ItemConditionSchema).min(1).optional(),
  /** `all` (default) or `any` of `enableWhen`. */
  enableBehavior: z.enum(['all', 'any']).optional(),
});
export type InstrumentItem = z.infer<typeof InstrumentItemSchema>;

export const NormGroupSchema = z.strictObject({
  id,
  /** Grade levels 1–12 (inclusive) this group applies to. */
  grades: z.strictObject({ from: z.number().int().min(1).max(12), to: z.number().int().min(1).max(12) }),
  gender: z.enum(['male', 'female', 'all']),
  /** Linear T score: 50 + 10 × (raw − mean) / sd. */
  mean: z.number().finite().optional(),
  sd: z.number().finite().optional(),
  /** Or a lookup table: the entry with the greatest `raw` ≤ the raw score gives the normed score. */
  table: z.array(z.strictObject({ raw: z.number().finite(), score: z.number().finite() })).min(1).optional(),
});
export type NormGroup = z.infer<typeof NormGroupSchema>;

export const ScaleBandSchema = z.strictObject({
  code: id,
  /** Inclusive lower bound; a band reaches up to the next band's `min`. Ascending. */
  min: z.number().finite(),
  level: z.enum(WARNING_LEVELS),
  label: LocalizedTextSchema,
});
export type ScaleBand = z.infer<typeof ScaleBandSchema>;

export const InstrumentScaleSchema = z.strictObject({
  id,
  name: LocalizedTextSchema,
  items: z.array(id).min(1),
  method: z.enum(['sum', 'mean']),
  /** Reverse-scored items: score becomes min + max − score. */
  reverse: z.strictObject({ items: z.array(id).min(1), min: z.number().finite(), max: z.number().finite() }).optional(),
  norms: z.strictObject({ label: LocalizedTextSchema.optional(), groups: z.array(NormGroupSchema).min(1) }).optional(),
  /** Which score the bands cut: `raw` (default) or `normed`. */
  bandOn: z.enum(['raw', 'normed']).optional(),
  bands: z.array(ScaleBandSchema).optional(),
});
export type InstrumentScale = z.infer<typeof InstrumentScaleSchema>;

export const CriticalItemSchema = z.strictObject({
  item: id,
  operator: z.enum(CONDITION_OPERATORS),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
  level: z.enum(WARNING_LEVELS),
  label: LocalizedTextSchema.optional(),
});
export type CriticalItem = z.infer<typeof CriticalItemSchema>;

export const ValidityRulesSchema = z.strictObject({
  /** Lie (social desirability) scale: flagged when the sum of these items' scores ≥ threshold. */
  lie: z.strictObject({ items: z.array(id).min(1), threshold: z.number().finite() }).optional(),
  /** Flagged when submittedAt − startedAt is shorter than this. */
  minSeconds: z.number().positive().optional(),
  /**
   * Flagged when every answered item of `items` (default: every scored item), at least
   * `minItems` of them, has the same option value.
   */
  straightLining: z.strictObject({ minItems: z.number().int().min(2), items: z.array(id).min(2).optional() }).optional(),
  /**
   * Item pairs that should agree (`same`) or mirror each other (`opposite`, compared after
   * mirroring the second item's score within its option range). A pair is inconsistent when the
   * scores differ by more than `maxDifference`; flagged when more than `tolerance` (default 0)
   * pairs are inconsistent.
   */
  inconsistentPairs: z
    .strictObject({
      pairs: z.array(z.strictObject({ a: id, b: id, relation: z.enum(['same', 'opposite']), maxDifference: z.number().min(0) })).min(1),
      tolerance: z.number().int().min(0).optional(),
    })
    .optional(),
});
export type ValidityRules = z.infer<typeof ValidityRulesSchema>;

export const InstrumentSchema = z.strictObject({
  id,
  version: z.string().min(1),
  title: LocalizedTextSchema,
  description: LocalizedTextSchema.optional(),
  /** 指导语 shown before the first item. */
  instructions: LocalizedTextSchema.optional(),
  licence: z.strictObject({ text: LocalizedTextSchema, url: z.url().optional() }),
  audience: z.strictObject({
    gradeLevels: z.array(z.number().int().min(1).max(12)).min(1),
    minAge: z.number().int().min(3).max(25).optional(),
    maxAge: z.number().int().min(3).max(25).optional(),
  }),
  items: z.array(InstrumentItemSchema).min(1),
  scales: z.array(InstrumentScaleSchema),
  critical: z.array(CriticalItemSchema).optional(),
  validity: ValidityRulesSchema.optional(),
});
export type InstrumentDefinition = z.infer<typeof InstrumentSchema>;

export interface DefinitionProblem {
  path: string;
  message: string;
}

/** A definition that does not load; `problems` lists every problem found. */
export class InstrumentDefinitionError extends Error {
  constructor(readonly problems: DefinitionProblem[]) {
    super(`量表定义有误 invalid instrument definition (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}):\n${problems.map((p) => `  - ${p.path || '(root)'}: ${p.message}`).join('\n')}`);
    this.name = 'InstrumentDefinitionError';
  }
}

function pathString(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s;
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'string' ? 'text' : `a ${typeof v}`;
}

function zodProblem(issue: z.core.$ZodIssue): DefinitionProblem {
  const path = pathString(issue.path);
  const last = issue.path[issue.path.length - 1];
  switch (issue.code) {
    case 'invalid_type': {
      const input = (issue as { input?: unknown }).input;
      if (input === undefined) {
        if (last === 'zh-CN' || last === 'en-US') return { path, message: `missing translation (${last})` };
        return { path, message: 'is required but missing' };
      }
      const expected = issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'an object' : issue.expected === 'string' ? 'text' : `a ${issue.expected}`;
      return { path, message: `must be ${expected}, not ${describeType(input)}` };
    }
    case 'unrecognized_keys':
      return { path, message: `unknown ${issue.keys.length === 1 ? 'field' : 'fields'} ${issue.keys.map((k) => `"${k}"`).join(', ')}` };
    case 'invalid_value':
      return { path, message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}` };
    case 'too_small':
      if (issue.origin === 'array') return { path, message: `needs at least ${String(issue.minimum)} ${issue.minimum === 1 ? 'entry' : 'entries'}` };
      if (issue.origin === 'string') return { path, message: last === 'zh-CN' || last === 'en-US' ? `missing translation (${last}): empty text` : 'must not be empty' };
      return { path, message: `must be at least ${String(issue.minimum)}` };
    case 'too_big':
      return { path, message: `must be at most ${String(issue.maximum)}` };
    case 'invalid_format':
      return { path, message: issue.format === 'regex' ? issue.message : `is not a valid ${issue.format}` };
    case 'invalid_union':
      return { path, message: 'must be text, a number or true/false' };
    case 'custom':
    case 'invalid_element':
    case 'invalid_key':
    case 'not_multiple_of':
      return { path, message: issue.message };
  }
}

/** Every problem zod cannot see: references, duplicates, order, ranges. */
function semanticProblems(def: InstrumentDefinition): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  const itemIndex = new Map<string, number>();
  def.items.forEach((item, i) => {
    if (itemIndex.has(item.id)) add(`items[${i}].id`, `duplicate item id "${item.id}" (also items[${itemIndex.get(item.id)!}])`);
    else itemIndex.set(item.id, i);
  });
  const itemById = (itemId: string) => def.items[itemIndex.get(itemId) ?? -1];
  const scored = (itemId: string) => itemById(itemId)?.options.some((o) => o.score !== undefined) ?? false;

  const checkCondition = (path: string, c: { item: string; operator: ConditionOperator; value?: string | number | boolean | undefined }, before?: number) => {
    const target = itemById(c.item);
    if (!target) return add(`${path}.item`, `unknown item "${c.item}"`);
    if (before !== undefined && itemIndex.get(c.item)! >= before) add(`${path}.item`, `refers to item "${c.item}", which does not come before this item (skip logic may only look back)`);
    if (c.operator === 'exists') {
      if (c.value !== undefined && typeof c.value !== 'boolean') add(`${path}.value`, '"exists" takes true, false or no value');
    } else if (c.operator === '=' || c.operator === '!=') {
      if (c.value === undefined || typeof c.value === 'boolean') add(`${path}.value`, `"${c.operator}" needs an option value of item "${c.item}"`);
      else if (!target.options.some((o) => o.value === String(c.value))) add(`${path}.value`, `"${String(c.value)}" is not an option of item "${c.item}" (options: ${target.options.map((o) => o.value).join(', ')})`);
    } else {
      if (typeof c.value !== 'number') add(`${path}.value`, `"${c.operator}" compares scores and needs a number`);
      if (!scored(c.item)) add(`${path}.item`, `"${c.operator}" compares scores but item "${c.item}" has none`);
    }
  };

  def.items.forEach((item, i) => {
    const seen = new Set<string>();
    item.options.forEach((o, j) => {
      if (seen.has(o.value)) add(`items[${i}].options[${j}].value`, `duplicate option value "${o.value}" in item "${item.id}"`);
      seen.add(o.value);
    });
    const withScore = item.options.filter((o) => o.score !== undefined).length;
    if (withScore > 0 && withScore < item.options.length) add(`items[${i}].options`, `item "${item.id}": either every option has a score or none has (${withScore} of ${item.options.length} have one)`);
    item.enableWhen?.forEach((c, j) => checkCondition(`items[${i}].enableWhen[${j}]`, c, i));
  });

  const scaleIds = new Map<string, number>();
  def.scales.forEach((scale, s) => {
    const at = `scales[${s}]`;
    if (scaleIds.has(scale.id)) add(`${at}.id`, `duplicate scale id "${scale.id}" (also scales[${scaleIds.get(scale.id)!}])`);
    else scaleIds.set(scale.id, s);
    const inScale = new Set<string>();
    scale.items.forEach((itemId, j) => {
      if (!itemById(itemId)) add(`${at}.items[${j}]`, `unknown item "${itemId}" in scale "${scale.id}"`);
      else if (!scored(itemId)) add(`${at}.items[${j}]`, `item "${itemId}" has no option scores, so scale "${scale.id}" cannot score it`);
      if (inScale.has(itemId)) add(`${at}.items[${j}]`, `item "${itemId}" is listed twice in scale "${scale.id}"`);
      inScale.add(itemId);
    });
    if (scale.reverse) {
      const { min, max } = scale.reverse;
      if (min >= max) add(`${at}.reverse`, `reverse range min (${min}) must be below max (${max})`);
      scale.reverse.items.forEach((itemId, j) => {
        if (!inScale.has(itemId)) add(`${at}.reverse.items[${j}]`, `reverse-scored item "${itemId}" is not one of the items of scale "${scale.id}"`);
        const out = itemById(itemId)?.options.filter((o) => o.score !== undefined && (o.score < min || o.score > max)) ?? [];
        if (out.length) add(`${at}.reverse.items[${j}]`, `item "${itemId}" has option scores outside the reverse range ${min}–${max}: ${out.map((o) => String(o.score)).join(', ')}`);
      });
    }
    scale.norms?.groups.forEach((g, k) => {
      const gp = `${at}.norms.groups[${k}]`;
      if (g.grades.from > g.grades.to) add(`${gp}.grades`, `grade range ${g.grades.from}–${g.grades.to} is backwards`);
      const linear = g.mean !== undefined || g.sd !== undefined;
      if (linear && g.table) add(gp, 'give either mean and sd or a table, not both');
      else if (!linear && !g.table) add(gp, 'needs either mean and sd (T score) or a table');
      else if (linear && (g.mean === undefined || g.sd === undefined)) add(gp, 'a linear norm needs both mean and sd');
      if (g.sd !== undefined && g.sd <= 0) add(`${gp}.sd`, 'sd must be greater than 0');
      g.table?.forEach((e, n) => {
        const prev = g.table![n - 1];
        if (prev && e.raw <= prev.raw) add(`${gp}.table[${n}].raw`, `raw scores must ascend (${e.raw} after ${prev.raw})`);
      });
      scale.norms!.groups.slice(0, k).forEach((o, m) => {
        const sameGender = o.gender === g.gender;
        if (sameGender && o.grades.from <= g.grades.to && g.grades.from <= o.grades.to) add(`${gp}.grades`, `overlaps norm group "${o.id}" (groups[${m}]) for gender ${g.gender}`);
        if (o.id === g.id) add(`${gp}.id`, `duplicate norm group id "${g.id}"`);
      });
    });
    if (scale.bandOn === 'normed' && !scale.norms) add(`${at}.bandOn`, `scale "${scale.id}" bands the normed score but has no norms`);
    const codes = new Set<string>();
    scale.bands?.forEach((b, k) => {
      const prev = scale.bands![k - 1];
      if (prev && b.min <= prev.min) add(`${at}.bands[${k}].min`, `band cut-offs must ascend: "${b.code}" starts at ${b.min}, not above "${prev.code}" (${prev.min})`);
      if (codes.has(b.code)) add(`${at}.bands[${k}].code`, `duplicate band code "${b.code}"`);
      codes.add(b.code);
    });
    if (scale.bands?.length && (scale.bandOn ?? 'raw') === 'raw' && scale.items.every((i) => scored(i))) {
      const lowest = scaleRange(def, scale).min;
      const first = scale.bands[0]!;
      if (first.min > lowest) add(`${at}.bands[0].min`, `the lowest possible score ${lowest} falls below the first band (from ${first.min})`);
    }
  });

  def.critical?.forEach((c, i) => checkCondition(`critical[${i}]`, c));

  const v = def.validity;
  v?.lie?.items.forEach((itemId, j) => {
    if (!itemById(itemId)) add(`validity.lie.items[${j}]`, `unknown item "${itemId}"`);
    else if (!scored(itemId)) add(`validity.lie.items[${j}]`, `lie item "${itemId}" has no option scores`);
  });
  v?.straightLining?.items?.forEach((itemId, j) => {
    if (!itemById(itemId)) add(`validity.straightLining.items[${j}]`, `unknown item "${itemId}"`);
  });
  v?.inconsistentPairs?.pairs.forEach((p, j) => {
    for (const k of ['a', 'b'] as const) {
      if (!itemById(p[k])) add(`validity.inconsistentPairs.pairs[${j}].${k}`, `unknown item "${p[k]}"`);
      else if (!scored(p[k])) add(`validity.inconsistentPairs.pairs[${j}].${k}`, `item "${p[k]}" has no option scores`);
    }
    if (p.a === p.b) add(`validity.inconsistentPairs.pairs[${j}]`, `pairs an item ("${p.a}") with itself`);
  });

  const a = def.audience;
  if (a.minAge !== undefined && a.maxAge !== undefined && a.minAge > a.maxAge) add('audience', `minAge ${a.minAge} is above maxAge ${a.maxAge}`);
  return problems;
}

/** Lowest and highest possible score of an item after the scale's reverse scoring. */
export function itemScoreRange(item: InstrumentItem, reverse?: InstrumentScale['reverse'], reversed = false): { min: number; max: number } {
  const scores = item.options.flatMap((o) => (o.score === undefined ? [] : [reversed && reverse ? reverse.min + reverse.max - o.score : o.score]));
  return { min: Math.min(...scores), max: Math.max(...scores) };
}

/** Lowest and highest possible raw score of a scale (all items answered). */
export function scaleRange(def: InstrumentDefinition, scale: InstrumentScale): { min: number; max: number } {
  let min = 0;
  let max = 0;
  for (const itemId of scale.items) {
    const item = def.items.find((i) => i.id === itemId);
    if (!item) continue;
    const r = itemScoreRange(item, scale.reverse, scale.reverse?.items.includes(itemId) ?? false);
    min += r.min;
    max += r.max;
  }
  const n = scale.items.length;
  return scale.method === 'mean' ? { min: min / n, max: max / n } : { min, max };
}

/**
 * Validates a definition (parsed JSON) and returns it typed, or throws an
 * `InstrumentDefinitionError` listing every problem with its path. Shape problems are reported
 * first; reference and order problems once the shape is right.
 */
export function loadInstrument(json: unknown): InstrumentDefinition {
  const parsed = InstrumentSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) throw new InstrumentDefinitionError(parsed.error.issues.map(zodProblem));
  const problems = semanticProblems(parsed.data);
  if (problems.length) throw new InstrumentDefinitionError(problems);
  return parsed.data;
}
