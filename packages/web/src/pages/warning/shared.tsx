/** Pieces the warning pages share: tags for levels, statuses and sources, deadlines, evidence. */
import type { ReactNode } from 'react';
import { Button, Space, Table, Tag, Typography } from 'antd';
import { FileTextOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import dayjs from 'dayjs';
import { ALERT_SOURCES } from '@xinyu/core';
import type { Alert, AlertLevel, AlertSource, AlertStatus } from '../../api/types';
import { useCan } from '../../app/session';
import { warningZh } from '../../i18n/warning';

export const LEVELS: readonly AlertLevel[] = ['red', 'orange', 'yellow'];
/** The order a reporter chooses in: the mildest first. */
export const LEVELS_MILD_FIRST: readonly AlertLevel[] = ['yellow', 'orange', 'red'];
export const LEVEL_COLOR: Record<AlertLevel, string> = { red: 'red', orange: 'orange', yellow: 'gold' };
/** Text colours of the levels, readable on white. */
export const LEVEL_TEXT: Record<AlertLevel, string> = { red: '#cf1322', orange: '#d46b08', yellow: '#ad8b00' };
export const STATUS_COLOR: Record<AlertStatus, string> = { new: 'error', acknowledged: 'blue', assessing: 'processing', confirmed: 'purple', dismissed: 'default', closed: 'success' };

/** The short list of report categories: keys for the labels, the Chinese words are what is stored. */
export const CATEGORY_KEYS = Object.keys(warningZh.raise.categories) as (keyof typeof warningZh.raise.categories)[];
export const categoryValue = (k: (typeof CATEGORY_KEYS)[number]): string => warningZh.raise.categories[k];

export const fmt = (at: string | null | undefined): string => (at ? dayjs(at).format('YYYY-MM-DD HH:mm') : '—');

const isSource = (v: unknown): v is AlertSource => typeof v === 'string' && (ALERT_SOURCES as readonly string[]).includes(v);
const isLevel = (v: unknown): v is AlertLevel => v === 'red' || v === 'orange' || v === 'yellow';
export { isLevel, isSource };

export function AlertLevelTag({ level, testId }: { level: AlertLevel; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={LEVEL_COLOR[level]} data-testid={testId} data-level={level} style={{ marginInlineEnd: 0 }}>
      {t(`warning.level.${level}`)}
    </Tag>
  );
}

export function StatusTag({ status, testId }: { status: AlertStatus; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid={testId} data-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`warning.status.${status}`)}
    </Tag>
  );
}

export function SourceTags({ sources, count }: { sources: readonly AlertSource[]; count?: number }) {
  const { t } = useTranslation();
  return (
    <Space size={[4, 4]} wrap>
      {sources.map((s) => (
        <Tag key={s} style={{ marginInlineEnd: 0 }} data-source={s}>
          {t(`warning.source.${s}`)}
        </Tag>
      ))}
      {count !== undefined && count > 1 && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('warning.signalsMore', { count })}
        </Typography.Text>
      )}
    </Space>
  );
}

/** The deadline that matters now: acknowledgement while new, assessment while acknowledged or assessing. */
export function currentDue(a: Pick<Alert, 'status' | 'ackDue' | 'assessDue'>): { kind: 'ack' | 'assess'; at: string } | null {
  if (a.status === 'new') return { kind: 'ack', at: a.ackDue };
  if (a.status === 'acknowledged' || a.status === 'assessing') return { kind: 'assess', at: a.assessDue };
  return null;
}

export function DeadlineCell({ a, testId }: { a: Pick<Alert, 'status' | 'ackDue' | 'assessDue' | 'overdue'>; testId?: string }) {
  const { t } = useTranslation();
  const due = currentDue(a);
  if (!due) return <Typography.Text type="secondary">—</Typography.Text>;
  const at = fmt(due.at);
  return (
    <span data-testid={testId} data-overdue={a.overdue ?? ''}>
      {a.overdue ? (
        <Space size={4} wrap>
          <Typography.Text type="danger">{at}</Typography.Text>
          <Tag color="red" style={{ marginInlineEnd: 0 }}>
            {t('warning.overdue')}
          </Tag>
        </Space>
      ) : (
        <span>
          {at}
          <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
            {due.kind === 'ack' ? t('warning.info.ackDue') : t('warning.info.assessDue')}
          </Typography.Text>
        </span>
      )}
    </span>
  );
}

// --- evidence -------------------------------------------------------------------------------------

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const records = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : []);
/** Keys shown in their own way, or not at all (ids used for a link). */
const KNOWN = new Set(['description', 'message', 'category', 'summary', 'instrument', 'valid', 'scales', 'criticalItems', 'campaignId', 'responseId']);

function formatNumber(v: unknown): string {
  if (typeof v !== 'number') return '—';
  return Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * What a signal carries, read defensively: a report's description and category, a student's
 * message, the redacted summary of a screening, or a screening's instrument, scales and critical
 * items (only for those who may see screening results: the server leaves them out otherwise).
 */
export function EvidenceView({ evidence }: { evidence: Record<string, unknown> }) {
  const { t } = useTranslation();
  const can = useCan();
  const parts: ReactNode[] = [];
  const category = str(evidence.category);
  const description = str(evidence.description);
  const summary = str(evidence.summary);
  const instrument = str(evidence.instrument);
  const responseId = str(evidence.responseId);
  const scales = records(evidence.scales);
  const critical = records(evidence.criticalItems);

  if (category) parts.push(<div key="category"><Typography.Text type="secondary">{t('warning.evidence.category')}：</Typography.Text><Tag style={{ marginInlineEnd: 0 }}>{category}</Tag></div>);
  if (description) parts.push(<div key="description" className="xy-pre">{description}</div>);
  if ('message' in evidence) {
    const m = str(evidence.message)?.trim();
    parts.push(
      <div key="message">
        <Typography.Text type="secondary">{t('warning.evidence.message')}：</Typography.Text>
        {m ? <span className="xy-pre">{m}</span> : <Typography.Text type="secondary">{t('warning.evidence.messageEmpty')}</Typography.Text>}
      </div>,
    );
  }
  if (summary) parts.push(<div key="summary">{summary}</div>);
  if (instrument || typeof evidence.valid === 'boolean' || (responseId && can('screening.results'))) {
    parts.push(
      <Space key="instrument" wrap size={[6, 4]}>
        {instrument && <Tag style={{ marginInlineEnd: 0 }}>{instrument}</Tag>}
        {typeof evidence.valid === 'boolean' && <Tag color={evidence.valid ? 'green' : 'red'} style={{ marginInlineEnd: 0 }}>{evidence.valid ? t('warning.evidence.valid') : t('warning.evidence.invalid')}</Tag>}
        {responseId && can('screening.results') && (
          <Link to={`/screening/responses/${responseId}`} data-testid="alert-response-link">
            <Button size="small" icon={<FileTextOutlined />}>
              {t('warning.evidence.openResponse')}
            </Button>
          </Link>
        )}
      </Space>,
    );
  }
  if (critical.length) {
    parts.push(
      <div key="critical">
        <Typography.Text type="secondary">{t('warning.evidence.criticalItems')}：</Typography.Text>
        {critical.map((c, i) => (
          <Tag key={i} color={isLevel(c.level) ? LEVEL_COLOR[c.level] : 'red'}>
            {String(c.label ?? c.itemId ?? '?')}
            {c.value !== undefined && ` · ${t('warning.evidence.itemValue', { v: String(c.value) })}`}
          </Tag>
        ))}
      </div>,
    );
  }
  if (scales.length) {
    parts.push(
      <Table
        key="scales"
        rowKey={(s) => String(s.id)}
        size="small"
        pagination={false}
        dataSource={scales}
        style={{ maxWidth: 520 }}
        columns={[
          { title: t('warning.evidence.scale'), dataIndex: 'id', render: (v: unknown) => String(v ?? '—') },
          { title: t('warning.evidence.raw'), dataIndex: 'raw', align: 'right', render: (v: unknown) => formatNumber(v) },
          { title: t('warning.evidence.band'), dataIndex: 'band', render: (v: unknown) => str(v) ?? '—' },
          { title: t('warning.evidence.level'), dataIndex: 'level', render: (v: unknown) => (isLevel(v) ? <AlertLevelTag level={v} /> : '—') },
        ]}
      />,
    );
  }
  // anything else the server sends, as plain text
  for (const [k, v] of Object.entries(evidence)) {
    if (KNOWN.has(k) || v === null || v === undefined || typeof v === 'object') continue;
    parts.push(
      <div key={`x-${k}`}>
        <Typography.Text type="secondary">{k}：</Typography.Text>
        {String(v)}
      </div>,
    );
  }
  if (!parts.length) return null;
  return (
    <Space orientation="vertical" size={6} style={{ width: '100%' }} data-testid="alert-evidence">
      {parts}
    </Space>
  );
}
