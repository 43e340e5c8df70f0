import { useState } from 'react';
import { Alert, Button, Card, Segmented, Space, Table, Tag, Typography } from 'antd';
import { SettingOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import { useCan } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { fmtTime } from './shared';
import type { MailboxThreadStaff, Paged } from './types';

export const MailboxStatusTag = ({ status }: { status: MailboxThreadStaff['status'] }) => {
  const { t } = useTranslation();
  return <Tag color={status === 'open' ? 'blue' : status === 'answered' ? 'green' : 'default'}>{t(`counselingRecords.mailbox.status.${status}`)}</Tag>;
};

/** 心灵信箱 for the school's counselors: priority letters first (a keyword triage aid), then the rest. */
export default function MailboxPage() {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const [filter, setFilter] = useState<'active' | 'all'>('active');
  const [page, setPage] = useState(1);
  const { data, error, loading, reload } = useAsync((signal) => api.get<Paged<MailboxThreadStaff>>('/mailbox/threads', { status: filter === 'active' ? 'active' : undefined, page, pageSize: 20 }, { signal }), [filter, page]);
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="mailbox-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t('counselingRecords.mailbox.title')}</Typography.Title>
      <Alert type="warning" showIcon title={t('counselingRecords.mailbox.triage')} data-testid="mailbox-triage" />
      <Card size="small">
        <Space style={{ marginBottom: 12 }} wrap>
          <Segmented value={filter} onChange={(v) => { setFilter(v as 'active' | 'all'); setPage(1); }} options={[{ value: 'active', label: t('counselingRecords.mailbox.filter.active') }, { value: 'all', label: t('counselingRecords.mailbox.filter.all') }]} />
          {can('config.write') && <Button icon={<SettingOutlined />} onClick={() => void navigate('/config/mailbox-rules')}>{t('counselingRecords.mailbox.rules')}</Button>}
        </Space>
        {error ? <ErrorBox error={error} onRetry={reload} /> : (
          <Table<MailboxThreadStaff>
            rowKey="id"
            size="small"
            loading={loading}
            dataSource={data?.items ?? []}
            locale={{ emptyText: t('counselingRecords.mailbox.empty') }}
            pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage }}
            data-testid="mailbox-table"
            columns={[
              {
                title: t('counselingRecords.mailbox.subject'),
                render: (_, r) => (
                  <Space size={4} wrap>
                    {r.priority && r.status !== 'closed' && <Tag color="red" data-testid={`mailbox-priority-${r.id}`}>{t('counselingRecords.mailbox.priority')}</Tag>}
                    <Link to={`/mailbox/${r.id}`} data-testid={`mailbox-open-${r.id}`}>{r.subject}</Link>
                  </Space>
                ),
              },
              { title: t('counselingRecords.mailbox.from'), width: 200, render: (_, r) => (r.anonymous ? <Tag>{t('counselingRecords.mailbox.anonymous')}</Tag> : `${r.studentName ?? ''}（${r.className ?? ''}）`) },
              { title: '', width: 90, render: (_, r) => <MailboxStatusTag status={r.status} /> },
              { title: t('counselingRecords.mailbox.messages'), dataIndex: 'messageCount', width: 80 },
              { title: t('counselingRecords.mailbox.last'), width: 170, render: (_, r) => fmtTime(r.lastMessageAt) },
            ]}
          />
        )}
      </Card>
    </Space>
  );
}
