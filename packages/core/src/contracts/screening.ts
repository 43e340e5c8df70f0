import { z } from 'zod';

const Localized = z.object({ 'zh-CN': z.string(), 'en-US': z.string() });

export const InstrumentSummary = z.object({
  key: z.string(),
  version: z.string(),
  title: Localized,
  licence: Localized,
  builtIn: z.boolean(),
  source: z.enum(['builtin', 'xinyu', 'fhir']),
  itemCount: z.number().int(),
  scales: z.array(z.object({ id: z.string(), name: Localized })),
  gradeLevels: z.array(z.number().int()),
});
export type InstrumentSummary = z.infer<typeof InstrumentSummary>;

export const InstrumentParams = z.object({ key: z.string().min(1).max(200), version: z.string().min(1).max(50) });

/** A definition in Xinyu's format, or a FHIR R4 Questionnaire with item scores in its extensions. */
export const ImportInstrumentBody = z
  .object({ format: z.enum(['xinyu', 'fhir']), document: z.record(z.string(), z.unknown()) })
  .strict();
