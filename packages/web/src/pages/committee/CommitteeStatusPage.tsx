import { useEffect, useMemo, useState } from 'react';
import { Card, DatePicker, Drawer, Empty, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { ROLE_INFO, type OrgKind } from '@xinyu/core';
import { api } from '../../api/client';
import type { CommitteeClassStatus, CommitteeReport, CommitteeStatus, Items } from '../../api/types';
import { useOrgTree } from '../../app/orgTree';
import { useMe } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useQueryState } from '../../app/useQueryState';
import { ErrorBox } from '../../components/ErrorBox';
import { OrgUnitSelect } from '../../components/OrgUnitSelect';
import { ReportCard } from './CommitteeReportPage';

const KINDS: OrgKind[] = ['school', 'grade', 'class'];
const ORDER: Record<string, number> = { school: 0, grade: 1, class: 2 };
const D = 'YYYY-MM-DD';

/** Monday of this week to today. */
function thisWeek(): [string, string] {
  const now = dayjs();
  return [now.subtract((now.day() + 6) % 7, 'day').format(D), now.format(D)];
}

function ClassReports({ cls, from, to, onClose }: { cls: CommitteeClassStatus; from: string; to: string; onClose: () => void }) {
  const { t } = useTranslation();
  const { data, error, loading, reload } = useAsync((signal) => api.get<Items<CommitteeReport>>('/committee/reports', { classId: cls.classId, from, to }, { signal }), [cls.classId, from, to]);
  return (
    <Drawer open onClose={onClose} title={t('committee.reportsOf', { name: cls.className })} size="min(520px, 100vw)" loading={loading} data-testid="committee-class-reports">
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {data?.items.length === 0 && <Empty description={t('committee.noReports')} />}
      <Space orientation="vertical" size={8} style={{ width: '100%' }} className="xy-ans">
        {data?.items.map((r) => (
          <div key={r.id} data-testid="committee-class-report">
            <ReportCard r={r} />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('committee.reporter')}：{r.reporterName}
            </Typography.Text>
          </div>
        ))}
      </Space>
    </Drawer>
  );
}

/** 心理委员报告: which classes reported on which school days, missed days in red, and how many concerns. */
export default function CommitteeStatusPage() {
  const { t } = useTranslation();
  const { units } = useOrgTree();
  const [f, setF] = useQueryState(['unitId', 'from', 'to'] as const);
  const [week] = useState(thisWeek);
  const from = f.from ?? week[0];
  const to = f.to ?? week[1];
  const me = useMe();
  // the units the caller reads committee reports for (a head teacher's class, a leader's school)
  const bound = useMemo(
    () => [...new Set(me.roles.filter((r) => r.orgUnitId !== null && (ROLE_INFO[r.role].permissions as readonly string[]).includes('committee.read')).map((r) => r.orgUnitId!))],
    [me],
  );
  // start with the widest of them (or of the visible schools, grades and classes)
  const fallback = useMemo(() => {
    const pool = units.filter((u) => u.active && KINDS.includes(u.kind) && (!bound.length || bound.includes(u.id)));
    return pool.sort((a, b) => ORDER[a.kind]! - ORDER[b.kind]!)[0]?.id ?? bound[0];
  }, [units, bound]);
  const unitId = f.unitId ? Number(f.unitId) : fallback;
  const [open, setOpen] = useState<CommitteeClassStatus | null>(null);
  useEffect(() => setOpen(null), [unitId, from, to]);
  const { data, error, loading, reload } = useAsync(
    (signal) => (unitId ? api.get<CommitteeStatus>('/committee/status', { unitId, from, to }, { signal }) : Promise.resolve(undefined)),
    [unitId, from, to],
  );

  const columns: ColumnsType<CommitteeClassStatus> = [
    { title: t('committee.col.className'), dataIndex: 'className', render: (n: string) => <a>{n}</a> },
    {
      title: t('committee.col.members'),
      key: 'm',
      render: (_, c) => (c.members.length ? c.members.map((m) => m.name).join('、') : <Typography.Text type="warning">{t('committee.noMembers')}</Typography.Text>),
    },
    {
      title: t('committee.col.reported'),
      key: 'r',
      render: (_, c) => (
        <span style={{ color: c.reported < c.schoolDays ? '#cf1322' : undefined }} data-testid={`committee-reported-${c.classId}`}>
          {c.reported} / {c.schoolDays}
        </span>
      ),
    },
    {
      title: t('committee.col.missing'),
      dataIndex: 'missing',
      render: (m: string[]) =>
        m.length ? (
          <Space size={4} wrap>
            {m.map((d) => (
              <Tag key={d} color="red" style={{ marginInlineEnd: 0 }}>
                {d.slice(5)}
              </Tag>
            ))}
          </Space>
        ) : (
          '—'
        ),
    },
    { title: t('committee.col.concerns'), dataIndex: 'concerns', render: (n: number) => (n ? <Tag color="orange">{n}</Tag> : '0') },
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="committee-status-page">
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('committee.pageTitle')}
      </Typography.Title>
      <Typography.Text type="secondary">{t('committee.pageHint')}</Typography.Text>
      <Card size="small">
        <Space wrap>
          <span>{t('committee.unit')}</span>
          <OrgUnitSelect value={unitId} onChange={(v) => setF({ unitId: v ?? null })} selectableKinds={KINDS} withinId={bound.length === 1 ? bound[0] : undefined} allowClear={false} placeholder={t('committee.pickUnit')} testId="committee-unit" />
          <span>{t('committee.range')}</span>
          <DatePicker.RangePicker
            value={[dayjs(from), dayjs(to)]}
            allowClear={false}
            disabledDate={(d: Dayjs) => d.isAfter(dayjs(), 'day')}
            onChange={(v) => {
              if (v?.[0] && v[1]) setF({ from: v[0].format(D), to: v[1].format(D) });
            }}
            data-testid="committee-range"
          />
        </Space>
      </Card>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {!unitId && <Empty description={t('committee.pickUnit')} />}
      {unitId !== undefined && (
        <Table<CommitteeClassStatus>
          rowKey="classId"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={data?.classes ?? []}
          scroll={{ x: 'max-content' }}
          pagination={false}
          onRow={(c) => ({ 'data-testid': `committee-row-${c.classId}`, onClick: () => setOpen(c), style: { cursor: 'pointer' } }) as never}
          data-testid="committee-table"
        />
      )}
      {open && <ClassReports cls={open} from={from} to={to} onClose={() => setOpen(null)} />}
    </Space>
  );
}
