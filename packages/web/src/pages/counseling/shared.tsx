import { Tag } from 'antd';
import type { z } from 'zod';
import type { contracts } from '@xinyu/core';
import { useTranslation } from 'react-i18next';

export type Room = z.infer<typeof contracts.CounselingRoom>;
export type RoomDetail = z.infer<typeof contracts.RoomDetail>;
export type RoomOverview = z.infer<typeof contracts.RoomOverview>;
export type OpeningPeriod = z.infer<typeof contracts.OpeningPeriod>;
export type Slot = z.infer<typeof contracts.CounselorSlot>;
export type FreeSlots = z.infer<typeof contracts.FreeSlots>;
export type FreeSlot = FreeSlots['items'][number];
export type Appointment = z.infer<typeof contracts.Appointment>;
export type AppointmentDetail = z.infer<typeof contracts.AppointmentDetail>;
export type MyAppointments = z.infer<typeof contracts.MyAppointments>;
export type MyAppointment = MyAppointments['items'][number];
export type Status = Appointment['status'];
export type Rating = Room['rating'];

/** A moment in China time: '2026-11-26 14:00'. */
export function cst(v: string): string {
  const d = new Date(new Date(v).getTime() + 8 * 3_600_000).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 16)}`;
}
/** '14:00–14:40' of a slot. */
export const span = (a: string, b: string) => `${cst(a).slice(11)}–${cst(b).slice(11)}`;
export const cstDate = (v: string) => cst(v).slice(0, 10);
/** Today in China time. */
export const cstToday = () => cst(new Date().toISOString()).slice(0, 10);
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
const WEEKDAY_KEYS = ['w7', 'w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7'] as const;
/** 周一 … 周日 of an ISO weekday (1…7). */
export function useWeekday(): (d: number) => string {
  const { t } = useTranslation();
  return (d: number) => t(`counseling.weekday.${WEEKDAY_KEYS[d] ?? 'w1'}`);
}

const STATUS_COLOR: Record<Status, string> = { requested: 'gold', confirmed: 'blue', cancelled: 'default', completed: 'green', no_show: 'red' };
export function StatusTag({ status }: { status: Status }) {
  const { t } = useTranslation();
  return <Tag color={STATUS_COLOR[status]} data-testid={`appt-status-${status}`}>{t(`counseling.status.${status}`)}</Tag>;
}

const RATING_COLOR: Record<Rating, string> = { none: 'default', qualified: 'blue', model: 'gold' };
export function RatingTag({ rating }: { rating: Rating }) {
  const { t } = useTranslation();
  return <Tag color={RATING_COLOR[rating]}>{t(`counseling.rating.${rating}`)}</Tag>;
}

export function ComplianceTag({ ok }: { ok: boolean | null }) {
  const { t } = useTranslation();
  if (ok === null) return <Tag>—</Tag>;
  return <Tag color={ok ? 'green' : 'red'}>{ok ? t('counseling.common.compliant') : t('counseling.common.notCompliant')}</Tag>;
}

/** '2 小时 30 分钟' of a number of minutes. */
export function useMinutes(): (min: number) => string {
  const { t } = useTranslation();
  return (min: number) => {
    const h = Math.floor(min / 60);
    const m = min % 60;
    return [h ? t('counseling.common.hours', { h }) : '', m || !h ? t('counseling.common.minutes', { n: m }) : ''].filter(Boolean).join(' ');
  };
}
