import { useMemo, useState } from 'react';
import { Breadcrumb, Button, Card, Progress, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api } from '../../api/client';
import type { Items } from '../../api/types';
import { useCan, useMe } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { boundUnits, isWithin, SweepStateTag } from '../sweep/shared';
import type { StaffSweep, StaffSweepCompletion } from './shared';

type Row = StaffSweepCompletion['rows'][number];
type Count = Row['staff'];

function CountCell({ c }: { c: Count | null }) {
  const { t } = useTranslation();
  if (!c) return <>—</>;
  return (
    <Space size={8}>
      <Progress type="circle" size={28} percent={c.people ? Math.round((c.reviewed / c.people) * 100) : 100} showInfo={false} />
      <span data-testid="staffsweep-count">{t('staffCare.completion.reviewed', c)}</span>
    </Space>
  );
}

/**
 * One staff sweep: how far it has come under the caller's unit, counts only, one level down (a
 * district by school, a city by district), with the caller's own reviews to do: a school leader their
 * school's staff, the bureau the leaders of each school and its own staff.
 */
export default function StaffSweepPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const me = useMe();
  const can = useCan();
  const sweeps = useAsync((signal) => api.get<Items<StaffSweep>>('/staffcare/sweeps', undefined, { signal }), []);
  const sweep = sweeps.data?.items.find((s) => s.id === id);
  const home = useMemo(() => boundUnits(me, 'staffcare.read')[0]?.id, [me]);
  const [trail, setTrail] = useState<{ id: number; name: string }[]>([]);
  const unitId = trail.at(-1)?.id ?? home;
  const { data, error, loading, reload } = useAsync(
    (signal) => (unitId ? api.get<StaffSweepCompletion>(`/staffcare/sweeps/${id}/completion`, { unitId }, { signal }) : Promise.reject(new Error('no unit'))),
    [id, unitId],
  );
  const toReview = useMemo(() => (sweep ? boundUnits(me, 'staffcare.review').filter((b) => isWithin(b.path, sweep.ownerUnitId)) : []), [me, sweep]);
  const columns: ColumnsType<Row> = [
    {
      title: t('staffCare.completion.unit'),
      key: 'name',
      render: (_v, r) =>
        r.kind === 'district' && r.unitId !== data?.unit.id ? (
          <a onClick={() => setTrail([...trail, { id: r.unitId, name: r.name }])}>{r.name}</a>
        ) : (
          r.name
        ),
    },
    { title: t('staffCare.completion.staff'), key: 'staff', render: (_v, r) => <CountCell c={r.staff} /> },
    ...(data?.leaders
      ? [
          { title: t('staffCare.completion.leaders'), key: 'leaders', render: (_v: unknown, r: Row) => <CountCell c={r.leaders} /> },
          {
            title: '',
            key: 'review',
            render: (_v: unknown, r: Row) =>
              can('staffcare.leaders') && (r.kind === 'school' || r.unitId === data.unit.id) && (r.leaders?.people ?? 0) > 0 ? (
                <Link to={`/staffcare/sweeps/${id}/groups/${r.unitId}/leaders`} data-testid="staffsweep-review-leaders">
                  {t('staffCare.completion.reviewLeaders')}
                </Link>
              ) : null,
          },
        ]
      : []),
  ];
  if (sweeps.loading && !sweeps.data) return <Loading />;
  if (!sweep) return <ErrorBox error={sweeps.error ?? new Error(t('staffCare.detail.notFound'))} onRetry={sweeps.reload} />;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Link to="/staffcare">
        <ArrowLeftOutlined /> {t('staffCare.detail.back')}
      </Link>
      <div>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {sweep.name} <SweepStateTag sweep={sweep} />
        </Typography.Title>
        <Typography.Text type="secondary">
          {sweep.ownerName} · {sweep.start} ~ {sweep.end}
        </Typography.Text>
      </div>
      {toReview.length > 0 && (
        <Space wrap>
          {toReview.map((u) => (
            <Link key={u.id} to={`/staffcare/sweeps/${id}/groups/${u.id}/staff`}>
              <Button type="primary" data-testid="staffsweep-review-staff">{t('staffCare.completion.reviewStaff')}</Button>
            </Link>
          ))}
        </Space>
      )}
      <Card size="small" title={t('staffCare.completion.title')} extra={<Typography.Text type="secondary">{t('staffCare.completion.hint')}</Typography.Text>}>
        {trail.length > 0 && (
          <Breadcrumb
            style={{ marginBottom: 8 }}
            items={[{ title: <a onClick={() => setTrail([])}>{t('staffCare.completion.unit')}</a> }, ...trail.map((u, i) => ({ title: <a onClick={() => setTrail(trail.slice(0, i + 1))}>{u.name}</a> }))]}
          />
        )}
        {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
        {data && (
          <Space size={24} style={{ marginBottom: 12 }} wrap>
            <span>
              {data.unit.name} · {t('staffCare.completion.staff')} <CountCell c={data.staff} />
            </span>
            {data.leaders && (
              <span>
                {t('staffCare.completion.leaders')} <CountCell c={data.leaders} />
              </span>
            )}
          </Space>
        )}
        <Table<Row> rowKey="unitId" size="small" loading={loading} columns={columns} dataSource={data?.rows ?? []} pagination={false} data-testid="staffsweep-completion" />
      </Card>
    </Space>
  );
}
