/**
 * The dashboard's figures as the workbook bureaus report in (.xlsx): one row per school (区县, 学校,
 * 学校类型, 学生数, then each registered metric's value with its numerator and denominator) and a
 * district summary sheet (sums of the schools, never averages), the year in the title row. A metric
 * counting students shows "<5" where it counts 1–4 of them, for readers outside the school. Audited.
 */
import type { contracts } from '@xinyu/core';
import type { z } from 'zod';
import type { Caller, Deps } from '../../http/context.js';
import { appendAudit } from '../audit/service.js';
import { auditActor } from '../org/service.js';
import { cstToday } from '../screening/campaigns.js';
import { figuresFor, schoolsFor } from './dashboard-cache.js';
import { dashboardUnit, readerOutside } from './dashboard.js';
import { districtNamesOf, exportRowsOf, snapshotBuiltAt, snapshotSchools, snapshotWorkbook, workbookKeyOf } from './dashboard-snapshot.js';
import { exportWorkbook } from './export-workbook.js';
import type { MetricDefinition } from './metric-types.js';
import { ALL_METRICS } from './metric-registry.js';

export interface DashboardWorkbook {
  fileName: string;
  buffer: Buffer;
  schools: number;
}

/**
 * The workbooks written from the stored rows when the stored workbook does not fit (a new day since
 * the job wrote it, a renamed unit), per unit, year, metrics, day and the rows' build time: a city's
 * export takes most of a second to write, and it is the same file for every reader outside the
 * schools until the job rebuilds the rows. A few units a region; each entry is replaced when its rows
 * are rebuilt.
 */
const written = new Map<string, { builtAt: number; today: string; buffer: Buffer; schools: number }>();
const WRITTEN_MAX = 64;

export async function dashboardWorkbook(deps: Deps, caller: Caller, q: z.infer<typeof contracts.DashboardQuery>, metrics: readonly MetricDefinition[] = ALL_METRICS): Promise<DashboardWorkbook> {
  const unit = await dashboardUnit(deps, caller, q.unitId);
  const year = q.year ?? Number(cstToday(deps.clock()).slice(0, 4));
  const outside = readerOutside(caller, unit);
  const today = cstToday(deps.clock());
  let out: { buffer: Buffer; schools: number } | null = null;
  if (unit.kind !== 'school' && outside) {
    // a city or a district read from outside its schools: the workbook the job wrote with its rows (one read by key; the same
    // bureau form, small figures hidden), as long as it was written for today and the unit's current name
    out = await snapshotWorkbook(deps, caller.regionId, year, unit.id, metrics, workbookKeyOf(today, unit.name));
  }
  if (!out && unit.kind !== 'school' && outside) {
    // not written for today (the day turned since the rows were built, or the unit was renamed): from the stored rows, once per build of them
    const key = `${caller.regionId}:${year}:${unit.id}:${unit.name}:${metrics.map((m) => m.key).join(',')}`;
    const builtAt = await snapshotBuiltAt(deps, caller.regionId, year, unit.id, metrics);
    const hit = written.get(key);
    if (builtAt && hit && hit.builtAt === builtAt.getTime() && hit.today === today) out = hit;
    else if (builtAt) {
      const stored = await snapshotSchools(deps, caller.regionId, year, unit.id, metrics);
      if (stored) {
        out = { buffer: exportWorkbook(unit, year, stored.list, metrics, true, today), schools: stored.list.length };
        if (written.size >= WRITTEN_MAX) written.delete(written.keys().next().value!);
        written.set(key, { builtAt: stored.builtAt.getTime(), today, ...out });
      }
    }
  }
  if (!out) {
    const { schools } = await schoolsFor(deps, caller.regionId, unit.path);
    const [{ figures }, names] = await Promise.all([figuresFor(deps, caller.regionId, year, schools, metrics), districtNamesOf(deps, caller.regionId)]);
    const list = exportRowsOf(schools, figures, metrics, (id) => names.get(id ?? 0) ?? '');
    out = { buffer: exportWorkbook(unit, year, list, metrics, outside, today), schools: list.length };
  }
  await appendAudit(deps.db, { ...auditActor(caller), action: 'supervision.dashboard.export', objectType: 'org_unit', objectId: String(unit.id), orgPath: unit.path, detail: { year, schools: out.schools, metrics: metrics.length } }, deps.clock());
  return { fileName: `${unit.name}_${year}年督导指标.xlsx`, buffer: out.buffer, schools: out.schools };
}

/** Forgets the written workbooks (the bench times a first export after a rebuild). */
export function forgetWrittenWorkbooks(): void {
  written.clear();
}
