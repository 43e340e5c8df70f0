/**
 * Scoring a response against an instrument definition: scale scores (sum or mean, reverse
 * scoring), norms, bands, critical items, validity rules and skip logic. Pure and deterministic.
 *
 * Decisions (docs/instruments.md, "Scoring"):
 * - Answers that do not fit the definition (unknown item, value that is not an option) throw a
 *   `ResponseMismatchError` listing every problem: such a response belongs to another
 *   questionnaire or another version and must not be scored.
 * - A response with enabled required items unanswered is scored anyway, never thrown away:
 *   `complete` is false, `missing` lists the items, validity gets an `incomplete` flag, and every
 *   scale that needs a missing item has `raw: null` and no band. Critical items are still
 *   evaluated, so a critical answer is never lost because another answer is missing.
 * - Items switched off by skip logic are listed in `skipped`; answers to them are ignored; they
 *   add nothing to a sum and are left out of a mean's denominator.
 */
import {
  type AnswerOption,
  type ScaleBand,
  type ItemCondition,
  type InstrumentDefinition,
  type InstrumentItem,
  type LocalizedText,
  type InstrumentScale,
  type WarningLevel,
  maxWarningLevel,
} from './definition.js';

export type AnswerValue = string | number;

export interface ResponseInput {
  /** item id → chosen option value (numbers are compared as text). */
  answers: Readonly<Record<string, AnswerValue | null | undefined>>;
  startedAt?: Date | string;
  submittedAt?: Date | string;
  /** For norm tables: the respondent's grade level (1–12) and gender. */
  respondent?: { gradeLevel?: number; gender?: 'male' | 'female' };
}

export interface ScaleResult {
  id: string;
  /** null when an item the scale needs is missing. */
  raw: number | null;
  /** Present when the scale has norms: null when no norm group fits the respondent. */
  normed?: { score: number; group: string } | null;
  band: { code: string; level: WarningLevel; label: LocalizedText } | null;
  /** Items answered out of the scale's enabled items. */
  answered: number;
  of: number;
}

export type ValidityRule = 'incomplete' | 'lie' | 'minTime' | 'straightLining' | 'inconsistentPairs';

export interface ScoreResult {
  instrument: { id: string; version: string };
  complete: boolean;
  scales: ScaleResult[];
  critical: { itemId: string; level: WarningLevel; value: string; label?: LocalizedText }[];
  validity: { valid: boolean; flags: { rule: ValidityRule; detail: string }[] };
  /** The highest level of any band and any critical item. */
  warningLevel: WarningLevel;
  missing: string[];
  skipped: string[];
  /** Seconds between startedAt and submittedAt, when both are given. */
  durationSeconds?: number;
  /** Why a score could not be normed or banded, in plain language. */
  notes: string[];
}

export interface ResponseProblem {
  itemId: string;
  message: string;
}

/** The answers do not belong to this definition (or to this version of it). */
export class ResponseMismatchError extends Error {
  constructor(readonly problems: ResponseProblem[]) {
    super(`答卷与量表不符 response does not match the questionnaire (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}):\n${problems.map((p) => `  - ${p.itemId}: ${p.message}`).join('\n')}`);
    this.name = 'ResponseMismatchError';
  }
}

const round = (n: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

function toMillis(d: Date | string | undefined): number | undefined {
  if (d === undefined) return undefined;
  const t = d instanceof Date ? d.getTime() : Date.parse(d);
  return Number.isNaN(t) ? undefined : t;
}

function conditionHolds(c: ItemCondition, chosen: (itemId: string) => { value: string; score?: number | undefined } | undefined): boolean {
  const opt = chosen(c.item);
  if (c.operator === 'exists') return (opt !== undefined) === (c.value ?? true);
  if (!opt) return false;
  switch (c.operator) {
    case '=':
      return opt.value === String(c.value);
    case '!=':
      return opt.value !== String(c.value);
    case '>':
    case '>=':
    case '<':
    case '<=': {
      if (opt.score === undefined || typeof c.value !== 'number') return false;
      const s = opt.score;
      const v = c.value;
      return c.operator === '>' ? s > v : c.operator === '>=' ? s >= v : c.operator === '<' ? s < v : s <= v;
    }
  }
}

function pickBand(bands: readonly ScaleBand[] | undefined, score: number): ScaleBand | undefined {
  let found: ScaleBand | undefined;
  for (const b of bands ?? []) if (score >= b.min) found = b;
  return found;
}

function normScore(scale: InstrumentScale, raw: number, respondent: ResponseInput['respondent']): { score: number; group: string } | null {
  const grade = respondent?.gradeLevel;
  const gender = respondent?.gender;
  if (!scale.norms || grade === undefined) return null;
  const inGrades = (g: { grades: { from: number; to: number } }) => grade >= g.grades.from && grade <= g.grades.to;
  const group = scale.norms.groups.find((g) => inGrades(g) && gender !== undefined && g.gender === gender) ?? scale.norms.groups.find((g) => inGrades(g) && g.gender === 'all');
  if (!group) return null;
  if (group.table) {
    let entry = group.table[0]!;
    for (const e of group.table) if (raw >= e.raw) entry = e;
    return { score: entry.score, group: group.id };
  }
  return { score: round(50 + (10 * (raw - group.mean!)) / group.sd!, 1), group: group.id };
}

/** Lookups of a definition that every scoring of it needs, built once per definition object. */
interface DefinitionIndex {
  items: Map<string, InstrumentItem>;
  /** item id → option value → option */
  options: Map<string, Map<string, AnswerOption>>;
  /** items any scale uses */
  scaleItems: Set<string>;
  /** each scale's reverse-scored items */
  reverse: Map<InstrumentScale, Set<string>>;
}

// Definitions are not changed once loaded (the server caches them; imported versions never change),
// so their lookups are kept beside them: building them on every submission was most of its scoring.
const indexes = new WeakMap<InstrumentDefinition, DefinitionIndex>();
function indexOf(def: InstrumentDefinition): DefinitionIndex {
  let found = indexes.get(def);
  if (!found) {
    found = {
      items: new Map(def.items.map((i) => [i.id, i])),
      // the first option of a value, as a search would find it (definitions refuse duplicates anyway)
      options: new Map(def.items.map((i) => [i.id, new Map(i.options.toReversed().map((o) => [o.value, o]))])),
      scaleItems: new Set(def.scales.flatMap((sc) => sc.items)),
      reverse: new Map(def.scales.flatMap((sc) => (sc.reverse ? [[sc, new Set(sc.reverse.items)] as const] : []))),
    };
    indexes.set(def, found);
  }
  return found;
}

/** Scores a response. Throws `ResponseMismatchError` when the answers do not fit the definition. */
export function scoreResponse(def: InstrumentDefinition, response: ResponseInput): ScoreResult {
  const index = indexOf(def);
  const items = index.items;
  const problems: ResponseProblem[] = [];
  const given = new Map<string, string>();
  for (const [itemId, raw] of Object.entries(response.answers)) {
    if (raw === null || raw === undefined || raw === '') continue;
    const item = items.get(itemId);
    if (!item) {
      problems.push({ itemId, message: `no item "${itemId}" in ${def.id} version ${def.version}` });
      continue;
    }
    const value = String(raw);
    if (!index.options.get(itemId)?.has(value)) problems.push({ itemId, message: `"${value}" is not an option (options: ${item.options.map((o) => o.value).join(', ')})` });
    else given.set(itemId, value);
  }
  if (problems.length) throw new ResponseMismatchError(problems);

  // Skip logic, in item order: conditions only look back, so one pass settles every item.
  const enabled = new Set<string>();
  const skipped: string[] = [];
  const chosen = (itemId: string) => {
    if (!enabled.has(itemId)) return undefined;
    const value = given.get(itemId);
    return value === undefined ? undefined : index.options.get(itemId)?.get(value);
  };
  for (const item of def.items) {
    const conds = item.enableWhen ?? [];
    const on = conds.length === 0 || (item.enableBehavior === 'any' ? conds.some((c) => conditionHolds(c, chosen)) : conds.every((c) => conditionHolds(c, chosen)));
    if (on) enabled.add(item.id);
    else skipped.push(item.id);
  }
  const score = (itemId: string) => chosen(itemId)?.score;

  const scaleItems = index.scaleItems;
  const missing = def.items.filter((i) => enabled.has(i.id) && !given.has(i.id) && (i.required !== false || scaleItems.has(i.id))).map((i) => i.id);

  const notes: string[] = [];
  let warningLevel: WarningLevel = 'none';
  const scales: ScaleResult[] = def.scales.map((scale) => {
    const active = scale.items.filter((i) => enabled.has(i));
    const answered = active.filter((i) => given.has(i));
    const result: ScaleResult = { id: scale.id, raw: null, ...(scale.norms ? { normed: null } : {}), band: null, answered: answered.length, of: active.length };
    if (answered.length < active.length) {
      notes.push(`${scale.id}: not scored, ${active.length - answered.length} item(s) unanswered`);
      return result;
    }
    if (active.length === 0) {
      notes.push(`${scale.id}: not scored, every item was skipped`);
      return result;
    }
    let sum = 0;
    const reversed = index.reverse.get(scale);
    for (const itemId of active) {
      const s = score(itemId)!;
      sum += scale.reverse && reversed?.has(itemId) ? scale.reverse.min + scale.reverse.max - s : s;
    }
    const raw = scale.method === 'mean' ? round(sum / active.length, 4) : round(sum, 4);
    result.raw = raw;
    if (scale.norms) {
      result.normed = normScore(scale, raw, response.respondent);
      if (!result.normed) notes.push(`${scale.id}: no norm group for grade ${response.respondent?.gradeLevel ?? '(unknown)'} and gender ${response.respondent?.gender ?? '(unknown)'}`);
    }
    const basis = scale.bandOn === 'normed' ? result.normed?.score : raw;
    if (basis !== undefined && scale.bands?.length) {
      const band = pickBand(scale.bands, basis);
      if (band) {
        result.band = { code: band.code, level: band.level, label: band.label };
        warningLevel = maxWarningLevel(warningLevel, band.level);
      } else notes.push(`${scale.id}: score ${basis} is below the first band`);
    }
    return result;
  });

  const critical: ScoreResult['critical'] = [];
  for (const c of def.critical ?? []) {
    const opt = chosen(c.item);
    if (opt && conditionHolds(c, chosen)) {
      critical.push({ itemId: c.item, level: c.level, value: opt.value, ...(c.label ? { label: c.label } : {}) });
      warningLevel = maxWarningLevel(warningLevel, c.level);
    }
  }

  const flags: ScoreResult['validity']['flags'] = [];
  if (missing.length) flags.push({ rule: 'incomplete', detail: `${missing.length} required item(s) unanswered: ${missing.join(', ')}` });
  const v = def.validity;
  if (v?.lie) {
    const lieScores = v.lie.items.map(score);
    const total = lieScores.reduce<number>((a, s) => a + (s ?? 0), 0);
    if (total >= v.lie.threshold) flags.push({ rule: 'lie', detail: `lie scale score ${round(total, 4)} ≥ ${v.lie.threshold}` });
  }
  const started = toMillis(response.startedAt);
  const submitted = toMillis(response.submittedAt);
  const durationSeconds = started !== undefined && submitted !== undefined ? round((submitted - started) / 1000, 1) : undefined;
  if (v?.minSeconds !== undefined && durationSeconds !== undefined && durationSeconds < v.minSeconds) {
    flags.push({ rule: 'minTime', detail: `answered in ${durationSeconds} s, under the minimum of ${v.minSeconds} s` });
  }
  if (v?.straightLining) {
    const among = v.straightLining.items ? new Set(v.straightLining.items) : undefined;
    const values = def.items
      .filter((i) => given.has(i.id) && enabled.has(i.id) && (among ? among.has(i.id) : i.options.some((o) => o.score !== undefined)))
      .map((i) => given.get(i.id)!);
    if (values.length >= v.straightLining.minItems && values.every((x) => x === values[0])) {
      flags.push({ rule: 'straightLining', detail: `all ${values.length} scored answers are "${values[0]!}"` });
    }
  }
  if (v?.inconsistentPairs) {
    const bad: string[] = [];
    for (const p of v.inconsistentPairs.pairs) {
      const a = score(p.a);
      const b = score(p.b);
      if (a === undefined || b === undefined) continue;
      const range = itemRange(items.get(p.b)!);
      const bCompared = p.relation === 'opposite' ? range.min + range.max - b : b;
      if (Math.abs(a - bCompared) > p.maxDifference) bad.push(`${p.a}/${p.b} (${p.relation}: ${a} vs ${b})`);
    }
    if (bad.length > (v.inconsistentPairs.tolerance ?? 0)) flags.push({ rule: 'inconsistentPairs', detail: `${bad.length} inconsistent pair(s): ${bad.join(', ')}` });
  }

  return {
    instrument: { id: def.id, version: def.version },
    complete: missing.length === 0,
    scales,
    critical,
    validity: { valid: flags.length === 0, flags },
    warningLevel,
    missing,
    skipped,
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    notes,
  };
}

function itemRange(item: InstrumentItem): { min: number; max: number } {
  const s = item.options.flatMap((o) => (o.score === undefined ? [] : [o.score]));
  return { min: Math.min(...s), max: Math.max(...s) };
}
