import type { ReactNode } from 'react';
import { Alert, Button, Card, Col, Empty, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { ArrowUpOutlined, ReloadOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ROLE_INFO } from '@xinyu/core';
import { api } from '../../api/client';
import type { WarningBoard } from '../../api/boardTypes';
import type { Me } from '../../api/types';
import { useCan, useMe } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useQueryState } from '../../app/useQueryState';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { Count } from '../screening/results/shared';
import { LEVEL_TEXT, LEVELS } from './shared';

type Row = WarningBoard['rows'][number];
const KINDS = ['city', 'district', 'school', 'grade', 'class'] as const;
const isKind = (k: string): k is (typeof KINDS)[number] => (KINDS as readonly string[]).includes(k);
type Owner = WarningBoard['owners'][number];

/** The widest unit whose board the user may see: the board opens there. */
export function homeBoardUnit(me: Me): { id: number; path: string } | null {
  const units = me.roles
    .filter((r) => r.orgUnitId !== null && r.orgPath !== null && ROLE_INFO[r.role].permissions.includes('alert.board'))
    .map((r) => ({ id: r.orgUnitId!, path: r.orgPath! }))
    .sort((a, b) => a.path.length - b.path.length);
  return units[0] ?? null;
}

/** A count; a link to the alert list filtered the same way (by unit) when the caller may read the unit's alerts. */
function Figure({ value, to, testId }: { value: number | null; to: string | null; testId: string }) {
  if (value === null || !to || value === 0) return <Count value={value} testId={testId} />;
  return (
    <Link to={to} data-testid={testId}>
      {value}
    </Link>
  );
}

/** 预警看板: open alerts of a unit by level, status and tier, per child unit, and (in a school) who owns what. */
export default function BoardPage() {
  const { t } = useTranslation();
  const me = useMe();
  const can = useCan();
  const [q, setQ] = useQueryState(['unitId'] as const);
  const home = homeBoardUnit(me);
  const unitId = Number(q.unitId ?? home?.id ?? 0);
  const { data: b, error, loading, reload } = useAsync((signal) => (unitId ? api.get<WarningBoard>('/warning/board', { unitId }, { signal }) : Promise.resolve(undefined)), [unitId]);

  if (!home && !q.unitId) return <Empty description={t('warning.board.noUnit')} />;
  if (loading && !b) return <Loading />;
  if (error !== undefined || !b) return <ErrorBox error={error} onRetry={reload} />;

  // the alert list filtered by a unit shows exactly the alerts this board counts there (its own unit, or a row's)
  const listable = can('alert.read') && b.listable;
  const to = (query: string, unit = b.unit.id) => (listable ? `/alerts?unitId=${unit}&${query}` : null);
  const childKind = b.unit.kind === 'city' ? 'district' : b.unit.kind === 'district' ? 'school' : 'class';
  const atHome = b.unit.id === home?.id;

  const stat = (title: ReactNode, value: number | null, link: string | null, key: string, color?: string) => (
    <Card size="small" data-testid={`board-${key}`}>
      <Statistic title={title} valueRender={() => <span style={{ color }}><Figure value={value} to={link} testId={`board-${key}-value`} /></span>} />
    </Card>
  );

  const cell = (k: 'red' | 'orange' | 'yellow' | 'overdue') => (v: number | null, r: Row) => (
    <Figure value={v} to={to(k === 'overdue' ? 'overdue=true' : `level=${k}`, r.unitId)} testId={`board-row-${r.unitId}-${k}`} />
  );
  const columns: ColumnsType<Row> = [
    {
      title: t('warning.board.col.name'),
      dataIndex: 'name',
      render: (v: string, r) => (
        <Link to={`/alerts/board?unitId=${r.unitId}`} data-testid={`board-row-${r.unitId}`}>
          {v}
        </Link>
      ),
    },
    ...LEVELS.map((l) => ({ title: <span style={{ color: LEVEL_TEXT[l] }}>{t(`warning.board.col.${l}`)}</span>, dataIndex: l, width: 90, align: 'right' as const, render: cell(l) })),
    { title: t('warning.board.col.overdue'), dataIndex: 'overdue', width: 90, align: 'right', render: cell('overdue') },
  ];
  const ownerColumns: ColumnsType<Owner> = [
    { title: t('warning.board.col.owner'), dataIndex: 'name' },
    { title: t('warning.board.col.openCount'), dataIndex: 'open', width: 120, align: 'right' },
    { title: t('warning.board.col.overdueCount'), dataIndex: 'overdue', width: 120, align: 'right', render: (v: number) => (v ? <Typography.Text type="danger">{v}</Typography.Text> : v) },
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="board-page" data-unit={b.unit.id} data-suppressed={b.suppressed}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Space wrap align="center">
          <h1 className="xy-page-title" style={{ margin: 0 }}>
            {t('warning.board.title')}
          </h1>
          <Tag data-testid="board-unit">
            {isKind(b.unit.kind) ? t(`warning.board.kind.${b.unit.kind}`) : b.unit.kind} · {b.unit.name}
          </Tag>
        </Space>
        <Space>
          {!atHome && home && (
            <Button icon={<ArrowUpOutlined />} onClick={() => setQ({ unitId: null })} data-testid="board-home">
              {t('warning.board.up')}
            </Button>
          )}
          {can('alert.read') && (
            <Link to={listable ? `/alerts?unitId=${b.unit.id}` : '/alerts'} data-testid="board-open-list">
              <Button>{t('warning.board.openList')}</Button>
            </Link>
          )}
          <Button icon={<ReloadOutlined />} onClick={reload} aria-label="reload" />
        </Space>
      </Space>
      <Typography.Text type="secondary">{t('warning.board.hint')}</Typography.Text>
      {b.suppressed && <Alert type="info" showIcon title={t('warning.board.suppressedNote')} data-testid="board-suppressed" />}
      <Row gutter={[12, 12]}>
        {LEVELS.map((l) => (
          <Col xs={12} md={6} key={l}>
            {stat(t(`warning.level.${l}`), b.open[l], to(`level=${l}`), l, LEVEL_TEXT[l])}
          </Col>
        ))}
        <Col xs={12} md={6}>
          {stat(t('warning.board.overdue'), b.open.overdue, to('overdue=true'), 'overdue', '#cf1322')}
        </Col>
      </Row>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('warning.board.byStatus')} data-testid="board-by-status">
            <Row gutter={12}>
              {(['new', 'acknowledged', 'assessing'] as const).map((s) => (
                <Col span={8} key={s}>
                  <Statistic title={t(`warning.status.${s}`)} valueRender={() => <Figure value={b.byStatus[s]} to={to(`status=${s}`)} testId={`board-status-${s}`} />} />
                </Col>
              ))}
            </Row>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('warning.board.byTier')} data-testid="board-by-tier">
            <Row gutter={12}>
              {(['class', 'counselor', 'leader', 'bureau'] as const).map((k) => (
                <Col span={6} key={k}>
                  <Statistic title={t(`warning.tier.${k}`)} valueRender={() => <Count value={b.byTier[k]} testId={`board-tier-${k}`} />} />
                </Col>
              ))}
            </Row>
          </Card>
        </Col>
        <Col xs={24} lg={4}>
          <Card size="small">
            <Statistic title={t('warning.board.handled30d')} valueRender={() => <Count value={b.handled30d} testId="board-handled" />} />
          </Card>
        </Col>
      </Row>
      {b.unit.kind !== 'class' && (
        <Card size="small" title={t(`warning.board.rows.${childKind}`)}>
          <Table<Row> rowKey="unitId" size="small" columns={columns} dataSource={b.rows} pagination={false} data-testid="board-rows" scroll={{ x: 560 }} />
        </Card>
      )}
      {!b.suppressed && (
        <Card size="small" title={t('warning.board.owners')}>
          <Table<Owner>
            rowKey={(o) => o.ownerId ?? 'none'}
            size="small"
            columns={ownerColumns}
            dataSource={b.owners}
            pagination={false}
            locale={{ emptyText: t('warning.board.ownersEmpty') }}
            data-testid="board-owners"
          />
        </Card>
      )}
    </Space>
  );
}
