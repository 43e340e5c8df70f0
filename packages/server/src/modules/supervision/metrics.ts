/**
 * Metrics computed from the records of the earlier modules (screening, warning, counseling, crisis)
 * and the supervision module's own (funding). See metric-types.ts.
 */
import type { MetricDefinition } from './metric-types.js';

export const supervisionMetrics: MetricDefinition[] = [];
