import { useMemo } from 'react';
import { Breadcrumb, Card, Col, Empty, Progress, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { ArrowLeftOutlined, EditOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api } from '../../api/client';
import type { Items, Sweep, SweepCompletion } from '../../api/types';
import { ancestors, useOrgTree } from '../../app/orgTree';
import { useCan, useMe } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useQueryState } from '../../app/useQueryState';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { boundUnits, isWithin, SweepStateTag } from './shared';

type CompletionRow = SweepCompletion['rows'][number];
const pct = (done: number, total: number) => (total ? Math.round((done / total) * 100) : 0);

/**
 * 完成情况 of a sweep: students reviewed and classes finished per child unit (bureau → district →
 * school → class), counts only; a row opens the unit below. Starts at the widest unit the caller
 * works in that the sweep covers.
 */
export default function SweepCompletionPage() {
  const { t } = useTranslation();
  const me = useMe();
  const can = useCan();
  const { id = '' } = useParams();
  const { units, loading: treeLoading } = useOrgTree();
  const [f, setF] = useQueryState(['unitId'] as const);
  const sweeps = useAsync((signal) => api.get<Items<Sweep>>('/sweeps', undefined, { signal }), []);
  const sweep = sweeps.data?.items.find((s) => s.id === id);
  const byId = useMemo(() => new Map(units.map((u) => [u.id, u])), [units]);

  // the sweep's unit when it lies inside the caller's, else the caller's own unit inside the sweep's
  const start = useMemo(() => {
    if (!sweep) return undefined;
    const owner = byId.get(sweep.ownerUnitId);
    const bound = boundUnits(me, 'sweep.progress').sort((a, b) => a.path.length - b.path.length);
    if (owner && bound.some((b) => isWithin(owner.path, b.id))) return owner.id;
    return bound.find((b) => isWithin(b.path, sweep.ownerUnitId))?.id;
  }, [sweep, byId, me]);
  const unitId = f.unitId ? Number(f.unitId) : start;
  const { data, error, loading, reload } = useAsync(
    (signal) => (unitId ? api.get<SweepCompletion>(`/sweeps/${id}/completion`, { unitId }, { signal }) : Promise.resolve(undefined)),
    [id, unitId],
  );
  const reviewable = useMemo(() => new Set(boundUnits(me, 'sweep.review').map((b) => b.id)), [me]);

  if ((sweeps.loading || treeLoading) && !sweep) return <Loading />;
  if (!sweep) return <ErrorBox error={sweeps.error ?? new Error(t('app.notFound'))} onRetry={sweeps.reload} />;

  // the way back up from the unit shown to where the caller started
  const here = unitId ? byId.get(unitId) : undefined;
  const trail = here && start ? [...ancestors(units, here), here].filter((u) => u.id === start || isWithin(u.path, start)) : [];

  // a school's (or grade's, or class's) rows are its classes: nothing further down to open
  const rowsAreClasses = data !== undefined && ['school', 'grade', 'class'].includes(data.unit.kind);
  const columns: ColumnsType<CompletionRow> = [
    {
      title: t('sweep.done.col.unit'),
      dataIndex: 'name',
      render: (n: string, r) =>
        rowsAreClasses ? (
          n
        ) : (
          <a onClick={() => setF({ unitId: r.unitId })} data-testid={`sweep-drill-${r.unitId}`}>
            {n}
          </a>
        ),
    },
    { title: t('sweep.done.col.students'), dataIndex: 'students', width: 100 },
    { title: t('sweep.done.col.reviewed'), dataIndex: 'reviewed', width: 100, render: (n: number, r) => <span data-testid={`sweep-reviewed-${r.unitId}`}>{n}</span> },
    {
      title: t('sweep.done.col.progress'),
      key: 'progress',
      width: 220,
      render: (_v, r) => <Progress percent={pct(r.reviewed, r.students)} size="small" status={r.students > 0 && r.reviewed === r.students ? 'success' : 'normal'} />,
    },
    {
      title: t('sweep.done.col.classes'),
      key: 'classes',
      render: (_v, r) => (
        <Space size={6}>
          {rowsAreClasses ? (
            <Tag color={r.classes > 0 && r.classesDone === r.classes ? 'success' : 'warning'} data-testid={`sweep-class-state-${r.unitId}`} data-done={r.classes > 0 && r.classesDone === r.classes}>
              {r.classes > 0 && r.classesDone === r.classes ? t('sweep.done.complete') : t('sweep.done.incomplete')}
            </Tag>
          ) : (
            <span data-testid={`sweep-classes-${r.unitId}`}>{t('sweep.done.classesDone', { done: r.classesDone, total: r.classes })}</span>
          )}
          {can('sweep.review') && reviewable.has(r.unitId) && (
            <Link to={`/sweeps/${id}/classes/${r.unitId}`}>
              <EditOutlined /> {t('sweep.done.review')}
            </Link>
          )}
        </Space>
      ),
    },
  ];

  const classes = data?.rows.reduce((n, r) => n + r.classes, 0) ?? 0;
  const classesDone = data?.rows.reduce((n, r) => n + r.classesDone, 0) ?? 0;

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="sweep-completion-page">
      <Link to="/sweeps">
        <ArrowLeftOutlined /> {t('sweep.review.back')}
      </Link>
      <Space wrap align="center">
        <h1 className="xy-page-title" style={{ margin: 0 }}>
          {t('sweep.done.title', { name: sweep.name })}
        </h1>
        <SweepStateTag sweep={sweep} />
      </Space>
      <Typography.Text type="secondary">
        {sweep.term} · {sweep.start} ~ {sweep.end} · {t('sweep.done.hint')}
      </Typography.Text>
      {trail.length > 0 && (
        <Breadcrumb
          data-testid="sweep-trail"
          items={trail.map((u, i) => ({ key: u.id, title: i === trail.length - 1 ? u.name : <a onClick={() => setF({ unitId: u.id === start ? null : u.id })}>{u.name}</a> }))}
        />
      )}
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {!unitId && <Empty description={t('app.notFound')} />}
      {data && (
        <Row gutter={[12, 12]}>
          <Col xs={24} md={12}>
            <Card size="small">
              <Statistic title={t('sweep.done.students')} value={data.reviewed} suffix={`/ ${data.students}`} />
              <Progress percent={pct(data.reviewed, data.students)} showInfo={false} data-testid="sweep-total-progress" />
            </Card>
          </Col>
          <Col xs={24} md={12}>
            <Card size="small">
              <Statistic title={t('sweep.done.classes')} value={classesDone} suffix={`/ ${classes}`} />
              <Progress percent={pct(classesDone, classes)} showInfo={false} />
            </Card>
          </Col>
        </Row>
      )}
      {unitId !== undefined && (
        <Table<CompletionRow>
          rowKey="unitId"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={data?.rows.filter((r) => r.students > 0) ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: t('sweep.done.empty') }}
          onRow={(r) => ({ 'data-testid': `sweep-unit-${r.unitId}`, 'data-name': r.name }) as never}
          data-testid="sweep-completion-table"
        />
      )}
    </Space>
  );
}
