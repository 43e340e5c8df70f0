import { Button, DatePicker, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { api } from '../../api/client';
import type { AuditEntry, Paged } from '../../api/types';
import { useAsync } from '../../app/useAsync';
import { useQueryState } from '../../app/useQueryState';
import { ErrorBox } from '../../components/ErrorBox';

const KEYS = ['action', 'outcome', 'actor', 'objectId', 'from', 'to', 'page', 'pageSize'] as const;
const OUTCOME_COLOR: Record<AuditEntry['outcome'], string> = { ok: 'green', denied: 'orange', failed: 'red' };

export default function AuditPage() {
  const { t } = useTranslation();
  const [f, setF] = useQueryState(KEYS);
  const page = Number(f.page ?? 1);
  const pageSize = Number(f.pageSize ?? 50);
  const { data, error, loading, reload } = useAsync(
    (signal) => api.get<Paged<AuditEntry>>('/audit', { action: f.action, outcome: f.outcome, actor: f.actor, objectId: f.objectId, from: f.from, to: f.to, page, pageSize }, { signal }),
    [f.action, f.outcome, f.actor, f.objectId, f.from, f.to, page, pageSize],
  );

  const columns: ColumnsType<AuditEntry> = [
    { title: t('audit.seq'), dataIndex: 'seq', width: 80 },
    { title: t('audit.at'), dataIndex: 'at', width: 170, render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm:ss') },
    { title: t('audit.actor'), dataIndex: 'actorName', width: 120, render: (v: string | null) => v ?? '—' },
    { title: t('audit.action'), dataIndex: 'action', width: 220, render: (v: string) => <Typography.Text code style={{ whiteSpace: 'nowrap' }}>{v}</Typography.Text> },
    { title: t('audit.objectType'), dataIndex: 'objectType', width: 110, render: (v: string | null) => v ?? '—' },
    { title: t('audit.objectId'), dataIndex: 'objectId', width: 160, ellipsis: true, render: (v: string | null) => v ?? '—' },
    {
      title: t('audit.outcome'),
      dataIndex: 'outcome',
      width: 80,
      render: (o: AuditEntry['outcome']) => <Tag color={OUTCOME_COLOR[o]}>{t(`audit.outcomes.${o}`)}</Tag>,
    },
    { title: t('audit.ip'), dataIndex: 'ip', width: 130, render: (v: string | null) => v ?? '—' },
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="audit-page">
      <h1 className="xy-page-title">{t('audit.title')}</h1>
      <Space wrap>
        <Input.Search allowClear defaultValue={f.action} placeholder={t('audit.action')} onSearch={(v) => setF({ action: v, page: 1 })} style={{ width: 180 }} data-testid="audit-action" />
        <Input.Search allowClear defaultValue={f.actor} placeholder={t('audit.actor')} onSearch={(v) => setF({ actor: v, page: 1 })} style={{ width: 160 }} />
        <Input.Search allowClear defaultValue={f.objectId} placeholder={t('audit.objectId')} onSearch={(v) => setF({ objectId: v, page: 1 })} style={{ width: 200 }} />
        <Select
          allowClear
          placeholder={t('audit.outcome')}
          value={f.outcome}
          onChange={(v?: string) => setF({ outcome: v, page: 1 })}
          options={(['ok', 'denied', 'failed'] as const).map((o) => ({ value: o, label: t(`audit.outcomes.${o}`) }))}
          style={{ width: 110 }}
          data-testid="audit-outcome"
        />
        <DatePicker.RangePicker
          value={f.from && f.to ? [dayjs(f.from), dayjs(f.to)] : null}
          onChange={(r) => setF({ from: r?.[0]?.format('YYYY-MM-DD'), to: r?.[1]?.format('YYYY-MM-DD'), page: 1 })}
        />
        <Button onClick={() => setF({ action: null, outcome: null, actor: null, objectId: null, from: null, to: null, page: null })}>{t('common.reset')}</Button>
      </Space>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<AuditEntry>
        rowKey="seq"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        scroll={{ x: 1100 }}
        data-testid="audit-table"
        expandable={{
          rowExpandable: (r) => Object.keys(r.detail).length > 0,
          expandedRowRender: (r) => <pre style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{JSON.stringify(r.detail, null, 2)}</pre>,
        }}
        pagination={{
          current: page,
          pageSize,
          total: data?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100, 200],
          showTotal: (total) => t('common.total', { total }),
          onChange: (p, ps) => setF({ page: p, pageSize: ps === 50 ? undefined : ps }),
        }}
      />
    </Space>
  );
}
