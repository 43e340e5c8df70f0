export * from './definition.js';
export * from './score.js';
export * from './fhir.js';
export * from './builtin/index.js';
