// Types of the warning board, the student timeline and the weekly meeting, from the zod contracts (type-only).
import type { z } from 'zod';
import type { contracts } from '@xinyu/core';

export type WarningBoard = z.infer<typeof contracts.WarningBoard>;
export type Timeline = z.infer<typeof contracts.Timeline>;
export type TimelineEntry = z.infer<typeof contracts.TimelineEntry>;
export type MeetingAgenda = z.infer<typeof contracts.MeetingAgenda>;
export type Meeting = z.infer<typeof contracts.Meeting>;
export type MeetingBody = z.input<typeof contracts.MeetingBody>;
export type MeetingOwner = z.infer<typeof contracts.MeetingOwner>;
export type MyMeetingTask = z.infer<typeof contracts.MyMeetingTask>;
/** The alert list, with the unit filter in force (from the board's counts). */
export type AlertList = z.infer<typeof contracts.AlertList>;
