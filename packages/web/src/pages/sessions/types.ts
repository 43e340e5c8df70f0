// Types of this area's API, inferred from the contracts in @xinyu/core (type-only).
import type { z } from 'zod';
import type { contracts } from '@xinyu/core';

export type SessionMeta = z.infer<typeof contracts.SessionMeta>;
export type SessionNotes = z.infer<typeof contracts.SessionNotes>;
export type SessionNotesOut = z.infer<typeof contracts.SessionNotesOut>;
export type CreateSessionBody = z.infer<typeof contracts.CreateSessionBody>;
export type SupervisorList = z.infer<typeof contracts.SupervisorList>;
export type MailboxThreadStaff = z.infer<typeof contracts.MailboxThreadStaff>;
export type MailboxThreadStaffDetail = z.infer<typeof contracts.MailboxThreadStaffDetail>;
export type MailboxThreadForWriter = z.infer<typeof contracts.MailboxThreadForWriter>;
export type MailboxPostResult = z.infer<typeof contracts.MailboxPostResult>;
export type MailboxWriterSummary = z.infer<typeof contracts.MailboxWriterSummary>;
export type MailboxRules = z.infer<typeof contracts.MailboxRules>;
export type AppointmentDetail = z.infer<typeof contracts.AppointmentDetail>;
export type HotlineCall = z.infer<typeof contracts.HotlineCall>;
export type HotlineSummaryOut = z.infer<typeof contracts.HotlineSummaryOut>;
export type { Paged, StudentSummary } from '../../api/types';
