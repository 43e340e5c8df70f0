import { Tag } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { ReferralStatus, Severity } from './types';

const STATUS_COLOR: Record<ReferralStatus, string> = { sent: 'blue', accepted: 'cyan', declined: 'orange', seen: 'geekblue', feedback: 'green', closed: 'default' };
const SEVERITY_COLOR: Record<Severity, string> = { mild: 'gold', moderate: 'orange', severe: 'red' };

export function StatusTag({ status }: { status: ReferralStatus }) {
  const { t } = useTranslation();
  return <Tag color={STATUS_COLOR[status]} data-testid={`referral-status-${status}`}>{t(`referral.status.${status}`)}</Tag>;
}

export function SeverityTag({ severity }: { severity: Severity }) {
  const { t } = useTranslation();
  return <Tag color={SEVERITY_COLOR[severity]}>{t(`referral.severity.${severity}`)}</Tag>;
}

/** Overdue / escalated tags of a referral waiting for acceptance. */
export function DeadlineTags({ overdue, escalatedAt }: { overdue: boolean; escalatedAt: string | null }) {
  const { t } = useTranslation();
  return (
    <>
      {overdue && <Tag color="red" data-testid="referral-overdue">{t('referral.overdue')}</Tag>}
      {escalatedAt && <Tag color="volcano">{t('referral.escalated')}</Tag>}
    </>
  );
}

export const fmt = (iso: string | null | undefined) => (iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : '—');
export const SEVERITIES: Severity[] = ['mild', 'moderate', 'severe'];
