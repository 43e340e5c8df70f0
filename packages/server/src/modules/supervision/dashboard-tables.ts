/**
 * The dashboard's cache of metric figures (dashboard-cache.ts): each registered metric's per-school
 * numerator and denominator for a region and year, recomputed by a job (stalest first, a bounded
 * time per run) so that a city's dashboard reads a few thousand rows instead of running every
 * metric over a million students on each request. The key `_students` holds each school's active
 * students. A metric and year not (yet) cached is computed live.
 */
import { customType, doublePrecision, integer, pgTable, primaryKey, smallint, text, timestamp } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

export const supervisionMetricCache = pgTable(
  'supervision_metric_cache',
  {
    regionId: integer('region_id').notNull(),
    year: smallint('year').notNull(),
    metricKey: text('metric_key').notNull(),
    schoolId: integer('school_id').notNull(),
    numerator: doublePrecision('numerator').notNull(),
    denominator: doublePrecision('denominator').notNull(),
  },
  (t) => [primaryKey({ columns: [t.regionId, t.year, t.metricKey, t.schoolId] })],
);

/** When each metric and year of a region was last computed into the cache, and how long it took. */
export const supervisionMetricCacheState = pgTable(
  'supervision_metric_cache_state',
  {
    regionId: integer('region_id').notNull(),
    year: smallint('year').notNull(),
    metricKey: text('metric_key').notNull(),
    computedAt: timestamp('computed_at', { withTimezone: true }).notNull(),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [primaryKey({ columns: [t.regionId, t.year, t.metricKey] })],
);

/**
 * The dashboard of the city and of each district per year, precomputed by the same job from the
 * cached figures (dashboard-snapshot.ts): `body` the figures before the reader's hiding rules (JSON of
 * dashboard.ts Assembled), `schools` each school's export row (JSON), for the metrics listed in
 * `metric_keys` (comma-separated, in order). Stored as text: read whole and parsed in Node.
 * `workbook`: the unit's export (.xlsx bytes) as every reader outside its schools gets it (small
 * figures hidden), written by the job with the rows; `workbook_key` the day its period runs to and the
 * unit's name in its title (the route serves it only while both still hold).
 */
export const supervisionDashboardSnapshots = pgTable(
  'supervision_dashboard_snapshots',
  {
    regionId: integer('region_id').notNull(),
    year: smallint('year').notNull(),
    unitId: integer('unit_id').notNull(),
    metricKeys: text('metric_keys').notNull(),
    builtAt: timestamp('built_at', { withTimezone: true }).notNull(),
    body: text('body').notNull(),
    schools: text('schools').notNull(),
    workbook: bytea('workbook'),
    workbookKey: text('workbook_key'),
    workbookSchools: integer('workbook_schools'),
  },
  (t) => [primaryKey({ columns: [t.regionId, t.year, t.unitId] })],
);
