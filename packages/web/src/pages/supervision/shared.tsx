import { Progress, Tag, Tooltip } from 'antd';
import type { z } from 'zod';
import type { contracts } from '@xinyu/core';
import { useTranslation } from 'react-i18next';

export type MetricInfo = z.infer<typeof contracts.MetricInfo>;
export type Target = z.infer<typeof contracts.Target>;
export type TargetListOut = z.infer<typeof contracts.TargetListOut>;
export type TargetDetail = z.infer<typeof contracts.TargetDetail>;
export type TargetProgress = z.infer<typeof contracts.TargetProgress>;
export type ProgressFigure = z.infer<typeof contracts.Progress>;
export type TargetRecords = z.infer<typeof contracts.TargetRecordsOut>;
export type FundingOut = z.infer<typeof contracts.FundingOut>;
export type RatingScheme = z.infer<typeof contracts.RatingScheme>;
export type RatingEvaluation = z.infer<typeof contracts.RatingEvaluation>;
export type RatingQueue = z.infer<typeof contracts.RatingQueue>;

/** The plan year shown by default: this calendar year. */
export const thisYear = () => new Date().getFullYear();
export const YEARS = (() => {
  const y = thisYear();
  return [y + 1, y, y - 1, y - 2];
})();

/** A value with its unit: 96.5%, 12.35 元/生, 3 */
export function useFormatValue() {
  const { t } = useTranslation();
  return (v: number | null | undefined, unit: MetricInfo['unit'] | undefined) => (v === null || v === undefined ? t('supervision.common.none') : `${v}${unit ? t(`supervision.unit.${unit}`) : ''}`);
}

/** A progress bar (green when met) with the met / not met tag. */
export function ProgressCell({ p, testId }: { p: ProgressFigure | null; testId?: string }) {
  const { t } = useTranslation();
  if (p?.suppressed) return <SuppressedTag testId={testId} />;
  if (!p || p.progress === null) return <Tag data-testid={testId}>{t('supervision.targets.noData')}</Tag>;
  return (
    <span style={{ display: 'inline-flex', alignItems: 'center', gap: 8, minWidth: 180 }} data-testid={testId}>
      <Progress percent={Math.round(p.progress * 100)} size="small" status={p.met ? 'success' : 'active'} showInfo={false} style={{ width: 100, margin: 0 }} />
      {p.met ? <Tag color="green">{t('supervision.targets.met')}</Tag> : <Tag color="orange">{t('supervision.targets.notMet')}</Tag>}
    </span>
  );
}

/** In place of a figure that counts fewer than 5 students, read from outside the school. */
function SuppressedTag({ testId }: { testId?: string }) {
  const { t } = useTranslation();
  return (
    <Tooltip title={t('supervision.progress.suppressedHint')}>
      <Tag data-testid={testId}>{t('supervision.progress.suppressed')}</Tag>
    </Tooltip>
  );
}

/** The metric's name, its definition on hover. */
export function MetricName({ metric }: { metric: MetricInfo | null }) {
  const { i18n } = useTranslation();
  if (!metric) return null;
  const en = i18n.language.startsWith('en');
  return (
    <Tooltip title={en ? metric.definition.en : metric.definition.zh}>
      <span style={{ borderBottom: '1px dashed #999', cursor: 'help' }}>{en ? metric.label.en : metric.label.zh}</span>
    </Tooltip>
  );
}
