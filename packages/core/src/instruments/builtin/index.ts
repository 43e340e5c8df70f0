/**
 * Built-in instruments: only ones free to use (licences in each definition and in
 * docs/instruments.md), plus the made-up example that documents the format.
 */
import { type InstrumentDefinition, loadInstrument } from '../definition.js';
import { CES_DC } from './ces-dc.js';
import exampleJson from './example-multifactor.json' with { type: 'json' };
import { GAD7, PHQ9 } from './phq.js';

export { CES_DC } from './ces-dc.js';
export { GAD7, PHQ9 } from './phq.js';

/** The made-up multi-factor example (示例, not a real instrument): every feature of the format. */
export const EXAMPLE_MULTIFACTOR: InstrumentDefinition = loadInstrument(exampleJson);

/** Instruments a region may use as shipped, by id. The example is not among them. */
export const BUILTIN_INSTRUMENTS: Readonly<Record<string, InstrumentDefinition>> = {
  [PHQ9.id]: PHQ9,
  [GAD7.id]: GAD7,
  [CES_DC.id]: CES_DC,
};
