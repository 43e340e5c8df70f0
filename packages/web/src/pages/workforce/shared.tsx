import { Tag, Tooltip } from 'antd';
import type { z } from 'zod';
import { workforcePercent, type contracts } from '@xinyu/core';
import { useTranslation } from 'react-i18next';

export type Overview = z.infer<typeof contracts.WorkforceOverview>;
export type SchoolRow = z.infer<typeof contracts.WorkforceSchoolRow>;
export type SchoolWorkforce = z.infer<typeof contracts.SchoolWorkforce>;
export type Person = z.infer<typeof contracts.WorkforcePerson>;
export type Certificate = z.infer<typeof contracts.WorkforceCertificate>;
export type Training = z.infer<typeof contracts.WorkforceTraining>;
export type TrainingList = z.infer<typeof contracts.TrainingList>;
export type CertKind = Certificate['kind'];
export type TrainingLevel = Training['level'];

/** n / d as a percent with one decimal (core workforcePercent), or '—'. */
export function pct(n: number, d: number): string {
  const p = workforcePercent(n, d);
  return p == null ? '—' : `${p}%`;
}

/** A share against its target: green when met, red when not, grey when nothing to count. */
export function ShareTag({ n, d, target, testId }: { n: number; d: number; target?: number; testId?: string }) {
  const { t } = useTranslation();
  if (d === 0) return <Tag data-testid={testId}>—</Tag>;
  const met = target === undefined ? undefined : n * 100 >= target * d;
  const tag = <Tag color={met === undefined ? 'default' : met ? 'green' : 'red'} data-testid={testId}>{pct(n, d)}</Tag>;
  return target === undefined ? tag : <Tooltip title={`${t('workforce.overview.target')} ${target}%`}>{tag}</Tooltip>;
}

export function MetTag({ ok }: { ok: boolean }) {
  const { t } = useTranslation();
  return <Tag color={ok ? 'green' : 'red'}>{ok ? t('workforce.overview.meets') : t('workforce.overview.notMet')}</Tag>;
}
