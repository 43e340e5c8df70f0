/**
 * FHIR R4 Questionnaire / QuestionnaireResponse import and export.
 *
 * Scores are read from the score extensions wherever real Questionnaires put them:
 * - on `answerOption` itself or on its `valueCoding` (R4 `ordinalValue`, R5 `itemWeight`, and the
 *   older `questionnaire-ordinalValue` / `iso21090-CO-value` that LHC-Forms and others still write);
 * - on the codes of a contained ValueSet named by `answerValueSet: "#id"` (`compose.include.concept`
 *   or `expansion.contains`, extension `valueset-ordinalValue` / `ordinalValue` / `itemWeight`);
 * - on the concepts of a contained CodeSystem, named directly by `answerValueSet: "#id"`, or as the
 *   `system` of an option's coding or of a ValueSet include (extension, or the concept property
 *   `itemWeight` / `weight` / `ordinalValue`).
 * Items without any score are kept as unscored items; nested groups are flattened; items that are
 * not choice questions (display text, free text, numbers such as a stored total score) are left out.
 * Scales, bands, critical items and validity rules have no FHIR home: `toFhirQuestionnaire` keeps
 * them in one extension of ours (`XINYU_SCORING_EXTENSION`), which `fromFhirQuestionnaire` reads
 * back. Without it, an imported Questionnaire gets one scale, `total`, the sum of every scored item.
 */
import {
  type ItemCondition,
  type InstrumentDefinition,
  type InstrumentItem,
  type LocalizedText,
  InstrumentDefinitionError,
  CONDITION_OPERATORS,
  loadInstrument,
} from './definition.js';
import { type AnswerValue, ResponseMismatchError, type ResponseProblem } from './score.js';

/** Our extension on an exported Questionnaire, holding what FHIR has no element for. */
export const XINYU_SCORING_EXTENSION = 'https://xinyu.invalid/fhir/StructureDefinition/instrument-scoring';
export const ITEM_WEIGHT = 'http://hl7.org/fhir/StructureDefinition/itemWeight';
export const ORDINAL_VALUE = 'http://hl7.org/fhir/StructureDefinition/ordinalValue';
const TRANSLATION = 'http://hl7.org/fhir/StructureDefinition/translation';
/** Every extension URL that carries an answer's score, new and old. */
const SCORE_URLS = new Set([
  ITEM_WEIGHT,
  ORDINAL_VALUE,
  'http://hl7.org/fhir/StructureDefinition/questionnaire-ordinalValue',
  'http://hl7.org/fhir/StructureDefinition/valueset-ordinalValue',
  'http://hl7.org/fhir/StructureDefinition/codesystem-ordinalValue',
  'http://hl7.org/fhir/StructureDefinition/iso21090-CO-value',
]);
const SCORE_PROPERTIES = new Set(['itemWeight', 'weight', 'ordinalValue', 'score']);

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObj) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);

function scoreOf(node: unknown): number | undefined {
  if (!isObj(node)) return undefined;
  for (const e of arr(node.extension)) {
    if (typeof e.url === 'string' && SCORE_URLS.has(e.url)) {
      const v = e.valueDecimal ?? e.valueInteger;
      if (typeof v === 'number' && Number.isFinite(v)) return v;
    }
  }
  for (const p of arr(node.property)) {
    if (typeof p.code === 'string' && SCORE_PROPERTIES.has(p.code)) {
      const v = p.valueDecimal ?? p.valueInteger;
      if (typeof v === 'number' && Number.isFinite(v)) return v;
    }
  }
  return undefined;
}

/** Text in both languages from a FHIR string, its `_element` translations and designations. */
function localized(primary: string | undefined, element: unknown, primaryLang: string, designations?: unknown): LocalizedText | undefined {
  const found: Record<string, string> = {};
  const norm = (lang: string) => (/^zh/i.test(lang) ? 'zh-CN' : /^en/i.test(lang) ? 'en-US' : lang);
  if (primary) found[norm(primaryLang)] = primary;
  if (isObj(element)) {
    for (const e of arr(element.extension)) {
      if (e.url !== TRANSLATION) continue;
      const parts = arr(e.extension);
      const lang = str(parts.find((p) => p.url === 'lang')?.valueCode);
      const content = str(parts.find((p) => p.url === 'content')?.valueString);
      if (lang && content) found[norm(lang)] = content;
    }
  }
  for (const d of arr(designations)) {
    const lang = str(d.language);
    const value = str(d.value);
    if (lang && value && !found[norm(lang)]) found[norm(lang)] = value;
  }
  const zh = found['zh-CN'] ?? found['en-US'] ?? primary;
  const en = found['en-US'] ?? found['zh-CN'] ?? primary;
  return zh && en ? { 'zh-CN': zh, 'en-US': en } : undefined;
}

interface Concept {
  code: string;
  system?: string | undefined;
  display?: string | undefined;
  element?: unknown;
  designation?: unknown;
  score?: number | undefined;
}

function codeSystemConcepts(cs: Json): Concept[] {
  const out: Concept[] = [];
  const walk = (list: unknown) => {
    for (const c of arr(list)) {
      const code = str(c.code);
      if (code) out.push({ code, system: str(cs.url), display: str(c.display), element: c._display, designation: c.designation, score: scoreOf(c) });
      walk(c.concept);
    }
  };
  walk(cs.concept);
  return out;
}

class Contained {
  private readonly byId = new Map<string, Json>();
  private readonly codeSystemsByUrl = new Map<string, Json>();
  constructor(questionnaire: Json) {
    for (const r of arr(questionnaire.contained)) {
      const rid = str(r.id);
      if (rid) this.byId.set(rid, r);
      const url = str(r.url);
      if (r.resourceType === 'CodeSystem' && url) this.codeSystemsByUrl.set(url, r);
    }
  }
  /** A score a contained CodeSystem gives this code, when the system is one of ours. */
  codeSystemScore(system: string | undefined, code: string): number | undefined {
    const cs = system ? this.codeSystemsByUrl.get(system) : undefined;
    return cs ? codeSystemConcepts(cs).find((c) => c.code === code)?.score : undefined;
  }
  /** The codes of `answerValueSet: "#id"` (a contained ValueSet or CodeSystem), or undefined. */
  answerSet(ref: string): Concept[] | undefined {
    if (!ref.startsWith('#')) return undefined;
    const r = this.byId.get(ref.slice(1));
    if (!r) return undefined;
    if (r.resourceType === 'CodeSystem') return codeSystemConcepts(r);
    if (r.resourceType !== 'ValueSet') return undefined;
    const out: Concept[] = [];
    const expansion = isObj(r.expansion) ? arr(r.expansion.contains) : [];
    const walk = (list: Json[]) => {
      for (const c of list) {
        const code = str(c.code);
        if (code) out.push({ code, system: str(c.system), display: str(c.display), element: c._display, designation: c.designation, score: scoreOf(c) ?? this.codeSystemScore(str(c.system), code) });
        walk(arr(c.contains));
      }
    };
    walk(expansion);
    if (!out.length && isObj(r.compose)) {
      for (const inc of arr(r.compose.include)) {
        const system = str(inc.system);
        const concepts = arr(inc.concept);
        if (concepts.length) {
          for (const c of concepts) {
            const code = str(c.code);
            if (code) out.push({ code, system, display: str(c.display), element: c._display, designation: c.designation, score: scoreOf(c) ?? this.codeSystemScore(system, code) });
          }
        } else if (system && this.codeSystemsByUrl.has(system)) {
          out.push(...codeSystemConcepts(this.codeSystemsByUrl.get(system)!)); // include a whole contained CodeSystem
        }
      }
    }
    return out;
  }
}

const CHOICE_TYPES = new Set(['choice', 'open-choice', 'coding']);

function optionValue(o: Json): { value: string; system?: string | undefined; display?: string | undefined; element?: unknown; coding?: Json } | undefined {
  if (isObj(o.valueCoding)) {
    const code = str(o.valueCoding.code);
    return code ? { value: code, system: str(o.valueCoding.system), display: str(o.valueCoding.display), element: o.valueCoding._display, coding: o.valueCoding } : undefined;
  }
  if (typeof o.valueString === 'string') return { value: o.valueString, display: o.valueString, element: o._valueString };
  if (typeof o.valueInteger === 'number') return { value: String(o.valueInteger), display: String(o.valueInteger) };
  return undefined;
}

function conditionFromFhir(e: Json): ItemCondition | undefined {
  const item = str(e.question);
  const op = e.operator;
  if (!item || typeof op !== 'string' || !(CONDITION_OPERATORS as readonly string[]).includes(op)) return undefined;
  const operator = op as ItemCondition['operator'];
  if (operator === 'exists') return { item, operator, value: e.answerBoolean !== false };
  if (isObj(e.answerCoding) && str(e.answerCoding.code)) return { item, operator, value: str(e.answerCoding.code)! };
  for (const k of ['answerDecimal', 'answerInteger'] as const) {
    const v = e[k];
    if (typeof v === 'number') return { item, operator, value: operator === '=' || operator === '!=' ? String(v) : v };
  }
  if (typeof e.answerString === 'string') return { item, operator, value: e.answerString };
  return undefined;
}

/**
 * A FHIR R4 Questionnaire (parsed JSON) → a validated definition. Throws
 * `InstrumentDefinitionError` when the result is not a valid definition (for example a scale in
 * our extension naming an item the Questionnaire lacks).
 */
export function fromFhirQuestionnaire(json: unknown): InstrumentDefinition {
  if (!isObj(json) || json.resourceType !== 'Questionnaire') throw new InstrumentDefinitionError([{ path: 'resourceType', message: 'not a FHIR Questionnaire' }]);
  const lang = str(json.language) ?? 'en-US';
  const contained = new Contained(json);
  const items: InstrumentItem[] = [];
  const problems: { path: string; message: string }[] = [];
  const walk = (list: unknown, path: string) => {
    arr(list).forEach((q, i) => {
      const at = `${path}[${i}]`;
      if (q.type === 'group' || q.type === 'display') {
        walk(q.item, `${at}.item`);
        return;
      }
      const linkId = str(q.linkId);
      if (!linkId || typeof q.type !== 'string' || !CHOICE_TYPES.has(q.type)) {
        walk(q.item, `${at}.item`);
        return;
      }
      let concepts: Concept[] = [];
      if (Array.isArray(q.answerOption)) {
        for (const o of arr(q.answerOption)) {
          const v = optionValue(o);
          if (!v) continue;
          const score = scoreOf(o) ?? scoreOf(v.coding) ?? contained.codeSystemScore(v.system, v.value);
          concepts.push({ code: v.value, system: v.system, display: v.display, element: v.element, score });
        }
      } else if (typeof q.answerValueSet === 'string') {
        const set = contained.answerSet(q.answerValueSet);
        if (!set) problems.push({ path: `${at}.answerValueSet`, message: `item "${linkId}": answer set "${q.answerValueSet}" is not a contained ValueSet or CodeSystem, so its options are unknown` });
        concepts = set ?? [];
      }
      if (!concepts.length) {
        walk(q.item, `${at}.item`);
        return;
      }
      const scored = concepts.some((c) => c.score !== undefined);
      const text = localized(str(q.text), q._text, lang) ?? { 'zh-CN': linkId, 'en-US': linkId };
      const item: InstrumentItem = {
        id: linkId,
        text,
        options: concepts.map((c) => ({
          value: c.code,
          ...(scored && c.score !== undefined ? { score: c.score } : {}),
          label: localized(c.display, c.element, lang, c.designation) ?? { 'zh-CN': c.code, 'en-US': c.code },
        })),
        ...(q.required === true ? {} : { required: false }),
      };
      const conds = arr(q.enableWhen).map(conditionFromFhir);
      if (conds.length) {
        if (conds.some((c) => !c)) problems.push({ path: `${at}.enableWhen`, message: `item "${linkId}": a condition could not be read (operator and answer[x] needed)` });
        item.enableWhen = conds.filter((c): c is ItemCondition => !!c);
        if (q.enableBehavior === 'any') item.enableBehavior = 'any';
      }
      items.push(item);
      walk(q.item, `${at}.item`); // items nested under a question
    });
  };
  walk(json.item, 'item');
  if (problems.length) throw new InstrumentDefinitionError(problems);

  const ext = arr(json.extension).find((e) => e.url === XINYU_SCORING_EXTENSION);
  let extra: Json = {};
  if (ext) {
    try {
      const parsed: unknown = JSON.parse(String(ext.valueString));
      // only what FHIR has no element for; items always come from the Questionnaire itself
      if (isObj(parsed)) extra = Object.fromEntries(Object.entries(parsed).filter(([k]) => ['instructions', 'licence', 'audience', 'scales', 'critical', 'validity'].includes(k)));
    } catch {
      throw new InstrumentDefinitionError([{ path: 'extension', message: `the ${XINYU_SCORING_EXTENSION} extension is not valid JSON` }]);
    }
  }
  const title = localized(str(json.title) ?? str(json.name), json._title, lang) ?? { 'zh-CN': str(json.id) ?? '未命名', 'en-US': str(json.id) ?? 'Untitled' };
  const description = localized(str(json.description), json._description, lang);
  const copyright = localized(str(json.copyright), json._copyright, lang) ?? { 'zh-CN': '未注明许可', 'en-US': 'No licence stated in the imported Questionnaire' };
  const scoredIds = items.filter((i) => i.options.some((o) => o.score !== undefined)).map((i) => i.id);
  const definition = {
    id: str(json.id) ?? str(json.name) ?? 'imported',
    version: str(json.version) ?? '1',
    title,
    ...(description ? { description } : {}),
    licence: { text: copyright },
    audience: { gradeLevels: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] },
    items,
    scales: scoredIds.length ? [{ id: 'total', name: { 'zh-CN': '总分', 'en-US': 'Total score' }, items: scoredIds, method: 'sum' }] : [],
    ...extra,
  };
  return loadInstrument(definition);
}

const translation = (lang: string, content: string) => ({ extension: [{ url: TRANSLATION, extension: [{ url: 'lang', valueCode: lang }, { url: 'content', valueString: content }] }] });

function conditionToFhir(c: ItemCondition): Json {
  const out: Json = { question: c.item, operator: c.operator };
  if (c.operator === 'exists') out.answerBoolean = c.value !== false;
  else if (c.operator === '=' || c.operator === '!=') out.answerCoding = { code: String(c.value) };
  else out.answerDecimal = c.value;
  return out;
}

/**
 * A definition → a FHIR R4 Questionnaire: zh-CN text with en-US translations, option scores as
 * `itemWeight` and `ordinalValue` on each answerOption, skip logic as enableWhen, and everything
 * else (scales, bands, norms, critical items, validity rules, audience, licence URL, instructions)
 * in the `XINYU_SCORING_EXTENSION` extension.
 */
export function toFhirQuestionnaire(def: InstrumentDefinition): Json {
  const extra = {
    instructions: def.instructions,
    licence: def.licence,
    audience: def.audience,
    scales: def.scales,
    critical: def.critical,
    validity: def.validity,
  };
  return {
    resourceType: 'Questionnaire',
    id: def.id,
    extension: [{ url: XINYU_SCORING_EXTENSION, valueString: JSON.stringify(extra) }],
    version: def.version,
    language: 'zh-CN',
    name: def.id.replace(/[^A-Za-z0-9]/g, '_'),
    title: def.title['zh-CN'],
    _title: translation('en-US', def.title['en-US']),
    status: 'active',
    ...(def.description ? { description: def.description['zh-CN'], _description: translation('en-US', def.description['en-US']) } : {}),
    copyright: def.licence.text['zh-CN'],
    _copyright: translation('en-US', def.licence.text['en-US']),
    item: def.items.map((item) => ({
      linkId: item.id,
      text: item.text['zh-CN'],
      _text: translation('en-US', item.text['en-US']),
      type: 'choice',
      required: item.required !== false,
      ...(item.enableWhen ? { enableWhen: item.enableWhen.map(conditionToFhir), ...(item.enableWhen.length > 1 ? { enableBehavior: item.enableBehavior ?? 'all' } : {}) } : {}),
      answerOption: item.options.map((o) => ({
        ...(o.score !== undefined ? { extension: [{ url: ITEM_WEIGHT, valueDecimal: o.score }] } : {}),
        valueCoding: {
          ...(o.score !== undefined ? { extension: [{ url: ORDINAL_VALUE, valueDecimal: o.score }] } : {}),
          code: o.value,
          display: o.label['zh-CN'],
          _display: translation('en-US', o.label['en-US']),
        },
      })),
    })),
  };
}

/** Every linkId of a Questionnaire, at any depth (groups, display items, totals included). */
export function fhirLinkIds(questionnaire: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (list: unknown) => {
    for (const q of arr(list)) {
      const l = str(q.linkId);
      if (l) out.add(l);
      walk(q.item);
    }
  };
  if (isObj(questionnaire)) walk(questionnaire.item);
  return out;
}

export interface FhirResponseAnswers {
  answers: Record<string, AnswerValue>;
  /** linkIds in the response that are not items of the definition (groups, totals, free text). */
  ignored: string[];
  /** `authored`, when the response has it. */
  submittedAt?: string;
}

/**
 * A FHIR QuestionnaireResponse (parsed JSON) → answers for `scoreResponse`. Answers match items
 * by linkId and options by coding code (or valueString / valueInteger / valueDecimal). Any score in
 * the response (ordinalValue on an answer, a total-score item) is ignored: scores are always
 * recomputed from the definition. Throws `ResponseMismatchError` when an answer is not an option
 * of its item, an item has several answers, or nothing in the response belongs to the definition.
 */
export function answersFromFhirResponse(def: InstrumentDefinition, json: unknown): FhirResponseAnswers {
  if (!isObj(json) || json.resourceType !== 'QuestionnaireResponse') throw new ResponseMismatchError([{ itemId: '(root)', message: 'not a FHIR QuestionnaireResponse' }]);
  const items = new Map(def.items.map((i) => [i.id, i]));
  const answers: Record<string, AnswerValue> = {};
  const ignored: string[] = [];
  const problems: ResponseProblem[] = [];
  let matched = 0;
  const walk = (list: unknown) => {
    for (const r of arr(list)) {
      const linkId = str(r.linkId);
      const given = arr(r.answer);
      const item = linkId ? items.get(linkId) : undefined;
      if (linkId && !item && (given.length || !Array.isArray(r.item))) ignored.push(linkId);
      if (item) {
        matched++;
        const values = given.flatMap((a) => {
          if (isObj(a.valueCoding)) return str(a.valueCoding.code) ? [str(a.valueCoding.code)!] : [];
          for (const k of ['valueString', 'valueInteger', 'valueDecimal'] as const) if (typeof a[k] === 'string' || typeof a[k] === 'number') return [String(a[k])];
          if (typeof a.valueBoolean === 'boolean') return [String(a.valueBoolean)];
          return [];
        });
        if (values.length > 1) problems.push({ itemId: item.id, message: `${values.length} answers given; the item takes one` });
        else if (given.length && !values.length) problems.push({ itemId: item.id, message: 'the answer has no code or value this item can use' });
        else if (values[0] !== undefined) {
          if (!item.options.some((o) => o.value === values[0])) problems.push({ itemId: item.id, message: `"${values[0]}" is not an option (options: ${item.options.map((o) => o.value).join(', ')})` });
          else answers[item.id] = values[0];
        }
      }
      walk(r.item);
      for (const a of given) walk(a.item);
    }
  };
  walk(json.item);
  if (!matched && !problems.length) problems.push({ itemId: '(root)', message: `none of the response's items belongs to ${def.id} version ${def.version}` });
  if (problems.length) throw new ResponseMismatchError(problems);
  const authored = str(json.authored);
  return { answers, ignored, ...(authored ? { submittedAt: authored } : {}) };
}
