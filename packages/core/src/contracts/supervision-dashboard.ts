import { z } from 'zod';

// The bureau's supervision dashboard (督导驾驶舱): every registered metric for a city, a district or
// a school, per child unit, rankings, trends across years, live figures of the earlier modules, and
// the drill-down to the records behind one school's figure. Exported from contracts/supervision.ts.

const Year = z.coerce.number().int().min(2000, '年份应在 2000–2100 之间').max(2100, '年份应在 2000–2100 之间');

export const DashboardQuery = z.object({
  /** a city, a district or a school; the caller's own unit when absent */
  unitId: z.coerce.number().int().positive().optional(),
  /** calendar year of the figures; this year when absent */
  year: Year.optional(),
});

export const DashboardFigure = z.object({
  /** null when suppressed */
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  /** as shown (core metricValue): null when there is nothing to divide by, or suppressed */
  value: z.number().nullable(),
  /** a metric counting students whose figure counts 1–4 of them, seen from outside the school (core hiddenFigures) */
  suppressed: z.boolean(),
});

export const DashboardMetricUnit = z.enum(['percent', 'yuan_per_student', 'per_thousand', 'count']);

export const DashboardRanked = z.object({ schoolId: z.number().int(), name: z.string(), districtName: z.string().nullable(), value: z.number(), numerator: z.number(), denominator: z.number() });

export const DashboardMetric = z.object({
  key: z.string(),
  label: z.object({ zh: z.string(), en: z.string() }),
  definition: z.object({ zh: z.string(), en: z.string() }),
  unit: DashboardMetricUnit,
  figure: DashboardFigure,
  /** the years that have data (from the first with something recorded), oldest first, up to five, ending with the year asked for */
  trend: z.array(DashboardFigure.extend({ year: z.number().int() })),
  /** the five schools with the highest and the lowest value (schools without a value left out); empty for a school */
  top: z.array(DashboardRanked),
  bottom: z.array(DashboardRanked),
});

/** Open alerts by level; null = fewer than 5 students, suppressed for readers outside the school (with the next smallest cell when only one is hidden). */
export const DashboardAlerts = z.object({ yellow: z.number().int().nullable(), orange: z.number().int().nullable(), red: z.number().int().nullable() });

export const DashboardChild = z.object({
  /** the district or school; null for the group of municipal schools (市直学校) */
  unitId: z.number().int().nullable(),
  kind: z.enum(['district', 'school', 'municipal']),
  name: z.string(),
  schools: z.number().int(),
  students: z.number().int(),
  /** for a school: its type (初中, 小学 …) key */
  schoolKind: z.string().nullable(),
  figures: z.record(z.string(), DashboardFigure),
  alerts: DashboardAlerts,
});

export const DashboardScreening = z.object({
  campaignId: z.uuid(),
  title: z.string(),
  windowStart: z.string(),
  windowEnd: z.string(),
  /** active students of the unit in the campaign's grades and units */
  students: z.number().int(),
  /** students who submitted at least one instrument */
  started: z.number().int(),
  /** students who submitted every instrument of their grade */
  completed: z.number().int(),
  rate: z.number().nullable(),
});

export const DashboardUnitRef = z.object({ id: z.number().int(), name: z.string(), kind: z.string() });

export const Dashboard = z.object({
  unit: DashboardUnitRef,
  /** the units above it that the caller may also open (city → district), for the breadcrumb */
  parents: z.array(DashboardUnitRef),
  year: z.number().int(),
  from: z.string(),
  to: z.string(),
  schools: z.number().int(),
  students: z.number().int(),
  metrics: z.array(DashboardMetric),
  children: z.array(DashboardChild),
  alerts: DashboardAlerts,
  /** whether alert counts under 5 are suppressed (the reader is outside the school: the bureau, or any unit above a school) */
  suppressed: z.boolean(),
  screening: z.array(DashboardScreening),
  /** when the metric figures were computed (the oldest cached one, refreshed every ten minutes); null when computed just now */
  computedAt: z.string().nullable(),
});

export const MetricRecordsParams = z.object({ key: z.string().min(1).max(100), schoolId: z.coerce.number().int().positive() });
export const MetricRecordsQuery = z.object({
  year: Year.optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(100),
});
export const MetricRecordsOut = z.object({
  metric: z.object({ key: z.string(), label: z.object({ zh: z.string(), en: z.string() }), definition: z.object({ zh: z.string(), en: z.string() }), unit: DashboardMetricUnit }),
  school: DashboardUnitRef.extend({ districtName: z.string().nullable() }),
  year: z.number().int(),
  from: z.string(),
  to: z.string(),
  figure: DashboardFigure,
  columns: z.array(z.object({ key: z.string(), title: z.string() })),
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
});
