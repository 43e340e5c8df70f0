/**
 * Appointment reminders: the day before (China time), once per appointment (remindedAt), for every
 * confirmed appointment: to the student's own accounts, to the counselor, and to the parents as a
 * recorded guardian notice. A requested appointment the counselor has not confirmed is not reminded
 * (the counselor gets the request in their inbox when it is booked). Run it from the scheduler, e.g.
 * hourly: it only picks appointments of tomorrow that were not reminded yet.
 */
import { addDaysIso } from '@xinyu/core';
import { and, eq, gte, isNull, lt, sql } from 'drizzle-orm';
import { rows } from '../../db/client.js';
import type { Deps } from '../../http/context.js';
import { sendGuardianNotice } from '../crisis/guardian-notices.js';
import { notify } from '../notify/service.js';
import { cstToday } from '../screening/campaigns.js';
import { cstLabel, studentAccounts } from './appointments.js';
import { appointmentEvents, appointments } from './tables.js';

export async function sendAppointmentReminders(deps: Deps): Promise<{ reminded: number }> {
  const now = deps.clock();
  const tomorrow = addDaysIso(cstToday(now), 1);
  const start = new Date(Date.parse(`${tomorrow}T00:00:00+08:00`));
  const end = new Date(start.getTime() + 86_400_000);
  let reminded = 0;
  await deps.db.transaction(async (tx) => {
    const due = await tx.update(appointments).set({ remindedAt: now })
      .where(and(eq(appointments.status, 'confirmed'), isNull(appointments.remindedAt), gte(appointments.startsAt, start), lt(appointments.startsAt, end)))
      .returning();
    for (const a of due) {
      const info = (await rows<{ name: string; place: string | null }>(tx, sql`
        select s.name, (select nullif(concat_ws('，', r.name, nullif(r.location, '')), '') from counseling_rooms r where r.id = ${a.roomId}) as place
        from students s where s.id = ${a.studentId}`))[0];
      const place = info?.place ?? '心理辅导室';
      const when = cstLabel(a.startsAt);
      const self = await studentAccounts(tx, a.studentId);
      await notify(tx, deps, { regionId: a.regionId, accountIds: self, kind: 'appointment.reminder', title: '明天有心理辅导预约', body: `${when}，${place}，${a.counselorName}老师。`, link: '/m/appointments', objectType: 'appointment', objectId: a.id }, now);
      await notify(tx, deps, { regionId: a.regionId, accountIds: [a.counselorAccountId], kind: 'appointment.reminder', title: '明天的心理辅导预约', body: `${when}，${info?.name ?? ''}，${place}。`, link: '/counseling/register', objectType: 'appointment', objectId: a.id }, now);
      await sendGuardianNotice(tx, deps, {
        regionId: a.regionId, studentId: a.studentId, orgPath: a.orgPath, kind: 'appointment.reminder', title: '明天有心理辅导预约',
        body: `${info?.name ?? ''}明天有心理辅导预约：${when}，${place}，${a.counselorName}老师。`, objectType: 'appointment', objectId: a.id, sender: null,
      }, now);
      await tx.insert(appointmentEvents).values({ appointmentId: a.id, kind: 'reminded', actorName: null, detail: { students: self.length }, at: now });
      reminded++;
    }
  });
  return { reminded };
}
