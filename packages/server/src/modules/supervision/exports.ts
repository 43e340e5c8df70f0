/**
 * The dashboard's figures as the workbook bureaus report in (.xlsx): one row per school (区县, 学校,
 * 学校类型, 学生数, then each registered metric's value with its numerator and denominator) and a
 * district summary sheet (sums of the schools, never averages), the year in the title row. A metric
 * counting students shows "<5" where it counts 1–4 of them, for readers outside the school. Audited.
 */
import { metricValue, SCHOOL_KIND_LABEL, type contracts, type SchoolKind } from '@xinyu/core';
import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { PassThrough } from 'node:stream';
import ExcelJS from '../../lib/exceljs.js';
import { sheet, type SheetCells, type SheetColumn } from '../../lib/xlsx-export.js';
import { appendAudit } from '../audit/service.js';
import { auditActor } from '../org/service.js';
import { cstToday } from '../screening/campaigns.js';
import { figuresFor, schoolsFor } from './dashboard-cache.js';
import { dashboardUnit, hiddenOf, MUNICIPAL_GROUP, readerOutside } from './dashboard.js';
import type { MetricDefinition } from './metric-types.js';
import { ALL_METRICS } from './metric-registry.js';

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
 * The sheets written with ExcelJS's streaming writer (each row serialised as it is added, inline
 * strings, fast compression): a city's 2,000 schools × 76 columns take a fraction of the time the
 * in-memory workbook (lib/xlsx-export.ts xlsxWorkbook) spends building its cell model.
 */
async function streamedWorkbook(sheets: SheetCells[]): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true, zip: { zlib: { level: 1 } } } as ConstructorParameters<typeof ExcelJS.stream.xlsx.WorkbookWriter>[0]);
  for (const spec of sheets) {
    const ws = workbook.addWorksheet(spec.name, { views: [{ state: 'frozen', ySplit: spec.preamble.length + 1 }] });
    ws.columns = spec.columns.map((c) => ({ width: c.width }));
    for (const line of spec.preamble) ws.addRow([line]).commit();
    const header = ws.addRow(spec.columns.map((c) => c.header));
    header.font = { bold: true };
    header.commit();
    for (const r of spec.rows) ws.addRow(r).commit();
    ws.commit();
  }
  await workbook.commit();
  await ended;
  return Buffer.concat(chunks);
}

export interface DashboardWorkbook {
  fileName: string;
  buffer: Buffer;
  schools: number;
}

export async function dashboardWorkbook(deps: Deps, caller: Caller, q: z.infer<typeof contracts.DashboardQuery>, metrics: readonly MetricDefinition[] = ALL_METRICS): Promise<DashboardWorkbook> {
  const unit = await dashboardUnit(deps, caller, q.unitId);
  const year = q.year ?? Number(cstToday(deps.clock()).slice(0, 4));
  const { schools } = await schoolsFor(deps, caller.regionId, unit.path);
  const [{ figures }, districts] = await Promise.all([
    figuresFor(deps, caller.regionId, year, schools, metrics),
    rows<{ id: number; name: string }>(deps.db, sql`select id, name from org_units where region_id = ${caller.regionId} and kind = 'district' and id = any(${sql.param([...new Set(schools.map((s) => s.districtId ?? 0))])}::int[])`),
  ]);
  const districtName = new Map(districts.map((d) => [d.id, d.name]));
  const nameOf = (id: number | null) => (id === null ? MUNICIPAL_GROUP : (districtName.get(id) ?? ''));
  const bySchool = new Map<number, Row['figures']>();
  for (const m of metrics) for (const f of figures.get(m.key) ?? []) bySchool.set(f.schoolId, { ...bySchool.get(f.schoolId), [m.key]: { numerator: f.numerator, denominator: f.denominator } });
  const schoolRows: Row[] = schools.map((s) => ({
    district: nameOf(s.districtId),
    school: s.name,
    kind: s.schoolKind ? (SCHOOL_KIND_LABEL[s.schoolKind as SchoolKind] ?? s.schoolKind) : '',
    schools: 1,
    students: s.students,
    figures: bySchool.get(s.id) ?? {},
    hidden: new Set<string>(),
  }));
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
  const outside = readerOutside(caller, unit);
  const summaryRows = [...groups.values()];
  for (const m of metrics) {
    const zero = { numerator: 0, denominator: 0 };
    for (const list of [schoolRows, summaryRows, [total]]) {
      const hidden = hiddenOf(m, list.map((r) => r.figures[m.key] ?? zero), outside);
      list.forEach((r, i) => {
        if (hidden[i]) r.hidden.add(m.key);
      });
    }
  }
  const title = `${unit.name} ${year} 年心理健康教育督导指标`;
  const period = `统计期间：${year}-01-01 至 ${year === Number(cstToday(deps.clock()).slice(0, 4)) ? cstToday(deps.clock()) : `${year}-12-31`}；区县与合计为所辖学校分子、分母之和（非各校比率的平均）`;
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
  const buffer = await streamedWorkbook([
    sheet({ name: '学校明细', preamble: [`${title}（学校明细）`, period], columns: perSchool, items: schoolRows }),
    sheet({ name: '区县汇总', preamble: [`${title}（区县汇总）`, period], columns: summary, items: [...summaryRows, total] }),
  ]);
  await appendAudit(deps.db, { ...auditActor(caller), action: 'supervision.dashboard.export', objectType: 'org_unit', objectId: String(unit.id), orgPath: unit.path, detail: { year, schools: schools.length, metrics: metrics.length } }, deps.clock());
  return { fileName: `${unit.name}_${year}年督导指标.xlsx`, buffer, schools: schools.length };
}
