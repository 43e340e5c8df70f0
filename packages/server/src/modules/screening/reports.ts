/**
 * Class, school, district and city reports of a campaign: participation, warning levels by unit,
 * grade, gender, school kind, boarding and left-behind status, and the change since the previous
 * campaign. Outside a school, every count of 1–4 students is suppressed (core `suppressRow`).
 * A student's level is the highest of their responses, or the re-check's final level; a student
 * with an invalid response is counted apart (on the re-test list), never in the distribution.
 */
import { suppress, suppressRow, SCHOOL_KIND_LABEL, type contracts, type WarningLevel } from '@xinyu/core';
import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows, type Db } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { auditActor } from '../org/service.js';
import { sheet, xlsxWorkbook } from '../../lib/xlsx-export.js';
import { orgUnits } from '../org/tables.js';
import { campaignFor } from './campaigns.js';
import { targetStudents, unitFor } from './results.js';
import { campaigns } from './tables.js';

type Report = z.infer<typeof contracts.Report>;
type Breakdown = z.infer<typeof contracts.ReportBreakdown>;
type CampaignRow = typeof campaigns.$inferSelect;
type UnitRow = typeof orgUnits.$inferSelect;
const LEVELS: WarningLevel[] = ['none', 'yellow', 'orange', 'red'];

interface Grouped {
  dim: string;
  key: string | null;
  lvl: number | null;
  n: number;
  [k: string]: unknown;
}

/** Counts by (dimension, key, level) in one scan, with GROUPING SETS. */
async function grouped(db: Db, c: CampaignRow, unit: UnitRow): Promise<{ groups: Grouped[]; students: number; completed: number; invalid: number }> {
  const depth = unit.path.split('/').filter(Boolean).length;
  const list = await rows<Grouped & { students: number; completed: number; invalid: number }>(db, sql`
    with t as (${targetStudents(c, unit)}),
    per as materialized (
      select r.student_id, bool_or(not r.valid) as invalid,
        max(case r.warning_level when 'red' then 3 when 'orange' then 2 when 'yellow' then 1 else 0 end) filter (where r.valid) as lvl
      from screening_responses r join students s2 on s2.id = r.student_id and s2.org_path like ${`${unit.path}%`}
      where r.campaign_id = ${c.id} and r.status = 'submitted' group by r.student_id
    ),
    d as (
      select substring(t.path from ${`^(/(?:\\d+/){${depth + 1}})`}) as child, t.gl::text as grade, t.gender, coalesce(sch.school_kind, '') as school_kind,
        (case when t.boarding then 'yes' else 'no' end) as boarding,
        (case when exists (select 1 from student_circumstances x where x.student_id = t.id and x.code = 'left_behind') then 'yes' else 'no' end) as left_behind,
        t.completed, coalesce(per.invalid, false) and t.completed as invalid,
        (case when t.completed and not coalesce(per.invalid, false) then coalesce(case f.final_level when 'red' then 3 when 'orange' then 2 when 'yellow' then 1 when 'none' then 0 end, per.lvl) end) as lvl
      from t left join per on per.student_id = t.id
      left join org_units sch on sch.id = t.school_id
      left join screening_follow_ups f on f.campaign_id = ${c.id} and f.student_id = t.id and f.decided_at is not null
    )
    select (case when grouping(child) = 0 then 'unit' when grouping(grade) = 0 then 'grade' when grouping(gender) = 0 then 'gender'
              when grouping(school_kind) = 0 then 'schoolKind' when grouping(boarding) = 0 then 'boarding' when grouping(left_behind) = 0 then 'leftBehind' else 'all' end) as dim,
      coalesce(child, grade, gender, school_kind, boarding, left_behind) as key, lvl, count(*)::int as n
    from d where lvl is not null
    group by grouping sets ((child, lvl), (grade, lvl), (gender, lvl), (school_kind, lvl), (boarding, lvl), (left_behind, lvl), (lvl))`);
  const totals = await rows<{ students: number; completed: number; invalid: number }>(db, sql`
    with t as (${targetStudents(c, unit)}),
    inv as materialized (select r.student_id from screening_responses r join students s2 on s2.id = r.student_id and s2.org_path like ${`${unit.path}%`}
      where r.campaign_id = ${c.id} and r.status = 'submitted' group by r.student_id having bool_or(not r.valid))
    select count(*)::int as students, count(*) filter (where completed)::int as completed, count(*) filter (where completed and id in (select student_id from inv))::int as invalid from t`);
  return { groups: list, ...totals[0]! };
}

function levelsOf(groups: Grouped[], dim: string, key: string | null): Record<WarningLevel, number> {
  const out = { none: 0, yellow: 0, orange: 0, red: 0 } as Record<WarningLevel, number>;
  for (const g of groups) if (g.dim === dim && g.key === key && g.lvl != null) out[LEVELS[g.lvl]!] += g.n;
  return out;
}

function breakdown(groups: Grouped[], dim: string, label: (key: string) => string, inside: boolean, order?: string[]): Breakdown[] {
  const keys = [...new Set(groups.filter((g) => g.dim === dim && g.key != null).map((g) => g.key!))];
  if (order) keys.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  else keys.sort((a, b) => a.localeCompare(b, 'zh-CN', { numeric: true }));
  return keys.map((key) => {
    const counts = levelsOf(groups, dim, key);
    const total = LEVELS.reduce((t, l) => t + counts[l], 0);
    return { key, label: label(key), total: suppress(total, inside), levels: suppressRow(counts, inside) };
  });
}

/** Whether the caller reads this unit from inside its school (the school's own staff). */
async function readsFromInside(db: Db, caller: Caller, unit: UnitRow): Promise<boolean> {
  if (unit.kind === 'city' || unit.kind === 'district') return false;
  const school = (await rows<{ path: string }>(db, sql`select path from org_units where kind = 'school' and ${unit.path} like path || '%' limit 1`))[0];
  if (!school) return false;
  return scopeOf(caller, 'screening.report').orgPaths.some((p) => p.startsWith(school.path) && unit.path.startsWith(p));
}

export async function campaignReport(deps: Deps, caller: Caller, id: string, unitId: number | undefined): Promise<Report> {
  const { db } = deps;
  const c = await campaignFor(db, caller, id, 'screening.report');
  const unit = await unitFor(db, caller, c, unitId, 'screening.report');
  const inside = await readsFromInside(db, caller, unit);
  const g = await grouped(db, c, unit);
  const childPaths = [...new Set(g.groups.filter((x) => x.dim === 'unit' && x.key).map((x) => x.key!))];
  const children = childPaths.length ? await db.select().from(orgUnits).where(sql`${orgUnits.path} = any(${sql.param(childPaths)}::text[])`) : [];
  const childName = new Map(children.map((u) => [u.path, u.name]));
  const grade = (k: string) => `${k} 年级`;
  const gender = (k: string) => (k === 'male' ? '男' : k === 'female' ? '女' : k);
  const yesNo = (yes: string, no: string) => (k: string) => (k === 'yes' ? yes : no);

  // the previous campaign that reached this unit, for the change since then
  const prev = (
    await db.select().from(campaigns).where(sql`region_id = ${caller.regionId} and id <> ${c.id} and status <> 'draft' and window_end < ${c.windowStart}
      and exists (select 1 from unnest(target_paths) t where ${unit.path} like t || '%' or t like ${unit.path} || '%') `).orderBy(sql`window_end desc`).limit(1)
  )[0];
  let previous: Report['previous'] = null;
  if (prev) {
    const pg = await grouped(db, prev, unit);
    previous = { campaignId: prev.id, title: prev.title, completed: pg.completed, levels: suppressRow(levelsOf(pg.groups, 'all', null), inside) };
  }
  await appendAudit(db, { ...auditActor(caller), action: 'screening.report.read', objectType: 'campaign', objectId: c.id, orgPath: unit.path, detail: { unitId: unit.id, suppressed: !inside } }, deps.clock());
  return {
    campaign: { id: c.id, title: c.title, window: { start: c.windowStart, end: c.windowEnd } },
    unit: { id: unit.id, name: unit.name, kind: unit.kind },
    suppressed: !inside,
    participation: { students: g.students, completed: g.completed, invalid: g.invalid },
    levels: suppressRow(levelsOf(g.groups, 'all', null), inside),
    byUnit: breakdown(g.groups, 'unit', (k) => childName.get(k) ?? k, inside),
    byGrade: breakdown(g.groups, 'grade', grade, inside),
    byGender: breakdown(g.groups, 'gender', gender, inside, ['male', 'female']),
    bySchoolKind: breakdown(g.groups, 'schoolKind', (k) => SCHOOL_KIND_LABEL[k as keyof typeof SCHOOL_KIND_LABEL] ?? '未设置', inside),
    byBoarding: breakdown(g.groups, 'boarding', yesNo('住校', '走读'), inside, ['yes', 'no']),
    byLeftBehind: breakdown(g.groups, 'leftBehind', yesNo('留守', '非留守'), inside, ['yes', 'no']),
    previous,
  };
}

const LEVEL_HEADERS: { level: WarningLevel; header: string }[] = [
  { level: 'none', header: '无预警' },
  { level: 'yellow', header: '黄色（轻度）' },
  { level: 'orange', header: '橙色（中度）' },
  { level: 'red', header: '红色（重度）' },
];
const cell = (n: number | null) => (n === null ? '*' : n);

/** The report as a workbook: a summary sheet and one sheet per breakdown, suppressed cells shown as "*". */
export async function reportWorkbook(report: Report): Promise<Buffer> {
  const title = `${report.campaign.title} · ${report.unit.name}`;
  const notes = [
    title,
    `测评时间：${report.campaign.window.start} 至 ${report.campaign.window.end}；筛查结果，非诊断。`,
    ...(report.suppressed ? ['为保护学生隐私，人数少于 5 的格子及可据此推算的格子显示为“*”。'] : []),
  ];
  const columns = [
    { header: '分组', width: 20, value: (b: Breakdown) => b.label },
    { header: '完成人数', width: 10, value: (b: Breakdown) => cell(b.total) },
    ...LEVEL_HEADERS.map((l) => ({ header: l.header, width: 14, value: (b: Breakdown) => cell(b.levels[l.level]) })),
  ];
  const p = report.participation;
  const summary: { label: string; value: string | number }[] = [
    { label: '应测人数', value: p.students },
    { label: '完成人数', value: p.completed },
    { label: '完成率', value: p.students ? `${((100 * p.completed) / p.students).toFixed(1)}%` : '—' },
    { label: '无效答卷（待重测）', value: p.invalid },
    ...LEVEL_HEADERS.map((l) => ({ label: l.header, value: cell(report.levels[l.level]) })),
    ...(report.previous
      ? [{ label: '上次测评', value: report.previous.title }, { label: '上次完成人数', value: report.previous.completed }, ...LEVEL_HEADERS.map((l) => ({ label: `上次${l.header}`, value: cell(report.previous!.levels[l.level]) }))]
      : []),
  ];
  return xlsxWorkbook([
    sheet({ name: '概况', preamble: notes, columns: [{ header: '项目', width: 22, value: (r: (typeof summary)[number]) => r.label }, { header: '数值', width: 30, value: (r: (typeof summary)[number]) => r.value }], items: summary }),
    sheet({ name: '按单位', preamble: notes, columns, items: report.byUnit }),
    sheet({ name: '按年级', preamble: notes, columns, items: report.byGrade }),
    sheet({ name: '按性别', preamble: notes, columns, items: report.byGender }),
    sheet({ name: '按学校类型', preamble: notes, columns, items: report.bySchoolKind }),
    sheet({ name: '按住校', preamble: notes, columns, items: report.byBoarding }),
    sheet({ name: '按留守', preamble: notes, columns, items: report.byLeftBehind }),
  ]);
}
