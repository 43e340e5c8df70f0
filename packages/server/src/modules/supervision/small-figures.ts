/** Which figures a reader sees hidden: shared by the dashboard (dashboard.ts) and the export workbook (export-workbook.ts). */
import { hiddenFigures } from '@xinyu/core';
import type { MetricDefinition } from './metric-types.js';

/** Metrics whose numerator and denominator count students (metric-types.ts countsStudents): their small figures are hidden from readers outside the school. */
export const countsStudents = (m: MetricDefinition) => m.countsStudents === true;

/** Which of these sibling figures of a metric a reader sees hidden (none unless the metric counts students and the reader is outside). */
export const hiddenOf = (m: MetricDefinition, figures: readonly { numerator: number; denominator: number }[], outside: boolean): boolean[] =>
  countsStudents(m) && outside ? hiddenFigures(figures, figures.map(() => true)) : figures.map(() => false);
