/** This module's metrics for the bureau's target lists and dashboards (see supervision/metric-types.ts). */
import type { MetricDefinition } from '../supervision/metric-types.js';

export const workforceMetrics: MetricDefinition[] = [];
