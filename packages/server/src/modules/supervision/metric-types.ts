/**
 * The contract between the modules that own records and the supervision module that turns them into
 * the bureau's figures (target lists, dashboards, rankings). Each module exports its metrics from its
 * own `metrics.ts`; `metric-registry.ts` lists them all.
 *
 * A metric is computed per school, as a numerator and a denominator, so that a district's and the
 * city's figures are sums of their schools' (never an average of averages), and a school's figure
 * can be traced to its records.
 */
import type { Deps } from '../../http/context.js';

/** One school's figure: value = numerator / denominator (× 100 for a percent). */
export interface SchoolFigure {
  schoolId: number;
  numerator: number;
  denominator: number;
}

/** The schools a computation is about, with what most metrics need to know of them. */
export interface MetricSchool {
  id: number;
  name: string;
  path: string;
  districtId: number | null;
  schoolKind: string | null;
  /** active students on the roll */
  students: number;
}

export interface MetricContext {
  deps: Deps;
  regionId: number;
  /** the year of the target list (calendar year, as the plans count them) */
  year: number;
  /** the period measured, China Standard Time dates, both ends included (the year, or up to today) */
  from: string;
  to: string;
  schools: MetricSchool[];
}

export interface MetricRecords {
  columns: { key: string; title: string }[];
  rows: Record<string, string | number | null>[];
}

export interface MetricDefinition {
  /** stable key stored in target lists, e.g. 'screening_coverage' */
  key: string;
  /** the seeds' wording */
  label: { zh: string; en: string };
  /** how numerator / denominator reads: a percent (×100), yuan per student, counselors per 1,000 students, or a count (denominator 1) */
  unit: 'percent' | 'yuan_per_student' | 'per_thousand' | 'count';
  /**
   * The numerator and denominator count students (screening coverage, families reached …): outside
   * a school, a school's or a district's figure counting 1–4 of them is suppressed (core hiddenFigures).
   */
  countsStudents?: boolean;
  /**
   * Metrics with the same batch compute their figures from one memoised computation per context
   * (education's per-school term figures): the cache job computes them one after the other in the
   * same run, sharing the context, even past its time budget.
   */
  batch?: string;
  /** how it is defined, in one or two sentences (shown next to the figure) */
  definition: { zh: string; en: string };
  /** one figure for each school in ctx.schools (schools with nothing to count get denominator 0), in a few queries for all schools at once */
  perSchool(ctx: MetricContext): Promise<SchoolFigure[]>;
  /** the records behind one school's figure, for those allowed to drill down */
  records(ctx: MetricContext, schoolId: number): Promise<MetricRecords>;
}
