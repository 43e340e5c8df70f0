// FHIR R4 import/export. The fixtures are written here in the shapes real Questionnaires use
// (LHC-Forms' LOINC 44249-1 PHQ-9, the Argonaut and SDC examples with contained ValueSets, FSH
// CodeSystems with weights), not copied from them.
import { describe, expect, it } from 'vitest';
import { CES_DC, EXAMPLE_MULTIFACTOR, GAD7, PHQ9 } from './builtin/index.js';
import { InstrumentDefinitionError } from './definition.js';
import { answersFromFhirResponse, fhirLinkIds, fromFhirQuestionnaire, ITEM_WEIGHT, ORDINAL_VALUE, toFhirQuestionnaire, XINYU_SCORING_EXTENSION } from './fhir.js';
import { ResponseMismatchError, scoreResponse } from './score.js';

const LOINC = 'http://loinc.org';
const ANSWERS: [string, string, number][] = [
  ['LA6568-5', 'Not at all', 0],
  ['LA6569-3', 'Several days', 1],
  ['LA6570-1', 'More than half the days', 2],
  ['LA6571-9', 'Nearly every day', 3],
];
const ext = (url: string, v: number) => [{ url, valueDecimal: v }];
const q = (rest: Record<string, unknown>) => ({ resourceType: 'Questionnaire', id: 'test-q', status: 'active', title: 'Test', ...rest });
const question = (linkId: string, rest: Record<string, unknown>) => ({ linkId, text: `Question ${linkId}`, type: 'choice', required: true, ...rest });
const scoresOf = (json: unknown) => Object.fromEntries(fromFhirQuestionnaire(json).items.map((i) => [i.id, i.options.map((o) => o.score ?? null)]));

/** PHQ-9 the way LHC-Forms exports LOINC 44249-1: ordinalValue on answerOption, a total item, an unscored item 10. */
function lhcPhq9() {
  const option = ([code, display, score]: [string, string, number]) => ({ extension: ext(ORDINAL_VALUE, score), valueCoding: { system: LOINC, code, display } });
  return q({
    id: '44249-1',
    code: [{ system: LOINC, code: '44249-1', display: 'PHQ-9 quick depression assessment panel' }],
    item: [
      {
        linkId: '/44249-1',
        type: 'group',
        text: 'PHQ-9 quick depression assessment panel',
        item: [
          { linkId: '/intro', type: 'display', text: 'Over the last 2 weeks, how often have you been bothered by any of the following problems?' },
          ...Array.from({ length: 9 }, (_, i) => question(`/4425${i}-x`, { answerOption: ANSWERS.map(option) })),
          question('/69722-7', {
            required: false,
            answerOption: [['LA6572-7', 'Not difficult at all'], ['LA6573-5', 'Somewhat difficult']].map(([code, display]) => ({ valueCoding: { system: LOINC, code, display } })),
          }),
          { linkId: '/44261-6', type: 'decimal', text: 'Patient health questionnaire 9 item total score', readOnly: true },
        ],
      },
    ],
  });
}

describe('fromFhirQuestionnaire reads scores wherever a Questionnaire puts them', () => {
  it('ordinalValue on answerOption (LHC-Forms), nested group flattened, display and total items left out, unscored item kept unscored', () => {
    const def = fromFhirQuestionnaire(lhcPhq9());
    expect(def.items.map((i) => i.id)).toEqual([...Array.from({ length: 9 }, (_, i) => `/4425${i}-x`), '/69722-7']);
    expect(def.items[0]!.options).toEqual(ANSWERS.map(([code, display, score]) => ({ value: code, score, label: { 'zh-CN': display, 'en-US': display } })));
    expect(def.items[9]!.options.map((o) => o.score)).toEqual([undefined, undefined]);
    expect(def.items[9]!.required).toBe(false);
    expect(def.scales).toEqual([{ id: 'total', name: { 'zh-CN': '总分', 'en-US': 'Total score' }, items: def.items.slice(0, 9).map((i) => i.id), method: 'sum' }]);
  });

  it.each([
    ['itemWeight on answerOption', { extension: ext(ITEM_WEIGHT, 2), valueCoding: { code: 'a' } }],
    ['itemWeight on answerOption.valueCoding', { valueCoding: { code: 'a', extension: ext(ITEM_WEIGHT, 2) } }],
    ['ordinalValue on answerOption.valueCoding', { valueCoding: { code: 'a', extension: ext(ORDINAL_VALUE, 2) } }],
    ['STU3-era questionnaire-ordinalValue', { valueCoding: { code: 'a', extension: ext('http://hl7.org/fhir/StructureDefinition/questionnaire-ordinalValue', 2) } }],
    ['iso21090-CO-value on the coding', { valueCoding: { code: 'a', extension: ext('http://hl7.org/fhir/StructureDefinition/iso21090-CO-value', 2) } }],
    ['valueInteger option with an integer weight', { valueInteger: 7, extension: [{ url: ITEM_WEIGHT, valueInteger: 2 }] }],
    ['valueString option', { valueString: 'often', extension: ext(ITEM_WEIGHT, 2) }],
  ])('%s', (_name, option) => {
    expect(scoresOf(q({ item: [question('q1', { answerOption: [option] })] }))).toEqual({ q1: [2] });
  });

  it('a contained ValueSet: compose.include.concept (Argonaut style)', () => {
    const vs = {
      resourceType: 'ValueSet',
      id: 'phq',
      status: 'active',
      compose: { include: [{ system: LOINC, concept: ANSWERS.map(([code, display, score]) => ({ code, display, extension: ext('http://hl7.org/fhir/StructureDefinition/valueset-ordinalValue', score) })) }] },
    };
    expect(scoresOf(q({ contained: [vs], item: [question('q1', { answerValueSet: '#phq' })] }))).toEqual({ q1: [0, 1, 2, 3] });
  });

  it('a contained ValueSet: expansion.contains (SDC / LHC style), with zh-CN designations', () => {
    const vs = {
      resourceType: 'ValueSet',
      id: 'vs1',
      status: 'active',
      expansion: {
        timestamp: '2026-01-01',
        contains: ANSWERS.map(([code, display, score]) => ({ system: LOINC, code, display, designation: [{ language: 'zh-CN', value: `中文${score}` }], extension: ext(ORDINAL_VALUE, score) })),
      },
    };
    const def = fromFhirQuestionnaire(q({ contained: [vs], item: [question('q1', { answerValueSet: '#vs1' })] }));
    expect(def.items[0]!.options[1]).toEqual({ value: 'LA6569-3', score: 1, label: { 'zh-CN': '中文1', 'en-US': 'Several days' } });
  });

  it('a contained CodeSystem named by answerValueSet, weights as the itemWeight concept property (nested concepts too)', () => {
    const cs = {
      resourceType: 'CodeSystem',
      id: 'cs1',
      url: 'urn:test:cs1',
      status: 'active',
      content: 'complete',
      concept: [
        { code: 'never', display: 'Never', property: [{ code: 'itemWeight', valueDecimal: 0 }], concept: [{ code: 'rarely', display: 'Rarely', property: [{ code: 'itemWeight', valueDecimal: 1 }] }] },
        { code: 'often', display: 'Often', property: [{ code: 'itemWeight', valueInteger: 3 }] },
      ],
    };
    expect(scoresOf(q({ contained: [cs], item: [question('q1', { answerValueSet: '#cs1' })] }))).toEqual({ q1: [0, 1, 3] });
  });

  it('a contained CodeSystem with ordinalValue extensions, reached through a ValueSet include and through an option coding system', () => {
    const cs = { resourceType: 'CodeSystem', id: 'cs2', url: 'urn:test:cs2', status: 'active', content: 'complete', concept: [{ code: 'y', display: 'Yes', extension: ext(ORDINAL_VALUE, 1) }, { code: 'n', display: 'No', extension: ext(ORDINAL_VALUE, 0) }] };
    const vsWhole = { resourceType: 'ValueSet', id: 'vs-whole', status: 'active', compose: { include: [{ system: 'urn:test:cs2' }] } };
    const vsListed = { resourceType: 'ValueSet', id: 'vs-listed', status: 'active', compose: { include: [{ system: 'urn:test:cs2', concept: [{ code: 'n' }, { code: 'y' }] }] } };
    const json = q({
      contained: [cs, vsWhole, vsListed],
      item: [
        question('q1', { answerValueSet: '#vs-whole' }),
        question('q2', { answerValueSet: '#vs-listed' }),
        question('q3', { answerOption: [{ valueCoding: { system: 'urn:test:cs2', code: 'y', display: 'Yes' } }] }),
      ],
    });
    expect(scoresOf(json)).toEqual({ q1: [1, 0], q2: [0, 1], q3: [1] });
  });

  it('items without any score are not scored, and a Questionnaire without scores has no scale', () => {
    const def = fromFhirQuestionnaire(q({ item: [question('q1', { answerOption: [{ valueCoding: { code: 'a', display: 'A' } }] }), { linkId: 'note', type: 'string', text: 'Anything else?' }] }));
    expect(def.items.map((i) => [i.id, i.options[0]!.score])).toEqual([['q1', undefined]]);
    expect(def.scales).toEqual([]);
  });

  it('translations on text and display become zh-CN / en-US; skip logic is read', () => {
    const tr = (lang: string, content: string) => ({ extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/translation', extension: [{ url: 'lang', valueCode: lang }, { url: 'content', valueString: content }] }] });
    const def = fromFhirQuestionnaire(
      q({
        language: 'en',
        item: [
          question('q1', { text: 'Sad?', _text: tr('zh-CN', '难过吗？'), answerOption: [{ valueCoding: { code: 'y', display: 'Yes', _display: tr('zh', '是') }, extension: ext(ITEM_WEIGHT, 1) }, { valueCoding: { code: 'n', display: 'No' }, extension: ext(ITEM_WEIGHT, 0) }] }),
          question('q2', { enableWhen: [{ question: 'q1', operator: '=', answerCoding: { code: 'y' } }, { question: 'q1', operator: '>=', answerDecimal: 1 }], enableBehavior: 'any', answerOption: [{ valueCoding: { code: 'a' }, extension: ext(ITEM_WEIGHT, 1) }] }),
        ],
      }),
    );
    expect(def.items[0]!.text).toEqual({ 'zh-CN': '难过吗？', 'en-US': 'Sad?' });
    expect(def.items[0]!.options[0]!.label).toEqual({ 'zh-CN': '是', 'en-US': 'Yes' });
    expect(def.items[0]!.options[1]!.label).toEqual({ 'zh-CN': 'No', 'en-US': 'No' }); // no translation: the same text in both
    expect(def.items[1]).toMatchObject({ enableWhen: [{ item: 'q1', operator: '=', value: 'y' }, { item: 'q1', operator: '>=', value: 1 }], enableBehavior: 'any' });
  });

  it.each([
    ['not a Questionnaire', { resourceType: 'Patient' }, 'resourceType: not a FHIR Questionnaire'],
    ['an answerValueSet we cannot resolve', q({ item: [question('q1', { answerValueSet: 'http://loinc.org/vs/LL358-3' })] }), 'item[0].answerValueSet: item "q1": answer set "http://loinc.org/vs/LL358-3" is not a contained ValueSet or CodeSystem, so its options are unknown'],
    ['duplicate linkIds', q({ item: [question('q1', { answerOption: [{ valueString: 'a' }] }), question('q1', { answerOption: [{ valueString: 'b' }] })] }), 'items[1].id: duplicate item id "q1" (also items[0])'],
    ['our extension naming an unknown item', q({ extension: [{ url: XINYU_SCORING_EXTENSION, valueString: JSON.stringify({ scales: [{ id: 't', name: { 'zh-CN': '总', 'en-US': 'T' }, items: ['zz'], method: 'sum' }] }) }], item: [question('q1', { answerOption: [{ valueString: 'a' }] })] }), 'scales[0].items[0]: unknown item "zz" in scale "t"'],
  ])('refuses %s with a clear problem', (_name, json, problem) => {
    expect(() => fromFhirQuestionnaire(json)).toThrow(InstrumentDefinitionError);
    try {
      fromFhirQuestionnaire(json);
    } catch (e) {
      expect((e as InstrumentDefinitionError).problems.map((p) => `${p.path}: ${p.message}`)).toContain(problem);
    }
  });
});

describe('answersFromFhirResponse', () => {
  const def = fromFhirQuestionnaire(lhcPhq9());
  /** A response as a form filler saves it: nested in the group, scores copied onto the codings, a stored total. */
  const response = (codes: string[], total: number) => ({
    resourceType: 'QuestionnaireResponse',
    status: 'completed',
    authored: '2026-03-02T09:30:00+08:00',
    item: [
      {
        linkId: '/44249-1',
        item: [
          ...codes.map((code, i) => ({ linkId: `/4425${i}-x`, answer: [{ valueCoding: { system: LOINC, code, extension: ext(ORDINAL_VALUE, 3) } }] })),
          { linkId: '/44261-6', answer: [{ valueDecimal: total }] },
        ],
      },
    ],
  });

  it('reads answers by linkId and code; stored scores and totals are ignored and recomputed', () => {
    const codes = ['LA6569-3', 'LA6569-3', 'LA6568-5', 'LA6568-5', 'LA6568-5', 'LA6568-5', 'LA6568-5', 'LA6568-5', 'LA6568-5'];
    const read = answersFromFhirResponse(def, response(codes, 27));
    expect(read).toEqual({ answers: Object.fromEntries(codes.map((c, i) => [`/4425${i}-x`, c])), ignored: ['/44261-6'], submittedAt: '2026-03-02T09:30:00+08:00' });
    expect(scoreResponse(def, read).scales[0]!.raw).toBe(2);
  });

  it('scores a built-in from its own FHIR export and a response to it', () => {
    const fhir = JSON.parse(JSON.stringify(toFhirQuestionnaire(PHQ9))) as unknown;
    const imported = fromFhirQuestionnaire(fhir);
    const qr = { resourceType: 'QuestionnaireResponse', status: 'completed', item: imported.items.slice(0, 9).map((i) => ({ linkId: i.id, answer: [{ valueCoding: { code: i.id === 'phq9_9' ? '1' : '2' } }] })) };
    const r = scoreResponse(imported, answersFromFhirResponse(imported, qr));
    expect(r.scales[0]).toMatchObject({ raw: 17, band: { code: 'moderately_severe', level: 'orange' } });
    expect(r.critical).toMatchObject([{ itemId: 'phq9_9', level: 'red' }]);
    expect(r.warningLevel).toBe('red');
  });

  it.each([
    ['not a response', { resourceType: 'Questionnaire' }, '(root): not a FHIR QuestionnaireResponse'],
    ['a code that is not an option', response(['LA9999-9'], 0), '/44250-x: "LA9999-9" is not an option (options: LA6568-5, LA6569-3, LA6570-1, LA6571-9)'],
    ['two answers to one item', { resourceType: 'QuestionnaireResponse', item: [{ linkId: '/44250-x', answer: [{ valueCoding: { code: 'LA6568-5' } }, { valueCoding: { code: 'LA6569-3' } }] }] }, '/44250-x: 2 answers given; the item takes one'],
    ['a response to another questionnaire', { resourceType: 'QuestionnaireResponse', item: [{ linkId: 'gad7_1', answer: [{ valueCoding: { code: '1' } }] }] }, '(root): none of the response\'s items belongs to 44249-1 version 1'],
  ])('refuses %s', (_name, json, problem) => {
    try {
      answersFromFhirResponse(def, json);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ResponseMismatchError);
      expect((e as ResponseMismatchError).problems.map((p) => `${p.itemId}: ${p.message}`)).toContain(problem);
    }
  });

  it('fhirLinkIds lists every linkId at any depth', () => {
    expect([...fhirLinkIds(lhcPhq9())]).toEqual(['/44249-1', '/intro', ...Array.from({ length: 9 }, (_, i) => `/4425${i}-x`), '/69722-7', '/44261-6']);
  });
});

describe('round trip: definition → FHIR Questionnaire → definition', () => {
  it.each([PHQ9, GAD7, CES_DC, EXAMPLE_MULTIFACTOR])('$id comes back unchanged', (def) => {
    const fhir = JSON.parse(JSON.stringify(toFhirQuestionnaire(def))) as Record<string, unknown>;
    expect(fromFhirQuestionnaire(fhir)).toEqual(def);
  });

  it('puts scores where FHIR readers look: itemWeight on answerOption, ordinalValue on its coding', () => {
    const fhir = toFhirQuestionnaire(PHQ9) as { item: { answerOption: { extension?: unknown; valueCoding: { extension?: unknown; code: string } }[] }[] };
    expect(fhir.item[0]!.answerOption[2]).toMatchObject({ extension: [{ url: ITEM_WEIGHT, valueDecimal: 2 }], valueCoding: { code: '2', extension: [{ url: ORDINAL_VALUE, valueDecimal: 2 }] } });
    expect(fhir.item[9]!.answerOption[0]!.extension).toBeUndefined();
  });

  it('without our extension, a Questionnaire still imports with a total scale', () => {
    const fhir = toFhirQuestionnaire(GAD7) as Record<string, unknown>;
    delete fhir.extension;
    const def = fromFhirQuestionnaire(fhir);
    expect(def.scales.map((s) => [s.id, s.items.length, s.bands])).toEqual([['total', 7, undefined]]);
    expect(def.title).toEqual(GAD7.title);
  });
});
