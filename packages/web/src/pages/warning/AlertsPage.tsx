import { useState } from 'react';
import { Button, Checkbox, Select, Space, Table, Tag, Typography } from 'antd';
import { ApartmentOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { ALERT_SOURCES, ALERT_STATUSES } from '@xinyu/core';
import { api } from '../../api/client';
import type { AlertList } from '../../api/boardTypes';
import type { Alert, RaiseAlertResult } from '../../api/types';
import { topRank, useCan, useMe } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useQueryState } from '../../app/useQueryState';
import { ErrorBox } from '../../components/ErrorBox';
import { RaiseAlertModal } from './RaiseAlertModal';
import { AlertLevelTag, DeadlineCell, fmt, LEVELS, SourceTags, StatusTag } from './shared';

const KEYS = ['status', 'level', 'source', 'overdue', 'mine', 'unitId', 'page', 'pageSize'] as const;

/**
 * 预警: warning records in the caller's scope, open and red first; a row opens /alerts/:id. A board's
 * count opens it filtered by unit (`unitId`), shown as a tag that clears it.
 */
export default function AlertsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const can = useCan();
  const me = useMe();
  const [f, setF] = useQueryState(KEYS);
  const [raising, setRaising] = useState(false);
  const page = Number(f.page ?? 1);
  const pageSize = Number(f.pageSize ?? 50);
  // the open ones unless asked otherwise; `all` in the address means no status filter
  const status = f.status ?? 'open';
  const { data, error, loading, reload } = useAsync(
    (signal) =>
      api.get<AlertList>(
        '/alerts',
        { status: status === 'all' ? undefined : status, level: f.level, source: f.source, overdue: f.overdue, mine: f.mine, unitId: f.unitId, page, pageSize },
        { signal },
      ),
    [status, f.level, f.source, f.overdue, f.mine, f.unitId, page, pageSize],
  );
  // bureau staff look across schools
  const showSchool = topRank(me) >= 80;
  const detailPath = (id: string) => ({ pathname: `/alerts/${id}` });
  const open = (id: string) => void navigate(detailPath(id), { state: { back: location.search } });

  const columns: ColumnsType<Alert> = [
    {
      title: t('warning.col.student'),
      dataIndex: 'name',
      width: 100,
      fixed: 'left',
      render: (v: string, a) => (
        <Link to={detailPath(a.id)} state={{ back: location.search }} onClick={(e) => e.stopPropagation()} data-testid={`alert-link-${a.id}`}>
          {v}
        </Link>
      ),
    },
    ...(showSchool ? [{ title: t('warning.col.school'), dataIndex: 'schoolName', width: 150, ellipsis: true }] : []),
    { title: t('warning.col.className'), dataIndex: 'className', width: 90, render: (v: string) => v || '—' },
    {
      title: t('warning.col.level'),
      dataIndex: 'level',
      width: 130,
      render: (_v, a) => (
        <Space size={4}>
          <AlertLevelTag level={a.level} testId={`alert-level-${a.id}`} />
          {a.critical && (
            <Tag color="red" style={{ marginInlineEnd: 0 }}>
              {t('warning.critical')}
            </Tag>
          )}
        </Space>
      ),
    },
    { title: t('warning.col.sources'), dataIndex: 'sources', width: 160, render: (_v, a) => <SourceTags sources={a.sources.length ? a.sources : [a.source]} count={a.signalCount} /> },
    { title: t('warning.col.status'), dataIndex: 'status', width: 84, render: (_v, a) => <StatusTag status={a.status} testId={`alert-status-${a.id}`} /> },
    { title: t('warning.col.tier'), dataIndex: 'tier', width: 124, render: (_v, a) => t(`warning.tier.${a.tier}`) },
    { title: t('warning.col.deadline'), key: 'deadline', width: 150, render: (_v, a) => <DeadlineCell a={a} testId={`alert-deadline-${a.id}`} /> },
    { title: t('warning.col.owner'), dataIndex: 'ownerName', width: 90, render: (v: string | null) => v ?? <Typography.Text type="secondary">—</Typography.Text> },
    { title: t('warning.col.createdAt'), dataIndex: 'createdAt', width: 136, render: (v: string) => fmt(v) },
  ];

  function raised(r: RaiseAlertResult) {
    setRaising(false);
    if (r.alertId) void navigate(`/alerts/${r.alertId}`);
    else reload();
  }

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="alerts-page">
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <h1 className="xy-page-title" style={{ margin: 0 }}>
          {t('warning.title')}
        </h1>
        {can('alert.raise') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setRaising(true)} data-testid="alert-raise">
            {t('warning.raise.button')}
          </Button>
        )}
      </Space>
      <Typography.Text type="secondary">{t('warning.hint')}</Typography.Text>
      <Space wrap>
        {f.unitId && (
          <Tag
            color="blue"
            icon={<ApartmentOutlined />}
            closable
            closeIcon={<span aria-label={t('warning.filter.unitClear')} data-testid="alerts-unit-clear">×</span>}
            onClose={(e) => {
              e.preventDefault();
              setF({ unitId: null, page: null });
            }}
            style={{ marginInlineEnd: 0, paddingBlock: 4 }}
            data-testid="alerts-unit"
            data-unit={f.unitId}
          >
            {t('warning.filter.unit', { name: data?.unit?.name ?? '…' })}
          </Tag>
        )}
        <Select
          value={status}
          onChange={(v: string) => setF({ status: v === 'open' ? null : v, page: null })}
          options={[
            { value: 'open', label: t('warning.statusOpen') },
            ...ALERT_STATUSES.map((s) => ({ value: s, label: t(`warning.status.${s}`) })),
            { value: 'all', label: t('warning.statusAll') },
          ]}
          style={{ width: 130 }}
          data-testid="alerts-status"
        />
        <Select
          allowClear
          placeholder={t('warning.filter.level')}
          value={f.level}
          onChange={(v?: string) => setF({ level: v, page: null })}
          options={LEVELS.map((l) => ({ value: l, label: t(`warning.level.${l}`) }))}
          style={{ width: 110 }}
          data-testid="alerts-level"
        />
        <Select
          allowClear
          placeholder={t('warning.filter.source')}
          value={f.source}
          onChange={(v?: string) => setF({ source: v, page: null })}
          options={ALERT_SOURCES.map((s) => ({ value: s, label: t(`warning.source.${s}`) }))}
          style={{ width: 150 }}
          data-testid="alerts-source"
        />
        <Checkbox checked={f.overdue === 'true'} onChange={(e) => setF({ overdue: e.target.checked ? 'true' : null, page: null })} data-testid="alerts-overdue">
          {t('warning.filter.overdue')}
        </Checkbox>
        <Checkbox checked={f.mine === 'true'} onChange={(e) => setF({ mine: e.target.checked ? 'true' : null, page: null })} data-testid="alerts-mine">
          {t('warning.filter.mine')}
        </Checkbox>
        <Button onClick={() => setF({ status: null, level: null, source: null, overdue: null, mine: null, unitId: null, page: null })}>{t('common.reset')}</Button>
        <Button icon={<ReloadOutlined />} onClick={reload} aria-label="reload" />
      </Space>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<Alert>
        rowKey="id"
        size="small"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        scroll={{ x: showSchool ? 1230 : 1080 }}
        locale={{ emptyText: t('warning.empty') }}
        data-testid="alerts-table"
        onRow={(a) =>
          ({
            'data-testid': `alert-row-${a.id}`,
            'data-level': a.level,
            'data-status': a.status,
            onClick: () => open(a.id),
            style: { cursor: 'pointer' },
          }) as React.HTMLAttributes<HTMLElement>
        }
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
      {raising && <RaiseAlertModal onClose={() => setRaising(false)} onRaised={raised} />}
    </Space>
  );
}
