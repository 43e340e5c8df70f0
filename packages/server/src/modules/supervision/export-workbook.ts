/**
 * The export workbook itself (.xlsx), written from the schools' rows: one row per school (区县, 学校,
 * 学校类型, 学生数, then each metric's value with its numerator and denominator) and a district summary
 * sheet (sums of the schools, never averages). A metric counting students shows "<5" where it counts
 * 1–4 of them, for readers outside the school. Used by the export route (exports.ts) and by the job
 * that stores each city's and district's workbook (dashboard-snapshot.ts); it depends on neither.
 */
import { metricValue } from '@xinyu/core';
import { sheet, type SheetColumn } from '../../lib/xlsx-export.js';
import type { MetricDefinition } from './metric-types.js';
import { hiddenOf } from './small-figures.js';
import { lightWorkbook } from './xlsx-light.js';

/** One school's row of the export: its district, name, type, students and each metric's numerator and denominator (n0, d0, n1, d1 … in the metrics' order). */
export interface ExportSchool {
  id: number;
  district: string;
  school: string;
  kind: string;
  students: number;
  f: number[];
}

const UNIT_SUFFIX: Record<MetricDefinition['unit'], string> = { percent: '（%）', yuan_per_student: '（元/生）', per_thousand: '（‰）', count: '' };

interface Row {
  district: string;
  school: string;
  kind: string;
  schools: number;
  students: number;
  figures: Record<string, { numerator: number; denominator: number }>;
  /** metrics whose figure this reader may not see (counting 1–4 students, from outside the school) */
  hidden: Set<string>;
}

const SMALL = '<5';

function metricColumns(metrics: readonly MetricDefinition[]): SheetColumn<Row>[] {
  return metrics.flatMap((m): SheetColumn<Row>[] => [
    { header: `${m.label.zh}${UNIT_SUFFIX[m.unit]}`, width: 16, value: (r) => (r.hidden.has(m.key) ? SMALL : metricValue(r.figures[m.key] ?? { numerator: 0, denominator: 0 }, m.unit)) },
    { header: `${m.label.zh}·分子`, width: 10, value: (r) => (r.hidden.has(m.key) ? SMALL : (r.figures[m.key]?.numerator ?? 0)) },
    { header: `${m.label.zh}·分母`, width: 10, value: (r) => (m.unit === 'count' ? null : r.hidden.has(m.key) ? SMALL : (r.figures[m.key]?.denominator ?? 0)) },
  ]);
}

/**
 * The workbook of these schools' rows: the per-school sheet and the district summary (sums), what
 * counts 1–4 students hidden when the reader is outside the school. `today`: the day the figures run to.
 */
export function exportWorkbook(unit: { name: string }, year: number, list: readonly ExportSchool[], metrics: readonly MetricDefinition[], outside: boolean, today: string): Buffer {
  const toFigures = (f: readonly number[]): Row['figures'] => {
    const out: Row['figures'] = {};
    metrics.forEach((m, k) => (out[m.key] = { numerator: f[2 * k] ?? 0, denominator: f[2 * k + 1] ?? 0 }));
    return out;
  };
  const schoolRows: Row[] = list.map((s) => ({ district: s.district, school: s.school, kind: s.kind, schools: 1, students: s.students, figures: toFigures(s.f), hidden: new Set<string>() }));
  // the summary: one row per district (municipal schools as one group), then the total
  const groups = new Map<string, Row>();
  const total: Row = { district: '合计', school: '', kind: '', schools: 0, students: 0, figures: {}, hidden: new Set() };
  for (const r of schoolRows) {
    const g = groups.get(r.district) ?? { district: r.district, school: '', kind: '', schools: 0, students: 0, figures: {}, hidden: new Set<string>() };
    groups.set(r.district, g);
    for (const acc of [g, total]) {
      acc.schools += 1;
      acc.students += r.students;
      for (const m of metrics) {
        const f = r.figures[m.key] ?? { numerator: 0, denominator: 0 };
        const a = acc.figures[m.key] ?? { numerator: 0, denominator: 0 };
        acc.figures[m.key] = { numerator: a.numerator + f.numerator, denominator: a.denominator + f.denominator };
      }
    }
  }
  // a metric counting students: what counts 1–4 of them is hidden from a reader outside the school, as on the dashboard
  const summaryRows = [...groups.values()];
  for (const m of metrics) {
    const zero = { numerator: 0, denominator: 0 };
    for (const rowsOf of [schoolRows, summaryRows, [total]]) {
      const hidden = hiddenOf(m, rowsOf.map((r) => r.figures[m.key] ?? zero), outside);
      rowsOf.forEach((r, i) => {
        if (hidden[i]) r.hidden.add(m.key);
      });
    }
  }
  const title = `${unit.name} ${year} 年心理健康教育督导指标`;
  const period = `统计期间：${year}-01-01 至 ${year === Number(today.slice(0, 4)) ? today : `${year}-12-31`}；区县与合计为所辖学校分子、分母之和（非各校比率的平均）`;
  const perSchool: SheetColumn<Row>[] = [
    { header: '区县', width: 12, value: (r) => r.district },
    { header: '学校', width: 28, value: (r) => r.school },
    { header: '学校类型', width: 14, value: (r) => r.kind },
    { header: '学生数', width: 10, value: (r) => r.students },
    ...metricColumns(metrics),
  ];
  const summary: SheetColumn<Row>[] = [
    { header: '区县', width: 14, value: (r) => r.district },
    { header: '学校数', width: 8, value: (r) => r.schools },
    { header: '学生数', width: 10, value: (r) => r.students },
    ...metricColumns(metrics),
  ];
  // written by the light writer (xlsx-light.ts): the sheet XML as strings, zipped at fast compression
  return lightWorkbook([
    sheet({ name: '学校明细', preamble: [`${title}（学校明细）`, period], columns: perSchool, items: schoolRows }),
    sheet({ name: '区县汇总', preamble: [`${title}（区县汇总）`, period], columns: summary, items: [...summaryRows, total] }),
  ]);
}
