/** Every metric a target can be bound to, from every module. Keys are unique (checked by the tests). */
import { educationMetrics } from '../education/metrics.js';
import { homeschoolMetrics } from '../homeschool/metrics.js';
import { workforceMetrics } from '../workforce/metrics.js';
import type { MetricDefinition } from './metric-types.js';
import { supervisionMetrics } from './metrics.js';

export const ALL_METRICS: readonly MetricDefinition[] = [...supervisionMetrics, ...educationMetrics, ...workforceMetrics, ...homeschoolMetrics];

export function metricByKey(key: string): MetricDefinition | undefined {
  return ALL_METRICS.find((m) => m.key === key);
}
