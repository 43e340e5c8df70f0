import { useState } from 'react';
import { Button, Segmented, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import dayjs from 'dayjs';
import { api } from '../../api/client';
import type { Campaign, Items } from '../../api/types';
import { useCan } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useQueryState } from '../../app/useQueryState';
import { ErrorBox } from '../../components/ErrorBox';
import { CampaignFormModal } from './CampaignFormModal';

const STATUS_COLOR: Record<Campaign['status'], string> = { draft: 'default', published: 'processing', closed: 'success' };
const STATUSES = ['draft', 'published', 'closed'] as const;

/** 草稿 / 进行中 / 已结束, and for an open campaign whether today is outside its window. */
export function CampaignStatusTag({ campaign }: { campaign: Pick<Campaign, 'status' | 'window'> }) {
  const { t } = useTranslation();
  const today = dayjs().format('YYYY-MM-DD');
  return (
    <Space size={4} wrap>
      <Tag color={STATUS_COLOR[campaign.status]} data-testid="campaign-status" style={{ marginInlineEnd: 0 }}>
        {t(`campaigns.status.${campaign.status}`)}
      </Tag>
      {campaign.status === 'published' && today < campaign.window.start && <Tag color="gold">{t('campaigns.notYetOpen')}</Tag>}
      {campaign.status === 'published' && today > campaign.window.end && <Tag color="orange">{t('campaigns.windowPassed')}</Tag>}
    </Space>
  );
}

export const windowText = (w: Campaign['window']) => `${w.start} ~ ${w.end}`;

/** 测评活动: the campaigns the caller's unit started and those sent down to it. */
export default function CampaignListPage() {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const [q, setQ] = useQueryState(['status'] as const);
  const status = STATUSES.find((s) => s === q.status);
  const { data, error, loading, reload } = useAsync((signal) => api.get<Items<Campaign>>('/screening/campaigns', { status }, { signal }), [status]);
  const [creating, setCreating] = useState(false);

  const columns: ColumnsType<Campaign> = [
    {
      title: t('campaigns.name'),
      dataIndex: 'title',
      render: (v: string, c) => (
        <Link to={`/screening/campaigns/${c.id}`} data-testid={`campaign-link-${c.id}`}>
          {v}
        </Link>
      ),
    },
    { title: t('campaigns.version'), dataIndex: 'version', width: 80, render: (n: number) => t('campaigns.versionN', { n }) },
    { title: t('campaigns.window'), key: 'window', width: 220, render: (_v, c) => windowText(c.window) },
    { title: t('campaigns.state'), key: 'status', width: 190, render: (_v, c) => <CampaignStatusTag campaign={c} /> },
    { title: t('campaigns.owner'), key: 'owner', width: 200, ellipsis: true, render: (_v, c) => c.owner.name },
    { title: t('campaigns.targets'), key: 'targets', ellipsis: true, render: (_v, c) => c.targets.map((u) => u.name).join('、') },
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="campaign-list-page">
      <h1 className="xy-page-title">{t('campaigns.title')}</h1>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('campaigns.hint')}
      </Typography.Paragraph>
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Segmented
          value={status ?? 'all'}
          onChange={(v) => setQ({ status: v === 'all' ? undefined : v })}
          options={[{ value: 'all', label: t('campaigns.statusAll') }, ...STATUSES.map((s) => ({ value: s, label: t(`campaigns.status.${s}`) }))]}
          data-testid="campaign-status-filter"
        />
        {can('screening.manage') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="campaign-create">
            {t('campaigns.create')}
          </Button>
        )}
      </Space>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<Campaign>
        rowKey="id"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('campaigns.empty') }}
        scroll={{ x: 1000 }}
        data-testid="campaign-table"
      />
      <CampaignFormModal
        open={creating}
        onClose={() => setCreating(false)}
        onSaved={(c) => {
          setCreating(false);
          void navigate(`/screening/campaigns/${c.id}`);
        }}
      />
    </Space>
  );
}
