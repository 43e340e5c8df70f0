import { useMemo, useState } from 'react';
import { App, Button, Card, Col, Descriptions, Empty, Input, Popconfirm, Row, Space, Switch, Table, Tag, Tree, Typography } from 'antd';
import { EditOutlined, PlusOutlined, SwapOutlined, StopOutlined, CheckCircleOutlined, ExportOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, errorMessage } from '../../api/client';
import type { Dormitory, Items, OrgUnit } from '../../api/types';
import { ancestors, buildTree, invalidateOrgTree, useOrgTree, type UnitNode } from '../../app/orgTree';
import { useCan } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { childKinds, MoveUnitModal, UnitFormModal } from './unitForms';

function filterTree(nodes: UnitNode[], q: string): UnitNode[] {
  const out: UnitNode[] = [];
  for (const n of nodes) {
    const kids = n.children ? filterTree(n.children, q) : [];
    if (n.title.includes(q) || kids.length) out.push({ ...n, children: kids.length ? kids : n.children?.length && n.title.includes(q) ? n.children : undefined });
  }
  return out;
}

export function UnitInfo({ unit, units }: { unit: OrgUnit; units: OrgUnit[] }) {
  const { t } = useTranslation();
  const path = ancestors(units, unit);
  return (
    <Descriptions
      size="small"
      column={{ xs: 1, sm: 2 }}
      items={[
        { key: 'kind', label: t('org.kind'), children: t(`orgKind.${unit.kind}`) },
        { key: 'path', label: t('org.path'), children: path.length ? path.map((p) => p.name).join(' / ') : '—' },
        ...(unit.code ? [{ key: 'code', label: t('org.code'), children: unit.code }] : []),
        ...(unit.kind === 'school'
          ? [
              { key: 'sk', label: t('org.schoolKind'), children: unit.schoolKind ? t(`schoolKind.${unit.schoolKind}`) : '—' },
              { key: 'b', label: t('org.boarding'), children: unit.boarding ? t('common.yes') : t('common.no') },
            ]
          : []),
        { key: 'count', label: t('org.studentCount'), children: <span data-testid="unit-student-count">{unit.studentCount}</span> },
        {
          key: 'active',
          label: t('org.active'),
          children: unit.active ? <Tag color="green">{t('org.activeYes')}</Tag> : <Tag>{t('org.activeNo')}</Tag>,
        },
      ]}
    />
  );
}

function Dormitories({ unit, canWrite }: { unit: OrgUnit; canWrite: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [name, setName] = useState('');
  const { data, error, loading, reload } = useAsync((signal) => api.get<Items<Dormitory>>(`/org/units/${unit.id}/dormitories`, undefined, { signal }), [unit.id]);
  return (
    <Card size="small" title={t('org.dormitories')}>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<Dormitory>
        size="small"
        rowKey="id"
        loading={loading}
        dataSource={data?.items ?? []}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        locale={{ emptyText: t('common.none') }}
        columns={[
          { title: t('org.dormName'), dataIndex: 'name' },
          { title: t('org.studentCount'), dataIndex: 'studentCount', width: 100 },
        ]}
      />
      {canWrite && (
        <Space.Compact style={{ marginTop: 8 }}>
          <Input value={name} onChange={(e) => setName(e.target.value)} placeholder={t('org.dormName')} maxLength={30} />
          <Button
            icon={<PlusOutlined />}
            disabled={!name.trim()}
            onClick={() =>
              void api
                .post(`/org/units/${unit.id}/dormitories`, { name: name.trim() })
                .then(() => {
                  setName('');
                  reload();
                })
                .catch((e: unknown) => void message.error(errorMessage(e)))
            }
          >
            {t('org.addDorm')}
          </Button>
        </Space.Compact>
      )}
    </Card>
  );
}

export function UnitActions({ unit, onChanged }: { unit: OrgUnit; onChanged: (u: OrgUnit) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [modal, setModal] = useState<'create' | 'edit' | 'move' | null>(null);
  const kinds = childKinds(unit.kind);
  return (
    <>
      <Space wrap>
        {kinds.length > 0 && unit.active && (
          <Button icon={<PlusOutlined />} onClick={() => setModal('create')} data-testid="unit-add-child">
            {t('org.addChild')}
          </Button>
        )}
        <Button icon={<EditOutlined />} onClick={() => setModal('edit')} data-testid="unit-edit">
          {t('common.edit')}
        </Button>
        {unit.kind !== 'city' && (
          <Button icon={<SwapOutlined />} onClick={() => setModal('move')} data-testid="unit-move">
            {t('org.move')}
          </Button>
        )}
        {unit.kind !== 'city' &&
          (unit.active ? (
            <Popconfirm
              title={t('org.deactivateConfirm', { name: unit.name })}
              onConfirm={() =>
                api
                  .patch<OrgUnit>(`/org/units/${unit.id}`, { active: false })
                  .then((u) => {
                    invalidateOrgTree();
                    onChanged(u);
                  })
                  .catch((e: unknown) => void message.error(errorMessage(e)))
              }
            >
              <Button danger icon={<StopOutlined />} data-testid="unit-deactivate">
                {t('org.deactivate')}
              </Button>
            </Popconfirm>
          ) : (
            <Button
              icon={<CheckCircleOutlined />}
              onClick={() =>
                void api
                  .patch<OrgUnit>(`/org/units/${unit.id}`, { active: true })
                  .then((u) => {
                    invalidateOrgTree();
                    onChanged(u);
                  })
                  .catch((e: unknown) => void message.error(errorMessage(e)))
              }
            >
              {t('org.activate')}
            </Button>
          ))}
      </Space>
      <UnitFormModal
        open={modal === 'create' || modal === 'edit'}
        mode={modal === 'edit' ? 'edit' : 'create'}
        unit={unit}
        onClose={() => setModal(null)}
        onSaved={(u) => {
          setModal(null);
          onChanged(u);
        }}
      />
      <MoveUnitModal
        open={modal === 'move'}
        unit={unit}
        onClose={() => setModal(null)}
        onSaved={(u) => {
          setModal(null);
          onChanged(u);
        }}
      />
    </>
  );
}

export default function OrgTreePage() {
  const { t } = useTranslation();
  const can = useCan();
  const { units, loading, error } = useOrgTree();
  const [q, setQ] = useState('');
  const [showInactive, setShowInactive] = useState(false);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [expanded, setExpanded] = useState<React.Key[] | null>(null);

  const tree = useMemo(() => buildTree(units, { includeInactive: showInactive }), [units, showInactive]);
  const shown = useMemo(() => (q.trim() ? filterTree(tree, q.trim()) : tree), [tree, q]);
  const defaultExpanded = useMemo(() => {
    const schools = units.filter((u) => u.kind === 'school').length;
    return units.filter((u) => u.kind === 'city' || u.kind === 'district' || (schools <= 2 && u.kind === 'school')).map((u) => u.id);
  }, [units]);
  const selected = units.find((u) => u.id === selectedId) ?? null;
  const children = selected ? units.filter((u) => u.parentId === selected.id && (showInactive || u.active)) : [];

  if (loading && !units.length) return <Loading />;
  return (
    <div data-testid="org-page">
      <h1 className="xy-page-title">{t('org.title')}</h1>
      {error !== undefined && <ErrorBox error={error} onRetry={invalidateOrgTree} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} md={10} lg={8}>
          <Card size="small" styles={{ body: { maxHeight: 'calc(100vh - 200px)', overflow: 'auto' } }}>
            <Space orientation="vertical" style={{ width: '100%' }}>
              <Input.Search allowClear placeholder={t('org.searchPlaceholder')} onChange={(e) => setQ(e.target.value)} data-testid="org-search" />
              <Space>
                <Switch size="small" checked={showInactive} onChange={setShowInactive} />
                <Typography.Text type="secondary">{t('org.showInactive')}</Typography.Text>
              </Space>
              <Tree<UnitNode>
                data-testid="org-tree"
                treeData={shown}
                selectedKeys={selectedId ? [selectedId] : []}
                expandedKeys={q.trim() ? shown.flatMap(function keys(n): number[] { return [n.key, ...(n.children ?? []).flatMap(keys)]; }) : (expanded ?? defaultExpanded)}
                onExpand={(keys) => setExpanded(keys)}
                onSelect={(keys) => setSelectedId(typeof keys[0] === 'number' ? keys[0] : null)}
                titleRender={(n) => (
                  <span style={{ color: n.active ? undefined : '#999' }}>
                    {n.title}
                    <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 6 }}>
                      {n.unit.studentCount}
                    </Typography.Text>
                  </span>
                )}
              />
            </Space>
          </Card>
        </Col>
        <Col xs={24} md={14} lg={16}>
          {!selected ? (
            <Card>
              <Empty description={t('org.selectHint')} />
            </Card>
          ) : (
            <Space orientation="vertical" size={16} style={{ width: '100%' }}>
              <Card
                title={selected.name}
                data-testid="unit-panel"
                extra={
                  <Link to={`/org/units/${selected.id}`} data-testid="unit-open">
                    <ExportOutlined /> {t('org.open')}
                  </Link>
                }
              >
                <UnitInfo unit={selected} units={units} />
                {can('org.write') && (
                  <div style={{ marginTop: 12 }}>
                    <UnitActions unit={selected} onChanged={(u) => setSelectedId(u.id)} />
                  </div>
                )}
              </Card>
              {children.length > 0 && (
                <Card size="small" title={t('org.children')}>
                  <Space wrap>
                    {children.map((c) => (
                      <Tag key={c.id} style={{ cursor: 'pointer', padding: '2px 8px' }} onClick={() => setSelectedId(c.id)} color={c.active ? 'blue' : 'default'}>
                        {c.name} · {c.studentCount}
                      </Tag>
                    ))}
                  </Space>
                </Card>
              )}
              {selected.kind === 'school' && selected.boarding && <Dormitories unit={selected} canWrite={can('org.write')} />}
            </Space>
          )}
        </Col>
      </Row>
    </div>
  );
}
