import { useState } from 'react';
import { Alert, Button, Card, Popconfirm, Select, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useAsync } from '../../app/useAsync';
import { useSendOnceFor } from '../../app/useSendOnce';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { fmtTime } from './shared';
import type { SupervisorList } from './types';

/** 咨询督导: the school's designated supervisors; a school leader designates and removes them. */
export default function SupervisorsPage() {
  const { t } = useTranslation();
  const { data, error, loading, reload } = useAsync((signal) => api.get<SupervisorList>('/counseling/supervisors', undefined, { signal }), []);
  const [saved, setSaved] = useState<SupervisorList | null>(null);
  const [pick, setPick] = useState<string | undefined>();
  const { busyKey, problem, send } = useSendOnceFor();
  const list = saved ?? data;
  if (loading && !list) return <Loading />;
  if (!list) return <ErrorBox error={error} onRetry={reload} />;

  const add = () => pick && send('add', async () => {
    setSaved(await api.post<SupervisorList>('/counseling/supervisors', { schoolId: list.school.id, accountId: pick }));
    setPick(undefined);
  });
  const remove = (id: string) => send(id, async () => setSaved(await api.del<SupervisorList>(`/counseling/supervisors/${id}`)));

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%', maxWidth: 820 }} data-testid="supervisors-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t('counselingRecords.supervisors.title')}（{list.school.name}）</Typography.Title>
      <Alert type="info" showIcon title={t('counselingRecords.supervisors.intro')} />
      {!list.canManage && <Alert type="warning" title={t('counselingRecords.supervisors.readOnly')} data-testid="supervisors-readonly" />}
      <Card size="small">
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={list.items}
          locale={{ emptyText: t('counselingRecords.supervisors.none') }}
          data-testid="supervisors-table"
          columns={[
            { title: t('counselingRecords.supervisors.name'), dataIndex: 'name' },
            { title: t('counselingRecords.supervisors.since'), render: (_, r) => fmtTime(r.createdAt) },
            { title: t('counselingRecords.supervisors.by'), dataIndex: 'designatedByName' },
            ...(list.canManage ? [{
              title: '',
              width: 90,
              render: (_: unknown, r: SupervisorList['items'][number]) => (
                <Popconfirm title={t('counselingRecords.supervisors.removeConfirm', { name: r.name })} onConfirm={() => void remove(r.id)}>
                  <Button size="small" danger loading={busyKey === r.id} data-testid={`supervisor-remove-${r.accountId}`}>{t('counselingRecords.supervisors.remove')}</Button>
                </Popconfirm>
              ),
            }] : []),
          ]}
        />
        {list.canManage && (
          <Space style={{ marginTop: 12 }} wrap>
            <Select
              style={{ width: 280 }}
              value={pick}
              onChange={setPick}
              placeholder={t('counselingRecords.supervisors.pick')}
              options={list.candidates.filter((c) => !c.designated).map((c) => ({ value: c.accountId, label: `${c.name}（${c.roles.map((r) => (r === 'counselor' || r === 'school_leader' ? t(`warning.role.${r}`) : r)).join('、')}）` }))}
              data-testid="supervisor-pick"
            />
            <Button type="primary" disabled={!pick} loading={busyKey === 'add'} onClick={() => void add()} data-testid="supervisor-add">{t('counselingRecords.supervisors.add')}</Button>
          </Space>
        )}
        {problem && <Alert type="error" showIcon title={problem} style={{ marginTop: 8 }} />}
      </Card>
    </Space>
  );
}
