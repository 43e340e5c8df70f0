import type { ReactNode } from 'react';
import { Alert as AntAlert, Button, Descriptions, Drawer, Empty, Select, Space, Table, Tag, Timeline, Typography } from 'antd';
import { FileTextOutlined, UserOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import dayjs from 'dayjs';
import { api } from '../../api/client';
import type { Alert, Paged, WarningLevel } from '../../api/types';
import { useCan } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useQueryState } from '../../app/useQueryState';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { ALERT_LEVELS, formatScore, LevelTag } from './results/shared';

type AlertStatus = Alert['status'];
const STATUSES: readonly AlertStatus[] = ['new', 'acknowledged', 'assessing', 'confirmed', 'dismissed', 'closed'];
const STATUS_COLOR: Record<AlertStatus, string> = { new: 'red', acknowledged: 'blue', assessing: 'processing', confirmed: 'volcano', dismissed: 'default', closed: 'green' };
const DECISIONS = ['confirm', 'lower', 'raise', 'clear'] as const;
const LEVEL_VALUES: readonly string[] = ['red', 'orange', 'yellow', 'none'];

interface AlertEvent {
  kind: string;
  at: string;
  detail: Record<string, unknown>;
}
type AlertDetail = Alert & { events: AlertEvent[] };

/** The evidence a screening alert carries (see the server's raiseScreeningAlert), read defensively. */
interface Evidence {
  campaignId?: string;
  responseId?: string;
  instrument?: string;
  valid?: boolean;
  scales: { id: string; raw: number | null; band: string | null; level: WarningLevel | null }[];
  criticalItems: { itemId: string; level: WarningLevel; value: string }[];
}
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const isLevel = (v: unknown): v is WarningLevel => typeof v === 'string' && LEVEL_VALUES.includes(v);
function readEvidence(e: Record<string, unknown>): Evidence {
  const arr = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : []);
  return {
    campaignId: str(e.campaignId),
    responseId: str(e.responseId),
    instrument: str(e.instrument),
    valid: typeof e.valid === 'boolean' ? e.valid : undefined,
    scales: arr(e.scales).map((s) => ({ id: String(s.id), raw: typeof s.raw === 'number' ? s.raw : null, band: str(s.band) ?? null, level: isLevel(s.level) ? s.level : null })),
    criticalItems: arr(e.criticalItems).map((c) => ({ itemId: String(c.itemId), level: isLevel(c.level) ? c.level : 'red', value: String(c.value ?? '') })),
  };
}

function EventDetail({ detail }: { detail: Record<string, unknown> }) {
  const { t } = useTranslation();
  const known = ['decision', 'finalLevel', 'level', 'critical', 'source'] as const;
  const parts: ReactNode[] = [];
  for (const [k, v] of Object.entries(detail)) {
    let value: ReactNode = typeof v === 'object' ? JSON.stringify(v) : String(v);
    if ((k === 'level' || k === 'finalLevel') && isLevel(v)) value = <LevelTag level={v} />;
    else if (k === 'decision' && (DECISIONS as readonly unknown[]).includes(v)) value = t(`results.decision.${v as (typeof DECISIONS)[number]}`);
    else if (k === 'critical' && typeof v === 'boolean') value = v ? t('common.yes') : t('common.no');
    else if (k === 'source' && v === 'screening') value = t('results.alerts.sourceScreening');
    const label = (known as readonly string[]).includes(k) ? t(`results.alerts.eventDetail.${k as (typeof known)[number]}`) : k;
    parts.push(
      <span key={k} style={{ marginInlineEnd: 12 }}>
        <Typography.Text type="secondary">{label}：</Typography.Text>
        {value}
      </span>,
    );
  }
  return <div>{parts}</div>;
}

function AlertDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation();
  const can = useCan();
  const { data: a, error, loading, reload } = useAsync((signal) => api.get<AlertDetail>(`/alerts/${id}`, undefined, { signal }), [id]);
  const ev = a ? readEvidence(a.evidence) : null;
  const eventLabel = (kind: string) => (kind === 'created' || kind === 'recheck' ? t(`results.alertEvent.${kind}`) : kind);
  return (
    <Drawer open size={640} title={t('results.alerts.detail')} onClose={onClose} data-testid="alert-detail">
      {loading && !a && <Loading />}
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {a && ev && (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <AntAlert type="warning" showIcon title={t('results.disclaimerShort')} />
          <Descriptions
            size="small"
            column={1}
            bordered
            items={[
              {
                key: 'student',
                label: t('results.student'),
                children: (
                  <Space wrap>
                    <span data-testid="alert-detail-name">{a.name}</span>
                    {can('student.read') && (
                      <Link to={`/students/${a.studentId}`}>
                        <Button size="small" type="link" icon={<UserOutlined />}>
                          {t('results.alerts.openStudent')}
                        </Button>
                      </Link>
                    )}
                  </Space>
                ),
              },
              { key: 'class', label: t('results.className'), children: a.className || '—' },
              {
                key: 'level',
                label: t('results.alerts.level'),
                children: (
                  <Space>
                    <LevelTag level={a.level} full testId="alert-detail-level" />
                    {a.critical && <Tag color="red">{t('results.alerts.criticalTag')}</Tag>}
                  </Space>
                ),
              },
              { key: 'status', label: t('results.alerts.status'), children: <Tag color={STATUS_COLOR[a.status]}>{t(`results.alertStatus.${a.status}`)}</Tag> },
              { key: 'source', label: t('results.alerts.source'), children: t('results.alerts.sourceScreening') },
              { key: 'at', label: t('results.alerts.createdAt'), children: dayjs(a.createdAt).format('YYYY-MM-DD HH:mm:ss') },
            ]}
          />
          <div data-testid="alert-evidence">
            <Typography.Title level={5}>{t('results.alerts.evidence')}</Typography.Title>
            <Space orientation="vertical" style={{ width: '100%' }}>
              <Space wrap>
                {ev.instrument && <Tag>{ev.instrument}</Tag>}
                {ev.valid !== undefined && <Tag color={ev.valid ? 'green' : 'red'}>{ev.valid ? t('results.alerts.validYes') : t('results.alerts.validNo')}</Tag>}
                {ev.responseId && can('screening.results') && (
                  <Link to={`/screening/responses/${ev.responseId}`} data-testid="alert-response-link">
                    <Button size="small" type="primary" icon={<FileTextOutlined />}>
                      {t('results.alerts.openResponse')}
                    </Button>
                  </Link>
                )}
              </Space>
              {ev.criticalItems.length > 0 && (
                <div>
                  <Typography.Text strong>{t('results.critical')}：</Typography.Text>
                  {ev.criticalItems.map((c) => (
                    <Tag key={c.itemId} color="red">
                      {c.itemId} · {t('results.alerts.itemValue', { v: c.value })}
                    </Tag>
                  ))}
                </div>
              )}
              {ev.scales.length > 0 && (
                <Table
                  rowKey="id"
                  size="small"
                  pagination={false}
                  dataSource={ev.scales}
                  columns={[
                    { title: t('results.scale'), dataIndex: 'id' },
                    { title: t('results.raw'), dataIndex: 'raw', align: 'right', render: (v: number | null) => formatScore(v) },
                    { title: t('results.band'), dataIndex: 'band', render: (v: string | null) => v ?? '—' },
                    { title: t('results.warningLevel'), dataIndex: 'level', render: (v: WarningLevel | null) => (v ? <LevelTag level={v} /> : '—') },
                  ]}
                />
              )}
            </Space>
          </div>
          <div data-testid="alert-events">
            <Typography.Title level={5}>{t('results.alerts.events')}</Typography.Title>
            {a.events.length === 0 ? (
              <Empty description={t('results.alerts.noEvents')} />
            ) : (
              <Timeline
                items={a.events.map((e, i) => ({
                  key: i,
                  color: e.kind === 'created' ? 'red' : 'blue',
                  title: dayjs(e.at).format('YYYY-MM-DD HH:mm'),
                  content: (
                    <div data-testid={`alert-event-${e.kind}`}>
                      <Tag>{eventLabel(e.kind)}</Tag>
                      <EventDetail detail={e.detail} />
                    </div>
                  ),
                }))}
              />
            )}
          </div>
        </Space>
      )}
    </Drawer>
  );
}

const KEYS = ['level', 'status', 'page', 'pageSize'] as const;

/** 预警: warning records in the caller's scope, red first; /screening/alerts/:id opens one. */
export default function AlertsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const openId = useParams().id;
  const [f, setF] = useQueryState(KEYS);
  const page = Number(f.page ?? 1);
  const pageSize = Number(f.pageSize ?? 50);
  const { data, error, loading, reload } = useAsync(
    (signal) => api.get<Paged<Alert>>('/alerts', { level: f.level, status: f.status, page, pageSize }, { signal }),
    [f.level, f.status, page, pageSize],
  );
  const open = (id: string) => void navigate({ pathname: `/screening/alerts/${id}`, search: location.search });

  const columns: ColumnsType<Alert> = [
    {
      title: t('results.alerts.level'),
      dataIndex: 'level',
      width: 150,
      render: (_v, a) => (
        <Space size={4}>
          <LevelTag level={a.level} testId={`alert-level-${a.id}`} />
          {a.critical && <Tag color="red">{t('results.alerts.criticalTag')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('results.student'),
      dataIndex: 'name',
      width: 120,
      render: (v: string, a) => (
        <Link to={{ pathname: `/screening/alerts/${a.id}`, search: location.search }} data-testid={`alert-link-${a.id}`}>
          {v}
        </Link>
      ),
    },
    { title: t('results.className'), dataIndex: 'className', width: 100 },
    {
      title: t('results.alerts.source'),
      dataIndex: 'source',
      width: 170,
      render: (_v, a) => (
        <span>
          {t('results.alerts.sourceScreening')}
          {typeof a.evidence.instrument === 'string' && (
            <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 6 }}>
              {a.evidence.instrument}
            </Typography.Text>
          )}
        </span>
      ),
    },
    { title: t('results.alerts.status'), dataIndex: 'status', width: 100, render: (s: AlertStatus) => <Tag color={STATUS_COLOR[s]}>{t(`results.alertStatus.${s}`)}</Tag> },
    { title: t('results.alerts.createdAt'), dataIndex: 'createdAt', width: 160, render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm') },
    {
      title: t('results.actions'),
      key: 'actions',
      width: 90,
      render: (_v, a) => (
        <Button size="small" onClick={() => open(a.id)}>
          {t('common.view')}
        </Button>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="alerts-page">
      <h1 className="xy-page-title">{t('results.alerts.title')}</h1>
      <Typography.Text type="secondary">{t('results.alerts.hint')}</Typography.Text>
      <Space wrap>
        <Select
          allowClear
          placeholder={t('results.alerts.level')}
          value={f.level}
          onChange={(v?: string) => setF({ level: v, page: null })}
          options={ALERT_LEVELS.map((l) => ({ value: l, label: t(`results.levelFull.${l}`) }))}
          style={{ width: 150 }}
          data-testid="alerts-level"
        />
        <Select
          allowClear
          placeholder={t('results.alerts.status')}
          value={f.status}
          onChange={(v?: string) => setF({ status: v, page: null })}
          options={STATUSES.map((s) => ({ value: s, label: t(`results.alertStatus.${s}`) }))}
          style={{ width: 130 }}
          data-testid="alerts-status"
        />
        <Button onClick={() => setF({ level: null, status: null, page: null })}>{t('common.reset')}</Button>
      </Space>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<Alert>
        rowKey="id"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        scroll={{ x: 900 }}
        locale={{ emptyText: t('results.alerts.empty') }}
        data-testid="alerts-table"
        onRow={(a) => ({ 'data-testid': `alert-row-${a.id}`, 'data-level': a.level }) as React.HTMLAttributes<HTMLElement>}
        pagination={{
          current: page,
          pageSize,
          total: data?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100, 200],
          showTotal: (total) => t('common.total', { total }),
          onChange: (p, ps) => setF({ page: p === 1 ? null : p, pageSize: ps === 50 ? null : ps }),
        }}
      />
      {openId && <AlertDrawer id={openId} onClose={() => void navigate({ pathname: '/screening/alerts', search: location.search })} />}
    </Space>
  );
}
