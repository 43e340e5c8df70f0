/**
 * The demo city's screening at the start of the school year (开学心理普查), already closed: most
 * students answered age-appropriate instruments, warnings were raised, every flagged student was
 * re-checked and each district signed off its schools. Reports, the change since the previous
 * campaign and student histories then have something to show. Answers are generated from a
 * seeded random number generator and scored by the real engine; nothing here is real.
 */
import { randomUUID } from 'node:crypto';
import { BUILTIN_INSTRUMENTS, needsGuardianConsent, rank, scoreResponse, screeningAlert, type AlertLevel, type GradeBandPlan, type InstrumentDefinition } from '@xinyu/core';
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/client.js';
import { newClassCode } from '../modules/screening/campaigns.js';

const PLAN: GradeBandPlan[] = [
  { gradeLevels: [4, 5, 6], instruments: [{ key: 'ces-dc', version: '1.0.0' }] },
  { gradeLevels: [7, 8, 9, 10, 11, 12], instruments: [{ key: 'phq-9', version: '1.0.0' }, { key: 'gad-7', version: '1.0.0' }] },
];

/** A student's generated answers: most feel fine, some less so, a few are struggling. */
function answersFor(def: InstrumentDefinition, r: () => number, distress: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of def.items) {
    if (item.enableWhen) continue; // follow-up questions (e.g. PHQ-9 item 10) are filled below
    const scored = item.options.filter((o) => o.score !== undefined);
    if (!scored.length) continue;
    const positive = item.id === 'cesdc_4' || item.id === 'cesdc_8' || item.id === 'cesdc_12' || item.id === 'cesdc_16';
    const level = positive ? 3 - distress : distress;
    // item 9 of PHQ-9 (self-harm) is rarer than the others
    const bias = item.id === 'phq9_9' ? -2.2 : 0;
    const v = Math.max(0, Math.min(scored.length - 1, Math.round(level + bias + (r() - 0.5) * 1.6)));
    out[item.id] = scored[v]!.value;
  }
  if (def.id === 'phq-9' && Object.values(out).some((v) => v !== '0')) out.phq9_10 = distress > 1.5 ? 'very' : 'somewhat';
  return out;
}

export async function seedScreeningHistory(tx: Db, opts: { regionId: number; cityId: number; cityPath: string; schoolYear: number; r: () => number; now: Date }): Promise<{ responses: number }> {
  const { regionId, r } = opts;
  const start = `${opts.schoolYear}-09-07`;
  const end = `${opts.schoolYear}-09-25`;
  const closedAt = new Date(`${opts.schoolYear}-09-30T10:00:00+08:00`);
  const campaignId = randomUUID();
  await tx.execute(sql`insert into campaigns (id, region_id, owner_unit_id, owner_path, title, purpose, status, version, plan, target_unit_ids, target_paths, window_start, window_end, reminder_days, consent_for_all, created_at, published_at, closed_at, updated_at)
    values (${campaignId}, ${regionId}, ${opts.cityId}, ${opts.cityPath}, ${`${opts.schoolYear} 年秋季开学心理健康普查`},
      ${'了解全市四年级以上学生开学时的心理健康状况，及早发现需要关心和帮助的同学。测评结果只用于学校心理健康教育和关爱工作，严格保密。'},
      'closed', 1, ${JSON.stringify(PLAN)}::jsonb, ${sql.param([opts.cityId])}::int[], ${sql.param([opts.cityPath])}::text[], ${start}, ${end}, ${sql.param([3, 1])}::int[], false,
      ${new Date(`${opts.schoolYear}-09-01T09:00:00+08:00`)}, ${new Date(`${opts.schoolYear}-09-05T09:00:00+08:00`)}, ${closedAt}, ${closedAt})`);

  const students = await rows<{ id: string; class_id: number; school_id: number; gender: 'male' | 'female'; birth_date: string; gl: number; path: string }>(tx, sql`
    select s.id, s.class_id, s.school_id, s.gender, s.birth_date::text as birth_date, g.grade_level::int as gl, s.org_path as path
    from students s join org_units c on c.id = s.class_id join org_units g on g.id = c.parent_id
    where s.region_id = ${regionId} and s.status = 'active' and g.grade_level >= 4 order by s.student_no`);
  const classes = [...new Map(students.map((s) => [s.class_id, s.school_id])).entries()];
  for (let i = 0; i < classes.length; i += 2000) {
    const part = classes.slice(i, i + 2000);
    await tx.execute(sql`insert into campaign_releases (campaign_id, class_id, school_id, class_code, released_by_name, released_at)
      select ${campaignId}, u.c, u.s, u.code, '学校管理员', ${new Date(`${opts.schoolYear}-09-06T09:00:00+08:00`)}
      from unnest(${sql.param(part.map((c) => c[0]))}::int[], ${sql.param(part.map((c) => c[1]))}::int[], ${sql.param(part.map(() => newClassCode()))}::text[]) as u(c, s, code)`);
  }

  const responses: unknown[][] = [];
  const consents: string[] = [];
  const alerts: { id: string; studentId: string; schoolId: number; responseId: string; level: string; critical: boolean; evidence: unknown }[] = [];
  const followUps = new Map<string, { studentId: string; schoolId: number; level: AlertLevel; critical: boolean }>();
  for (const s of students) {
    if (needsGuardianConsent(s.birth_date, start, false)) {
      if (r() < 0.02) continue; // a guardian declined
      consents.push(s.id);
    }
    if (r() < 0.05) continue; // absent during the window
    const u = r();
    const distress = u < 0.7 ? 0.2 + r() * 0.4 : u < 0.9 ? 0.7 + r() * 0.5 : u < 0.97 ? 1.3 + r() * 0.6 : 2 + r() * 0.8;
    const refs = PLAN.find((b) => b.gradeLevels.includes(s.gl))!.instruments;
    for (const ref of refs) {
      const def = BUILTIN_INSTRUMENTS[ref.key]!;
      const answers = answersFor(def, r, distress);
      const startedAt = new Date(Date.parse(`${start}T08:00:00+08:00`) + Math.floor(r() * 12) * 86400000 + Math.floor(r() * 8 * 3600) * 1000);
      // about 1 in 100 hurries through: an invalid response for the re-test list
      const seconds = r() < 0.01 ? 8 + Math.floor(r() * 8) : 60 + Math.floor(r() * 400);
      const submittedAt = new Date(startedAt.getTime() + seconds * 1000);
      const score = scoreResponse(def, { answers, startedAt, submittedAt, respondent: { gradeLevel: s.gl, gender: s.gender } });
      const id = randomUUID();
      responses.push([id, s.id, ref.key, ref.version, JSON.stringify(answers), s.school_id, s.class_id, s.gl, s.gender, startedAt.toISOString(), submittedAt.toISOString(), seconds, JSON.stringify(score), score.warningLevel, score.validity.valid]);
      const alert = screeningAlert(score);
      if (alert) {
        alerts.push({ id: randomUUID(), studentId: s.id, schoolId: s.school_id, responseId: id, level: alert.level, critical: alert.critical, evidence: { campaignId, responseId: id, ...alert.evidence } });
        const f = followUps.get(s.id);
        if (!f || rank(alert.level) > rank(f.level)) followUps.set(s.id, { studentId: s.id, schoolId: s.school_id, level: alert.level, critical: alert.critical || (f?.critical ?? false) });
      }
    }
  }

  for (let i = 0; i < consents.length; i += 5000) {
    await tx.execute(sql`insert into screening_consents (campaign_id, student_id, region_id, decision, method, guardian_name, form_date, recorded_by_name, recorded_at)
      select ${campaignId}, u.id, ${regionId}, 'granted', 'paper_form', '监护人（纸质同意书）', ${`${opts.schoolYear}-09-04`}, '班主任', ${new Date(`${opts.schoolYear}-09-05T16:00:00+08:00`)}
      from unnest(${sql.param(consents.slice(i, i + 5000))}::uuid[]) as u(id)`);
  }
  // one JSON parameter per batch: far faster on the embedded database than fifteen array parameters
  for (let i = 0; i < responses.length; i += 4000) {
    const part = responses.slice(i, i + 4000).map((x) => ({ id: x[0], sid: x[1], k: x[2], v: x[3], a: JSON.parse(x[4] as string), sch: x[5], cls: x[6], gl: x[7], g: x[8], st: x[9], sub: x[10], dur: x[11], sc: JSON.parse(x[12] as string), wl: x[13], valid: x[14] }));
    await tx.execute(sql`insert into screening_responses (id, region_id, campaign_id, student_id, instrument_key, instrument_version, attempt, status, answers, client_id, school_id, class_id, grade_level, gender,
        started_at, submitted_at, duration_seconds, score, warning_level, valid, updated_at)
      select u.id, ${regionId}, ${campaignId}, u.sid, u.k, u.v, 1, 'submitted', u.a, gen_random_uuid(), u.sch, u.cls, u.gl, u.g, u.st, u.sub, u.dur, u.sc, u.wl, u.valid, u.sub
      from jsonb_to_recordset(${JSON.stringify(part)}::jsonb)
        as u(id uuid, sid uuid, k text, v text, a jsonb, sch int, cls int, gl int, g text, st timestamptz, sub timestamptz, dur int, sc jsonb, wl text, valid bool)`);
  }
  for (let i = 0; i < alerts.length; i += 4000) {
    const part = alerts.slice(i, i + 4000);
    const c = <K extends keyof (typeof alerts)[number]>(k: K) => sql.param(part.map((a) => (k === 'evidence' ? JSON.stringify(a[k]) : a[k])));
    await tx.execute(sql`insert into alerts (id, region_id, student_id, school_id, source, source_ref, level, critical, status, evidence, created_at, updated_at)
      select u.id, ${regionId}, u.sid, u.sch, 'screening', u.ref::text, u.lvl, case when u.crit then 1 else 0 end, 'closed', u.ev::jsonb, ${new Date(`${opts.schoolYear}-09-15T10:00:00+08:00`)}, ${closedAt}
      from unnest(${c('id')}::uuid[], ${c('studentId')}::uuid[], ${c('schoolId')}::int[], ${c('responseId')}::uuid[], ${c('level')}::text[], ${c('critical')}::bool[], ${c('evidence')}::text[]) as u(id, sid, sch, ref, lvl, crit, ev)`);
    // each closed alert's one signal: its screening response
    await tx.execute(sql`insert into alert_signals (alert_id, source, source_ref, level, critical, evidence, at)
      select u.id, 'screening', u.ref::text, u.lvl, u.crit, u.ev::jsonb, ${new Date(`${opts.schoolYear}-09-15T10:00:00+08:00`)}
      from unnest(${c('id')}::uuid[], ${c('responseId')}::uuid[], ${c('level')}::text[], ${c('critical')}::bool[], ${c('evidence')}::text[]) as u(id, ref, lvl, crit, ev)`);
  }
  // every flagged student was re-checked: most confirmed, some lowered, a few cleared
  const list = [...followUps.values()];
  const decisions = list.map((f) => {
    const u = r();
    if (f.critical || u < 0.6) return { decision: 'confirm', final: f.level };
    if (u < 0.9 && f.level !== 'yellow') return { decision: 'lower', final: f.level === 'red' ? 'orange' : 'yellow' };
    return { decision: 'clear', final: 'none' };
  });
  for (let i = 0; i < list.length; i += 4000) {
    const part = list.slice(i, i + 4000);
    const dec = decisions.slice(i, i + 4000);
    await tx.execute(sql`insert into screening_follow_ups (region_id, campaign_id, student_id, school_id, initial_level, observation, observed_by_name, observed_at, interview, interview_date, decision, final_level, reason, decided_by_name, decided_at, created_at)
      select ${regionId}, ${campaignId}, u.sid, u.sch, u.lvl, '班主任观察：近期情绪与学习状态已记录（演示数据）', '班主任', ${new Date(`${opts.schoolYear}-09-20T16:00:00+08:00`)},
        '心理教师个别访谈记录（演示数据）', ${`${opts.schoolYear}-09-24`}, u.dec, u.fin, '综合测评结果、班主任观察和访谈情况作出结论（演示数据）', '心理教师', ${new Date(`${opts.schoolYear}-09-24T17:00:00+08:00`)}, ${new Date(`${opts.schoolYear}-09-15T10:00:00+08:00`)}
      from unnest(${sql.param(part.map((f) => f.studentId))}::uuid[], ${sql.param(part.map((f) => f.schoolId))}::int[], ${sql.param(part.map((f) => f.level))}::text[], ${sql.param(dec.map((d) => d.decision))}::text[], ${sql.param(dec.map((d) => d.final))}::text[]) as u(sid, sch, lvl, dec, fin)`);
  }
  await tx.execute(sql`insert into screening_sign_offs (campaign_id, school_id, signed_by, signed_by_name, note, signed_at)
    select distinct ${campaignId}::uuid, school_id, ${randomUUID()}::uuid, '区县教育局', '复检规范，同意', ${closedAt}::timestamptz from campaign_releases where campaign_id = ${campaignId}`);
  return { responses: responses.length };
}
