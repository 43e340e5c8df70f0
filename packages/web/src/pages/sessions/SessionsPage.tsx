import { useState } from 'react';
import { Alert, Button, Card, Space, Switch, Table, Tag, Typography } from 'antd';
import { LockOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import { useCan } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import type { Paged, SessionMeta } from './types';

/** 咨询记录: the school's session records as metadata (no notes), the caller's own on a switch. */
export default function SessionsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const [mine, setMine] = useState(can('session.write'));
  const [page, setPage] = useState(1);
  const { data, error, loading, reload } = useAsync((signal) => api.get<Paged<SessionMeta>>('/counseling/sessions', { mine: mine ? 'true' : undefined, page, pageSize: 20 }, { signal }), [mine, page]);
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="sessions-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t('counselingRecords.sessions.title')}</Typography.Title>
      <Alert type="info" showIcon icon={<LockOutlined />} title={t('counselingRecords.sessions.intro')} />
      <Card size="small">
        <Space style={{ marginBottom: 12 }} wrap>
          {can('session.write') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/sessions/new')} data-testid="session-new">
              {t('counselingRecords.sessions.new')}
            </Button>
          )}
          <span>
            <Switch checked={mine} onChange={(v) => { setMine(v); setPage(1); }} data-testid="sessions-mine" /> {t('counselingRecords.sessions.mine')}
          </span>
        </Space>
        {error ? <ErrorBox error={error} onRetry={reload} /> : (
          <Table<SessionMeta>
            rowKey="id"
            size="small"
            loading={loading}
            dataSource={data?.items ?? []}
            locale={{ emptyText: t('counselingRecords.sessions.empty') }}
            pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage }}
            data-testid="sessions-table"
            columns={[
              { title: t('counselingRecords.sessions.date'), dataIndex: 'date', width: 110 },
              { title: t('counselingRecords.sessions.student'), render: (_, r) => `${r.studentName}（${r.className}）` },
              { title: t('counselingRecords.sessions.kind'), render: (_, r) => t(`counselingRecords.kind.${r.kind}`), width: 100 },
              { title: t('counselingRecords.sessions.duration'), dataIndex: 'durationMinutes', width: 100 },
              { title: t('counselingRecords.sessions.counselor'), dataIndex: 'counselorName', width: 120 },
              {
                title: t('counselingRecords.sessions.links'),
                render: (_, r) => (
                  <Space size={4}>
                    {r.alertId && <Tag color="orange">{t('counselingRecords.sessions.alert')}</Tag>}
                    {r.crisisCaseId && <Tag color="red">{t('counselingRecords.sessions.crisis')}</Tag>}
                  </Space>
                ),
              },
              {
                title: '',
                width: 170,
                render: (_, r) => (r.canReadNotes
                  ? <Link to={`/sessions/${r.id}`} data-testid={`session-open-${r.id}`}>{t('counselingRecords.sessions.open')}</Link>
                  : <Typography.Text type="secondary"><LockOutlined /> {t('counselingRecords.sessions.notesLocked')}</Typography.Text>),
              },
            ]}
          />
        )}
      </Card>
    </Space>
  );
}
