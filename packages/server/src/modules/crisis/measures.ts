/**
 * Measures of the counseling and referral work (point 9), per school under a unit in the caller's
 * scope (counseling.measures: the bureau for its area, leaders and counselors their school), over a
 * range of days (China Standard Time, both ends included). Figures only, never names.
 *
 * Definitions:
 * - Referrals counted are those sent in the range (a re-sent referral counts from its latest send).
 *   Turnaround: median hours from sent to accepted (accepted ones); median days from sent to feedback
 *   (those with feedback). Feedback share: referrals with feedback (status feedback or closed after
 *   feedback) / referrals sent.
 * - Red alerts: alerts at level red created in the range. Time to first contact: hours from the
 *   alert's creation to the first contact with the student's side after it: a guardian contact
 *   recorded (its contacted_at) or a counseling session record (its created_at: session records carry
 *   only a date, so the time it was written is the earliest moment known for sure). Alerts with no
 *   such contact yet are counted as without contact and left out of the median.
 * - Counseling hours: the durations of the session records (咨询记录表) dated in the range, plus the
 *   scheduled length of completed appointments in the range that have no session record (so a session
 *   written for an appointment is not counted twice).
 * Totals take the median over all rows pooled, not the median of the schools' medians.
 */
import { addDaysIso, median, round1, type contracts } from '@xinyu/core';
import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import { rows } from '../../db/client.js';
import type { Caller, Deps } from '../../http/context.js';
import { notFound } from '../../http/errors.js';
import { inScope, scopeOf } from '../access/service.js';
import { appendAudit } from '../audit/service.js';
import { auditActor } from '../org/service.js';
import { cstToday } from '../screening/campaigns.js';

type Figures = z.infer<typeof contracts.CounselingMeasures>['total'];
const cstStart = (day: string) => new Date(`${day}T00:00:00+08:00`);

export async function counselingMeasures(deps: Deps, caller: Caller, q: z.infer<typeof contracts.CounselingMeasuresQuery>): Promise<z.infer<typeof contracts.CounselingMeasures>> {
  const scope = scopeOf(caller, 'counseling.measures');
  const now = deps.clock();
  const to = q.to ?? cstToday(now);
  const from = q.from ?? addDaysIso(to, -29);
  if (from > to) throw notFound();
  const unit = (await rows<{ id: number; name: string; kind: string; path: string }>(deps.db, sql`
    select u.id, u.name, u.kind, u.path from org_units u where u.region_id = ${caller.regionId} and ${inScope(scope, sql`u.path`)}
    ${q.unitId ? sql`and u.id = ${q.unitId}` : sql``} order by length(u.path), u.id limit 1`))[0];
  if (!unit) throw notFound();
  // the schools under the unit (or the school holding it)
  const schools = await rows<{ id: number; name: string }>(deps.db, sql`
    select s.id, s.name from org_units s where s.region_id = ${caller.regionId} and s.kind = 'school' and (s.path like ${`${unit.path}%`} or ${unit.path} like s.path || '%')
    order by s.path`);
  const ids = schools.map((s) => s.id);
  const start = cstStart(from);
  const end = cstStart(addDaysIso(to, 1));
  const idList = sql`${sql.param(ids)}::int[]`;
  const [refs, alerts, sessions, walkIns] = ids.length
    ? await Promise.all([
        rows<{ school_id: number; accept_h: number | null; feedback_d: number | null }>(deps.db, sql`
          select school_id, extract(epoch from accepted_at - sent_at)::float8 / 3600 as accept_h, extract(epoch from feedback_at - sent_at)::float8 / 86400 as feedback_d
          from referrals where school_id = any(${idList}) and sent_at >= ${start} and sent_at < ${end}`),
        rows<{ school_id: number; contact_h: number | null }>(deps.db, sql`
          select a.school_id, extract(epoch from (
            select min(t) from (
              select gc.contacted_at as t from guardian_contacts gc where gc.student_id = a.student_id and gc.contacted_at >= a.created_at
              union all
              select cs.created_at from counseling_sessions cs where cs.student_id = a.student_id and cs.created_at >= a.created_at
            ) x) - a.created_at)::float8 / 3600 as contact_h
          from alerts a where a.school_id = any(${idList}) and a.level = 'red' and a.created_at >= ${start} and a.created_at < ${end}`),
        rows<{ school_id: number; minutes: number }>(deps.db, sql`
          select school_id, sum(duration_minutes)::float8 as minutes from counseling_sessions
          where school_id = any(${idList}) and session_date >= ${from}::date and session_date <= ${to}::date group by school_id`),
        rows<{ school_id: number; minutes: number }>(deps.db, sql`
          select ap.school_id, sum(extract(epoch from ap.ends_at - ap.starts_at) / 60)::float8 as minutes from appointments ap
          where ap.school_id = any(${idList}) and ap.status = 'completed' and ap.starts_at >= ${start} and ap.starts_at < ${end}
            and not exists (select 1 from counseling_sessions cs where cs.appointment_id = ap.id) group by ap.school_id`),
      ])
    : [[], [], [], []];
  const figures = (pick: (schoolId: number) => boolean): Figures => {
    const r = refs.filter((x) => pick(x.school_id));
    const a = alerts.filter((x) => pick(x.school_id));
    const accepted = r.filter((x) => x.accept_h != null).map((x) => Number(x.accept_h));
    const fed = r.filter((x) => x.feedback_d != null).map((x) => Number(x.feedback_d));
    const contacted = a.filter((x) => x.contact_h != null).map((x) => Number(x.contact_h));
    const minutes = [...sessions, ...walkIns].filter((x) => pick(x.school_id)).reduce((s, x) => s + Number(x.minutes), 0);
    return {
      referralsSent: r.length,
      referralsAccepted: accepted.length,
      referralsWithFeedback: fed.length,
      feedbackShare: r.length ? Math.round((fed.length / r.length) * 1000) / 1000 : null,
      medianAcceptHours: round1(median(accepted)),
      medianFeedbackDays: round1(median(fed)),
      redAlerts: a.length,
      redAlertsContacted: contacted.length,
      redAlertsWithoutContact: a.length - contacted.length,
      medianContactHours: round1(median(contacted)),
      counselingHours: round1(minutes / 60)!,
    };
  };
  await appendAudit(deps.db, { ...auditActor(caller), action: 'counseling.measures.read', objectType: 'org_unit', objectId: String(unit.id), orgPath: unit.path, detail: { from, to } }, now);
  return {
    unit: { id: unit.id, name: unit.name, kind: unit.kind },
    from,
    to,
    rows: schools.map((s) => ({ schoolId: s.id, schoolName: s.name, ...figures((id) => id === s.id) })),
    total: figures(() => true),
  };
}
