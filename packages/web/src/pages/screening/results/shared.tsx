import { Space, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ResultRow, WarningLevel } from '../../../api/types';

/** Levels from the most to the least severe (tables, legends, filters). */
export const LEVELS: readonly WarningLevel[] = ['red', 'orange', 'yellow', 'none'];
export const ALERT_LEVELS = ['red', 'orange', 'yellow'] as const;

/** antd tag colours of the warning levels. */
export const LEVEL_TAG: Record<WarningLevel, string> = { red: 'red', orange: 'orange', yellow: 'gold', none: 'default' };
/** Chart colours of the warning levels (printable: no transparency). */
export const LEVEL_CHART: Record<WarningLevel, string> = { red: '#f5222d', orange: '#fa8c16', yellow: '#fadb14', none: '#95de64' };

const FLAGS = ['minTime', 'lie', 'straightLining', 'inconsistentPairs', 'incomplete'] as const;
type Flag = (typeof FLAGS)[number];
const isFlag = (f: string): f is Flag => (FLAGS as readonly string[]).includes(f);

export function LevelTag({ level, testId, full = false }: { level: WarningLevel; testId?: string; full?: boolean }) {
  const { t } = useTranslation();
  return (
    <Tooltip title={full ? undefined : t(`results.severity.${level}`)}>
      <Tag color={LEVEL_TAG[level]} data-testid={testId} data-level={level} style={{ marginInlineEnd: 0 }}>
        {full ? t(`results.levelFull.${level}`) : t(`results.level.${level}`)}
      </Tag>
    </Tooltip>
  );
}

/** The name of a validity rule the API reports (minTime, lie …), or the rule itself when unknown. */
export function useFlagLabel(): (flag: string) => string {
  const { t } = useTranslation();
  return (flag) => (isFlag(flag) ? t(`results.flag.${flag}`) : flag);
}

export function ValidityCell({ row, testId }: { row: Pick<ResultRow, 'valid' | 'flags'>; testId?: string }) {
  const { t } = useTranslation();
  const flagLabel = useFlagLabel();
  if (row.valid && row.flags.length === 0) {
    return (
      <Tag color="green" data-testid={testId} data-valid="true">
        {t('results.valid')}
      </Tag>
    );
  }
  return (
    <Space size={[0, 4]} wrap data-testid={testId} data-valid={String(row.valid)}>
      {!row.valid && <Tag color="red">{t('results.invalid')}</Tag>}
      {row.flags.map((f) => (
        <Tag key={f} color={row.valid ? 'default' : 'volcano'}>
          {flagLabel(f)}
        </Tag>
      ))}
    </Space>
  );
}

export function CriticalCell({ items }: { items: ResultRow['critical'] }) {
  const { t } = useTranslation();
  if (!items.length) return <Typography.Text type="secondary">{t('results.noCritical')}</Typography.Text>;
  return (
    <Space orientation="vertical" size={2}>
      {items.map((c) => (
        <Tag key={c.itemId} color={LEVEL_TAG[c.level]} style={{ whiteSpace: 'normal' }}>
          {c.label ?? c.itemId}
        </Tag>
      ))}
    </Space>
  );
}

function num(v: number | null): string {
  if (v === null) return '—';
  return Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/0+$/, '').replace(/\.$/, '');
}

/** Each scale on a line: name, raw score, normed score and band. */
export function ScalesCell({ scales }: { scales: ResultRow['scales'] }) {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" size={0}>
      {scales.map((s) => (
        <div key={s.id}>
          <span style={{ whiteSpace: 'nowrap', marginInlineEnd: 6 }}>
            <Typography.Text strong>{s.name}</Typography.Text> {t('results.raw')} {num(s.raw)}
            {s.normed !== null && (
              <>
                {' · '}
                {t('results.normed')} {num(s.normed)}
              </>
            )}
          </span>
          {s.band && <Tag color={s.level ? LEVEL_TAG[s.level] : 'default'}>{s.band}</Tag>}
        </div>
      ))}
    </Space>
  );
}

export const formatScore = num;

/** A count from a report: a number, or "*" (with the reason) where the API suppressed it. */
export function Count({ value, testId }: { value: number | null; testId?: string }) {
  const { t } = useTranslation();
  if (value !== null) return <span data-testid={testId}>{value}</span>;
  return (
    <Tooltip title={t('results.suppressedTip')}>
      <Typography.Text type="secondary" data-testid={testId} data-suppressed="true" style={{ cursor: 'help', borderBottom: '1px dotted #999' }}>
        {t('results.lessThan5')}
      </Typography.Text>
    </Tooltip>
  );
}

/** "12 分 5 秒" from seconds. */
export function useDuration(): (seconds: number | null) => string {
  const { t } = useTranslation();
  return (seconds) => {
    if (seconds === null) return '—';
    const s = Math.round(seconds);
    return t('results.durationValue', { m: Math.floor(s / 60), s: s % 60 });
  };
}
