/**
 * One student's record over time (一生一档): screening results, alerts, committee mentions, sweeps,
 * care events and diary entries, each kind only for callers whose permission reaches the student.
 * It follows the student across classes and schools: scope is checked against their current record.
 * The counseling and crisis chain (appointments, sessions without their notes, crisis cases, guardian
 * contacts, referrals, return to school) is shown to those whose permissions reach it.
 */
import { COMMITTEE_CATEGORIES, DIARY_KINDS, scopeFor, scopeIncludes, type CommitteeCategory, type DiaryKind, type Permission, type contracts } from '@xinyu/core';
import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { notFound } from '../../http/errors.js';
import { inScope } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { auditActor } from '../org/service.js';
import { students } from '../org/tables.js';

type Entry = z.infer<typeof contracts.TimelineEntry>;
const iso = (v: Date | string) => new Date(v).toISOString();
const STATUS: Record<string, string> = { new: '待接收', acknowledged: '已接收', assessing: '研判中', confirmed: '已确认', dismissed: '已排除', closed: '已结案' };
const CARE_EVENT: Record<string, string> = { added: '列入重点学生名单', updated: '名单信息补充', reopened: '重新在册', assigned: '指派包保教师', kept_by_sweep: '摸底排查：保留', closure_proposed: '申请销号', closure_rejected: '销号被退回', closure_withdrawn: '新情况，销号申请撤回', closed: '销号' };

export async function studentTimeline(deps: Deps, caller: Caller, studentId: string): Promise<z.infer<typeof contracts.Timeline>> {
  const s = (await deps.db.select({ id: students.id, name: students.name, orgPath: students.orgPath }).from(students)
    .where(and(eq(students.id, studentId), eq(students.regionId, caller.regionId), inScope(scopeFor(caller.assignments, 'student.read'), students.orgPath, students.id))))[0];
  if (!s) throw notFound();
  const can = (p: Permission) => scopeIncludes(scopeFor(caller.assignments, p), s.orgPath, s.id);
  const isCarer = (await rows<{ n: number }>(deps.db, sql`select count(*)::int as n from care_assignments where student_id = ${studentId} and account_id = ${caller.accountId} and ended_at is null`))[0]!.n > 0;
  const entries: Entry[] = [];
  const jobs: Promise<void>[] = [];
  if (can('screening.results')) {
    jobs.push(rows<{ id: string; at: Date; title: string; instrument_key: string; warning_level: Entry['level'] }>(deps.db, sql`
      select r.id, r.submitted_at as at, k.title, r.instrument_key, r.warning_level from screening_responses r join campaigns k on k.id = r.campaign_id
      where r.student_id = ${studentId} and r.status = 'submitted'`).then((list) => {
      for (const r of list) entries.push({ at: iso(r.at), kind: 'screening', title: r.title, detail: r.instrument_key, level: r.warning_level ?? 'none', link: `/screening/responses/${r.id}` });
    }));
  }
  if (can('alert.read')) {
    jobs.push(rows<{ id: string; at: Date; level: Entry['level']; status: string; sources: string[] | null }>(deps.db, sql`
      select a.id, a.created_at as at, a.level, a.status, (select array_agg(distinct g.source) from alert_signals g where g.alert_id = a.id) as sources
      from alerts a where a.student_id = ${studentId}`).then((list) => {
      for (const a of list) entries.push({ at: iso(a.at), kind: 'alert', title: `预警（${STATUS[a.status] ?? a.status}）`, detail: (a.sources ?? []).join('、'), level: a.level, link: `/alerts/${a.id}` });
    }));
  }
  if (can('committee.read')) {
    jobs.push(rows<{ date: string; category: string }>(deps.db, sql`select date::text as date, category from committee_concerns where student_id = ${studentId}`).then((list) => {
      for (const c of list) entries.push({ at: iso(`${c.date}T12:00:00+08:00`), kind: 'committee', title: '心理委员提到', detail: COMMITTEE_CATEGORIES[c.category as CommitteeCategory] ?? c.category, level: null, link: null });
    }));
  }
  if (can('care.read')) {
    jobs.push(rows<{ at: Date; kind: string; key_id: string }>(deps.db, sql`
      select e.at, e.kind, k.id as key_id from key_student_events e join key_students k on k.id = e.key_student_id where k.student_id = ${studentId}`).then((list) => {
      for (const e of list) entries.push({ at: iso(e.at), kind: 'care', title: CARE_EVENT[e.kind] ?? e.kind, detail: '', level: null, link: `/care/${e.key_id}` });
    }));
    jobs.push(rows<{ at: Date; name: string; action: string; categories: string[] }>(deps.db, sql`
      select e.reviewed_at as at, w.name, e.action, e.categories from sweep_entries e join sweeps w on w.id = e.sweep_id where e.student_id = ${studentId}`).then((list) => {
      for (const e of list) entries.push({ at: iso(e.at), kind: 'sweep', title: e.name, detail: e.categories.join('、') || '无特殊情况', level: null, link: null });
    }));
  }
  // the diary: its carer and the school's counselors and leaders (a head teacher sees the care events, not the diary)
  if (isCarer || can('care.manage') || can('care.approve')) {
    jobs.push(rows<{ date: string; kind: string; author_name: string; key_id: string }>(deps.db, sql`
      select date::text as date, kind, author_name, key_student_id as key_id from diary_entries where student_id = ${studentId}`).then((list) => {
      for (const d of list) entries.push({ at: iso(`${d.date}T12:00:00+08:00`), kind: 'diary', title: `成长日记：${DIARY_KINDS[d.kind as DiaryKind] ?? d.kind}`, detail: d.author_name, level: null, link: `/care/${d.key_id}` });
    }));
  }
  counselingEntries(deps, can, studentId, entries, jobs);
  await Promise.all(jobs);
  entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  await appendAudit(deps.db, { ...auditActor(caller), action: 'student.timeline.read', objectType: 'student', objectId: studentId, orgPath: s.orgPath, detail: { kinds: [...new Set(entries.map((e) => e.kind))] } }, deps.clock());
  return { studentId, name: s.name, entries };
}

const APPOINTMENT_STATUS: Record<string, string> = { requested: '待确认', confirmed: '已确认', cancelled: '已取消', completed: '已完成', no_show: '未到' };
const CRISIS_EVENT: Record<string, string> = { opened: '危机个案建立', closed: '危机个案销号（一案一分析）' };
const REFERRAL_STATUS: Record<string, string> = { sent: '已转介', accepted: '医院已接收', declined: '医院未接收', seen: '已就诊', feedback: '医院已反馈', closed: '转介已结束' };
const CHANNEL: Record<string, string> = { phone: '电话', in_person: '面谈', home_visit: '家访', video: '视频', message: '短信/微信' };
const SESSION_KIND: Record<string, string> = { individual: '个体咨询', group: '团体辅导', guardian: '家长咨询', phone: '电话咨询', online: '网络咨询' };

/** Appointments, sessions (never their notes), crisis cases, guardian contacts, referrals and return plans. */
function counselingEntries(deps: Deps, can: (p: Permission) => boolean, studentId: string, entries: Entry[], jobs: Promise<void>[]): void {
  if (can('appointment.manage')) {
    jobs.push(rows<{ at: Date; status: string; counselor_name: string; channel: string }>(deps.db, sql`
      select starts_at as at, status, counselor_name, channel from appointments where student_id = ${studentId}`).then((list) => {
      for (const a of list) entries.push({ at: iso(a.at), kind: 'appointment', title: `${a.channel === 'walk_in' ? '现场来访' : '预约咨询'}（${APPOINTMENT_STATUS[a.status] ?? a.status}）`, detail: a.counselor_name, level: null, link: null });
    }));
  }
  if (can('session.write') || can('session.supervise')) {
    jobs.push(rows<{ id: string; date: string; kind: string; counselor_name: string; duration_minutes: number }>(deps.db, sql`
      select id, session_date::text as date, kind, counselor_name, duration_minutes from counseling_sessions where student_id = ${studentId}`).then((list) => {
      for (const x of list) entries.push({ at: iso(`${x.date}T12:00:00+08:00`), kind: 'session', title: `咨询记录：${SESSION_KIND[x.kind] ?? x.kind}`, detail: `${x.counselor_name} · ${x.duration_minutes} 分钟`, level: null, link: `/sessions/${x.id}` });
    }));
  }
  if (can('crisis.read')) {
    jobs.push(rows<{ at: Date; kind: string; case_id: string }>(deps.db, sql`
      select e.at, e.kind, e.case_id from crisis_events e join crisis_cases c on c.id = e.case_id
      where c.student_id = ${studentId} and e.kind in ('opened', 'closed')`).then((list) => {
      for (const e of list) entries.push({ at: iso(e.at), kind: 'crisis', title: CRISIS_EVENT[e.kind] ?? e.kind, detail: '', level: null, link: `/crisis/${e.case_id}` });
    }));
    jobs.push(rows<{ at: Date; channel: string; guardian_name: string; by_name: string; case_id: string | null }>(deps.db, sql`
      select contacted_at as at, channel, guardian_name, contacted_by_name as by_name, case_id from guardian_contacts where student_id = ${studentId}`).then((list) => {
      for (const g of list) entries.push({ at: iso(g.at), kind: 'guardian', title: `联系监护人（${CHANNEL[g.channel] ?? g.channel}）`, detail: `${g.guardian_name} · ${g.by_name}`, level: null, link: g.case_id ? `/crisis/${g.case_id}` : null });
    }));
    jobs.push(rows<{ at: Date; kind: string; referral_id: string; institution: string }>(deps.db, sql`
      select e.at, e.kind, e.referral_id, i.name as institution from referral_events e join referrals r on r.id = e.referral_id
      join partner_institutions i on i.id = r.institution_id where r.student_id = ${studentId}`).then((list) => {
      for (const e of list) if (REFERRAL_STATUS[e.kind]) entries.push({ at: iso(e.at), kind: 'referral', title: REFERRAL_STATUS[e.kind]!, detail: e.institution, level: null, link: `/referrals/${e.referral_id}` });
    }));
    jobs.push(rows<{ id: string; created_at: Date; closed_at: Date | null; return_date: string }>(deps.db, sql`
      select id, created_at, closed_at, return_date::text as return_date from return_plans where student_id = ${studentId}`).then((list) => {
      for (const p of list) {
        entries.push({ at: iso(p.created_at), kind: 'return', title: '愈后复学计划', detail: `返校日期 ${p.return_date}`, level: null, link: `/returns/${p.id}` });
        if (p.closed_at) entries.push({ at: iso(p.closed_at), kind: 'return', title: '复学跟踪结束', detail: '', level: null, link: `/returns/${p.id}` });
      }
    }));
  }
}
