import { useState } from 'react';
import { App, Button, Card, Input, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import type { Paged } from '../../api/types';
import { useCan } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { fmt } from '../warning/shared';
import { OpenCaseModal } from './OpenCaseModal';
import { CaseStatusTag, RiskTag, RISKS } from './shared';
import type { CrisisCaseItem, RiskLevel } from './types';

/** 危机干预: the cases of the caller's school (a head teacher: their class), open first, the most urgent first. */
export default function CrisisListPage() {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [status, setStatus] = useState<'open' | 'closed' | 'all'>('open');
  const [risk, setRisk] = useState<RiskLevel | undefined>();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [opening, setOpening] = useState(false);
  const { data, error, loading, reload } = useAsync((signal) => api.get<Paged<CrisisCaseItem>>('/crisis/cases', { status, risk, q: q.trim() || undefined, page, pageSize: 20 }, { signal }), [status, risk, q, page]);

  const columns: ColumnsType<CrisisCaseItem> = [
    { title: t('crisis.list.student'), key: 'student', render: (_v, c) => <Link to={`/crisis/${c.id}`} data-testid="crisis-case-link">{c.studentName}</Link> },
    { title: t('crisis.list.className'), dataIndex: 'className', key: 'class' },
    { title: t('crisis.list.risk'), key: 'risk', render: (_v, c) => <RiskTag risk={c.riskLevel} /> },
    { title: t('crisis.list.source'), key: 'source', render: (_v, c) => t(`crisis.source.${c.source}`) },
    { title: t('crisis.list.team'), key: 'team', render: (_v, c) => c.teamNames.join('、') },
    { title: t('crisis.list.openedAt'), key: 'openedAt', render: (_v, c) => fmt(c.openedAt) },
    {
      title: '', key: 'state', render: (_v, c) => (
        <Space size={4}>
          <CaseStatusTag status={c.status} />
          {c.overdueTasks > 0 && <Tag color="red" data-testid="crisis-overdue">{t('crisis.list.overdue', { n: c.overdueTasks })}</Tag>}
        </Space>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={<Typography.Title level={4} style={{ margin: 0 }}>{t('crisis.list.title')}</Typography.Title>}
        extra={can('crisis.manage') && <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpening(true)} data-testid="crisis-open">{t('crisis.list.open')}</Button>}
      >
        <Space wrap style={{ marginBottom: 16 }}>
          <Segmented
            value={status}
            onChange={(v) => { setStatus(v as typeof status); setPage(1); }}
            options={[{ value: 'open', label: t('crisis.status.open') }, { value: 'closed', label: t('crisis.status.closed') }, { value: 'all', label: t('crisis.list.statusAll') }]}
            data-testid="crisis-status-filter"
          />
          <Select allowClear style={{ width: 160 }} placeholder={t('crisis.list.allRisks')} value={risk} onChange={(v) => { setRisk(v); setPage(1); }} options={RISKS.map((r) => ({ value: r, label: t(`crisis.risk.${r}`) }))} data-testid="crisis-risk-filter" />
          <Input.Search allowClear style={{ width: 220 }} placeholder={t('crisis.list.search')} onSearch={(v) => { setQ(v); setPage(1); }} />
        </Space>
        {error ? <ErrorBox error={error} onRetry={reload} /> : (
          <Table<CrisisCaseItem>
            rowKey="id"
            size="middle"
            loading={loading}
            columns={columns}
            dataSource={data?.items ?? []}
            locale={{ emptyText: t('crisis.list.empty') }}
            pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
            data-testid="crisis-cases"
          />
        )}
      </Card>
      {opening && (
        <OpenCaseModal
          onClose={() => setOpening(false)}
          onOpened={(id, created) => {
            setOpening(false);
            if (!created) void message.info(t('crisis.openForm.joined'));
            void navigate(`/crisis/${id}`);
          }}
        />
      )}
    </Space>
  );
}
