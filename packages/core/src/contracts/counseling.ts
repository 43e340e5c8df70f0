import { z } from 'zod';

// Counseling rooms (心理辅导室), counselors' slots (预约时段) and the appointment register (预约登记表).

const Hhmm = z.string().trim().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, '时间格式应为 HH:MM（如 14:00）');
const Text = (max: number) => z.string().trim().max(max);
const Day = z.iso.date({ message: '日期格式应为 YYYY-MM-DD' });

export const RoomRating = z.enum(['none', 'qualified', 'model']);
export const OpeningPeriod = z.object({ weekday: z.number().int().min(1, '星期应为 1（周一）到 7（周日）').max(7, '星期应为 1（周一）到 7（周日）'), start: Hhmm, end: Hhmm }).strict();

const Shortfall = z.union([
  z.object({ kind: z.literal('day'), weekday: z.number().int(), date: z.string().optional(), minutes: z.number().int(), required: z.number().int() }),
  z.object({ kind: z.literal('week'), week: z.string().optional(), minutes: z.number().int(), required: z.number().int() }),
]);

export const ScheduleCompliance = z.object({
  minutesByWeekday: z.array(z.number().int()),
  weeklyMinutes: z.number().int(),
  shortDays: z.array(z.number().int()),
  compliant: z.boolean(),
  shortfalls: z.array(Shortfall),
  reasons: z.array(z.string()),
});

export const LoggedCompliance = z.object({
  from: z.string(),
  to: z.string(),
  totalMinutes: z.number().int(),
  minutesByDate: z.record(z.string(), z.number().int()),
  weeks: z.array(z.object({ week: z.string(), schoolDays: z.array(z.string()), minutes: z.number().int(), required: z.number().int(), shortDates: z.array(z.string()), compliant: z.boolean() })),
  compliant: z.boolean(),
  shortfalls: z.array(Shortfall),
  reasons: z.array(z.string()),
});

export const CounselingRoom = z.object({
  id: z.uuid(),
  schoolId: z.number().int(),
  schoolName: z.string(),
  name: z.string(),
  location: z.string(),
  rating: RoomRating,
  ratedAt: z.string().nullable(),
  active: z.boolean(),
  periods: z.array(OpeningPeriod),
  schedule: ScheduleCompliance,
  /** may the caller edit it, log hours, rate it */
  canManage: z.boolean(),
  canRate: z.boolean(),
});

export const RoomLog = z.object({ id: z.uuid(), date: z.string(), start: z.string(), end: z.string(), loggedByName: z.string(), note: z.string(), createdAt: z.string() });

export const RoomDetail = CounselingRoom.extend({ logs: z.array(RoomLog), logged: LoggedCompliance });

export const RoomListQuery = z.object({ schoolId: z.coerce.number().int().positive().optional(), includeInactive: z.enum(['true', 'false']).optional() });
export const RoomRangeQuery = z.object({ from: Day.optional(), to: Day.optional() });

export const CreateRoomBody = z
  .object({
    schoolId: z.number().int().positive(),
    name: Text(50).min(1, '请填写名称'),
    location: Text(100).default(''),
    periods: z.array(OpeningPeriod).max(100).default([]),
  })
  .strict();
export const UpdateRoomBody = z.object({ name: Text(50).min(1, '请填写名称').optional(), location: Text(100).optional(), active: z.boolean().optional() }).strict();
export const RoomHoursBody = z.object({ periods: z.array(OpeningPeriod).max(100) }).strict();
export const RoomRatingBody = z.object({ rating: RoomRating }).strict();
export const RoomLogBody = z.object({ date: Day, start: Hhmm, end: Hhmm, note: Text(200).default(''), clientId: z.uuid() }).strict();

export const RoomOverviewQuery = z.object({ unitId: z.coerce.number().int().positive().optional(), from: Day.optional(), to: Day.optional() });
export const RoomOverviewSchool = z.object({
  schoolId: z.number().int(),
  schoolName: z.string(),
  districtName: z.string(),
  rooms: z.number().int(),
  bestRating: RoomRating,
  /** null when the school has no active room */
  scheduleCompliant: z.boolean().nullable(),
  loggedCompliant: z.boolean().nullable(),
  loggedMinutes: z.number().int(),
  noRoom: z.boolean(),
});
export const RoomOverview = z.object({ from: z.string(), to: z.string(), schools: z.array(RoomOverviewSchool) });

// --- slots ---------------------------------------------------------------------------------------

export const PublishSlotsBody = z
  .object({
    schoolId: z.number().int().positive().optional(),
    roomId: z.uuid().nullable().optional(),
    /** single slot: from = to and no weekdays */
    from: Day,
    to: Day,
    /** 1 = Monday … 7 = Sunday; empty or absent: every day of the range */
    weekdays: z.array(z.number().int().min(1).max(7)).max(7).optional(),
    start: Hhmm,
    end: Hhmm,
  })
  .strict();

export const CounselorSlot = z.object({
  id: z.uuid(),
  schoolId: z.number().int(),
  counselorAccountId: z.uuid(),
  counselorName: z.string(),
  roomId: z.uuid().nullable(),
  roomName: z.string().nullable(),
  location: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  cancelled: z.boolean(),
  /** the live appointment on it (staff lists only) */
  appointmentId: z.uuid().nullable(),
  studentName: z.string().nullable(),
});
export const PublishSlotsResult = z.object({ created: z.number().int(), skipped: z.number().int(), items: z.array(CounselorSlot) });
export const SlotQuery = z.object({ from: Day.optional(), to: Day.optional(), mine: z.enum(['true', 'false']).optional() });
export const CancelSlotBody = z.object({ reason: Text(200).min(1, '请说明取消原因') }).strict();

/** Free slots for one student, with who the student is (for the teacher's booking page). */
export const FreeSlotsQuery = z.object({ from: Day.optional(), to: Day.optional() });
export const FreeSlots = z.object({
  student: z.object({ id: z.uuid(), name: z.string(), className: z.string(), schoolName: z.string() }),
  items: z.array(CounselorSlot.omit({ appointmentId: true, studentName: true })),
});

// --- appointments --------------------------------------------------------------------------------

export const AppointmentStatus = z.enum(['requested', 'confirmed', 'cancelled', 'completed', 'no_show']);
export const BookedByRole = z.enum(['student', 'parent', 'teacher', 'counselor']);

export const BookAppointmentBody = z.object({ studentId: z.uuid(), slotId: z.uuid(), topic: Text(500).default(''), clientId: z.uuid() }).strict();
export const WalkInBody = z
  .object({
    studentId: z.uuid(),
    date: Day,
    start: Hhmm,
    end: Hhmm,
    roomId: z.uuid().nullable().optional(),
    topic: Text(500).default(''),
    clientId: z.uuid(),
  })
  .strict();

export const AppointmentActionBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('confirm') }).strict(),
  z.object({ action: z.literal('complete') }).strict(),
  z.object({ action: z.literal('no_show') }).strict(),
  z.object({ action: z.literal('cancel'), reason: Text(200).min(1, '请说明取消原因') }).strict(),
  z.object({ action: z.literal('move'), slotId: z.uuid(), reason: Text(200).default('') }).strict(),
]);

export const AppointmentEvent = z.object({ kind: z.string(), actorName: z.string().nullable(), detail: z.unknown(), at: z.string() });

/** A row of the register (staff). */
export const Appointment = z.object({
  id: z.uuid(),
  studentId: z.uuid(),
  studentName: z.string(),
  gender: z.enum(['male', 'female']),
  className: z.string(),
  slotId: z.uuid().nullable(),
  counselorAccountId: z.uuid(),
  counselorName: z.string(),
  roomName: z.string().nullable(),
  location: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  channel: z.enum(['booked', 'walk_in']),
  bookedByRole: BookedByRole,
  bookedByName: z.string(),
  topic: z.string(),
  status: AppointmentStatus,
  cancelReason: z.string().nullable(),
  /** the student's no-shows so far (all their appointments at the school) */
  noShows: z.number().int(),
  createdAt: z.string(),
});
export const AppointmentDetail = Appointment.extend({ events: z.array(AppointmentEvent) });

export const AppointmentQuery = z.object({
  from: Day.optional(),
  to: Day.optional(),
  status: AppointmentStatus.optional(),
  studentId: z.uuid().optional(),
  mine: z.enum(['true', 'false']).optional(),
  schoolId: z.coerce.number().int().positive().optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export const AppointmentExportQuery = z.object({ from: Day, to: Day, schoolId: z.coerce.number().int().positive().optional() });

/** What a student or parent sees: time, place, counselor, status; no-one else's, never notes. */
export const MyAppointment = z.object({
  id: z.uuid(),
  studentId: z.uuid(),
  studentName: z.string(),
  counselorName: z.string(),
  roomName: z.string().nullable(),
  location: z.string().nullable(),
  startsAt: z.string(),
  endsAt: z.string(),
  status: AppointmentStatus,
  channel: z.enum(['booked', 'walk_in']),
  topic: z.string(),
  bookedByMe: z.boolean(),
  canCancel: z.boolean(),
  cancelReason: z.string().nullable(),
});
export const MyAppointments = z.object({
  /** the students the caller books for: themselves, or their children */
  students: z.array(z.object({ id: z.uuid(), name: z.string() })),
  items: z.array(MyAppointment),
});
