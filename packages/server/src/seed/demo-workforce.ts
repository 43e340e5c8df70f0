/**
 * Demo workforce data: certificates and training of the demo district's (江城区, D01) counselors and
 * head teachers. Called inside seedDemo's transaction after the accounts and the counseling demo exist.
 *
 * - each counselor of the district: a 心理健康教育教师资格证书, mostly C, some B and A; every
 *   fourth one's certificate has expired (so it no longer counts); the demo `counselor` holds a valid B
 *   and an expired C;
 * - every third head teacher of the district: a 特殊能力考核 certificate (家庭教育指导 / 团体辅导 / 心理辅导技能);
 * - trainings (轮训) this year: a city-level one for all the district's counselors, a county-level one
 *   for them and the demo school's head teachers, a school-level one at the demo school;
 * - full demo only: 江城区育才小学 (S0204) has no counselor (its counselor's post is taken
 *   away), so the overview shows a school with none;
 * - a county-level 名师工作室 led by the demo counselor with the district's counselors as members.
 * The demo city has no school of 1,000 students or more (the largest have about 600), so the 1:1000
 * full-time ratio never bites in the demo; the tests cover it.
 *
 * `full` is the full demo city (npm start); tests seed a trimmed city: the same few set-based
 * statements (one insert per kind), no loops.
 */
import { addDaysIso } from '@xinyu/core';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/client.js';
import { cstToday } from '../modules/screening/campaigns.js';

export async function seedDemoWorkforce(tx: Db, opts: { now: Date; full: boolean }): Promise<Record<string, number>> {
  const { now, full } = opts;
  const district = (await rows<{ id: number; path: string; region_id: number }>(tx, sql`select id, path, region_id from org_units where code = 'D01' and kind = 'district'`))[0];
  const demoCounselor = (await rows<{ staff_id: string | null }>(tx, sql`select staff_id from accounts where username = 'counselor'`))[0]?.staff_id ?? null;
  if (!district) return {};
  const today = cstToday(now);
  const under = `${district.path}%`;
  const by = '江城区教育局';

  if (full) {
    await tx.execute(sql`update staff_posts set post = 'subject_teacher' where post in ('counselor_full', 'counselor_part')
      and staff_id in (select s.id from staff s join org_units u on u.id = s.school_id where u.code = 'S0204')`);
  }

  // counselors: one certificate each (row number n decides the level and whether it has expired)
  const certs = await rows<{ n: number }>(tx, sql`
    with c as (
      select s.id, s.school_id, s.org_path, row_number() over (order by s.school_id, s.name) as n
      from staff s where s.org_path like ${under} and s.active and s.id is distinct from ${demoCounselor}::uuid
        and exists (select 1 from staff_posts p where p.staff_id = s.id and p.post in ('counselor_full', 'counselor_part'))
    ), ins as (
      insert into workforce_certificates (region_id, staff_id, school_id, org_path, kind, level, number, issuer, issued_on, expires_on, evidence, client_id, created_by_name, created_at)
      select ${district.region_id}, c.id, c.school_id, c.org_path, 'mh_teacher', case when c.n % 4 = 2 then 'A' when c.n % 3 = 0 then 'B' else 'C' end,
        'XLJS-' || to_char(c.n, 'FM0000'), '云南省教育厅', (${today}::date - (800 + c.n * 37)::int),
        case when c.n % 4 = 1 then (${today}::date - (20 + c.n)::int) else (${today}::date + (900 - c.n * 11)::int) end,
        '证书复印件已存档', gen_random_uuid(), ${by}, ${now}
      from c returning 1
    ) select count(*)::int as n from ins`);

  // the demo counselor: a valid B and an older, expired C
  if (demoCounselor) {
    await tx.execute(sql`insert into workforce_certificates (region_id, staff_id, school_id, org_path, kind, level, number, issuer, issued_on, expires_on, evidence, client_id, created_by_name, created_at)
      select s.region_id, s.id, s.school_id, s.org_path, v.kind, v.level, v.number, '云南省教育厅', v.issued::date, v.expires::date, '', gen_random_uuid(), ${by}, ${now}
      from staff s, (values ('mh_teacher', 'C', 'XLJS-C-0201', ${addDaysIso(today, -2200)}, ${addDaysIso(today, -400)}), ('mh_teacher', 'B', 'XLJS-B-0201', ${addDaysIso(today, -380)}, ${addDaysIso(today, 1400)})) as v(kind, level, number, issued, expires)
      where s.id = ${demoCounselor}::uuid`);
  }

  // every third head teacher of the district: a special-ability certificate (no expiry)
  const heads = await rows<{ n: number }>(tx, sql`
    with h as (
      select s.id, s.school_id, s.org_path, row_number() over (order by s.school_id, s.name) as n
      from staff s where s.org_path like ${under} and s.active
        and exists (select 1 from staff_posts p where p.staff_id = s.id and p.post = 'head_teacher')
    ), ins as (
      insert into workforce_certificates (region_id, staff_id, school_id, org_path, kind, number, issuer, issued_on, client_id, created_by_name, created_at)
      select ${district.region_id}, h.id, h.school_id, h.org_path, (array['family_guidance', 'group_counseling', 'counseling_skills'])[1 + (h.n / 3) % 3],
        'TSNL-' || to_char(h.n, 'FM0000'), '临江市教育局', (${today}::date - (100 + h.n * 5)::int), gen_random_uuid(), ${by}, ${now}
      from h where h.n % 3 = 0 returning 1
    ) select count(*)::int as n from ins`);

  // trainings this year (dates before today), with their attendees
  const year = today.slice(0, 4);
  const dateIn = (days: number) => {
    const d = addDaysIso(today, -days);
    return d.startsWith(year) ? d : `${year}-01-0${Math.min(9, 1 + (days % 8))}`;
  };
  const trainings = await rows<{ id: string; key: string }>(tx, sql`
    insert into workforce_trainings (region_id, title, date, level, hours, provider, client_id, created_by_name, created_at)
    values
      (${district.region_id}, '全市中小学心理健康教育教师全员轮训', ${dateIn(120)}, 'city', 24, '临江市教育局', gen_random_uuid(), ${by}, ${now}),
      (${district.region_id}, '江城区班主任心理健康教育能力提升培训', ${dateIn(45)}, 'county', 8, '江城区教育局', gen_random_uuid(), ${by}, ${now}),
      (${district.region_id}, '校本研修：学生心理危机识别与转介', ${dateIn(12)}, 'school', 3, '江城区实验中学', gen_random_uuid(), ${by}, ${now})
    returning id, level as key`);
  const tid = (level: string) => trainings.find((t) => t.key === level)!.id;
  const attendees = await rows<{ n: number }>(tx, sql`
    with a as (
      select ${tid('city')}::uuid as training_id, s.id, s.school_id, s.org_path from staff s
        where s.org_path like ${under} and s.active and exists (select 1 from staff_posts p where p.staff_id = s.id and p.post in ('counselor_full', 'counselor_part'))
      union all
      select ${tid('county')}::uuid, s.id, s.school_id, s.org_path from staff s join org_units u on u.id = s.school_id
        where s.org_path like ${under} and s.active and exists (select 1 from staff_posts p where p.staff_id = s.id
          and (p.post in ('counselor_full', 'counselor_part') or (p.post = 'head_teacher' and u.code = 'S0201')))
      union all
      select ${tid('school')}::uuid, s.id, s.school_id, s.org_path from staff s join org_units u on u.id = s.school_id
        where u.code = 'S0201' and s.active and exists (select 1 from staff_posts p where p.staff_id = s.id and p.post in ('counselor_full', 'counselor_part', 'head_teacher'))
    ), ins as (
      insert into workforce_training_attendees (training_id, staff_id, region_id, school_id, org_path)
      select training_id, id, ${district.region_id}, school_id, org_path from a returning 1
    ) select count(*)::int as n from ins`);

  // a county-level master-teacher studio (名师工作室) led by the demo counselor, with the district's other counselors
  let studios = 0;
  if (demoCounselor) {
    const [studio] = await rows<{ id: string }>(tx, sql`insert into workforce_studios (region_id, name, level, leader_staff_id, founded_year, note, client_id, created_by_name, created_at)
      values (${district.region_id}, '江城区中小学心理健康教育名师工作室', 'county', ${demoCounselor}::uuid, ${Number(year) - 2}, '区级名师工作室，开展心理健康教育教研与青年教师带教', gen_random_uuid(), ${by}, ${now}) returning id`);
    await tx.execute(sql`insert into workforce_studio_members (studio_id, staff_id, role, region_id, school_id, org_path)
      select ${studio!.id}::uuid, s.id, case when s.id = ${demoCounselor}::uuid then 'leader' else 'member' end, ${district.region_id}, s.school_id, s.org_path from staff s
      where s.org_path like ${under} and s.active and exists (select 1 from staff_posts p where p.staff_id = s.id and p.post in ('counselor_full', 'counselor_part'))`);
    studios = 1;
  }

  return { studios, certificates: (certs[0]?.n ?? 0) + (heads[0]?.n ?? 0) + (demoCounselor ? 2 : 0), trainings: trainings.length, trainingAttendees: attendees[0]?.n ?? 0 };
}
