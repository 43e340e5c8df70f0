import { useEffect, useMemo, useState } from 'react';
import { App, Button, Card, DatePicker, Drawer, Empty, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { ROLE_INFO, type OrgKind } from '@xinyu/core';
import { api, errorMessage } from '../../api/client';
import type { CommitteeClassStatus, CommitteeDormStatus, CommitteeReport, CommitteeStatus, DormResidents, Items } from '../../api/types';
import { useOrgTree } from '../../app/orgTree';
import { useCan, useMe } from '../../app/session';
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

/** The reports of one class, or of one dormitory (宿舍心理委员), over the period. */
function UnitReports({ unit, from, to, onClose }: { unit: { classId: number; name: string } | { dormitoryId: number; name: string }; from: string; to: string; onClose: () => void }) {
  const { t } = useTranslation();
  const dorm = 'dormitoryId' in unit;
  const id = dorm ? unit.dormitoryId : unit.classId;
  const { data, error, loading, reload } = useAsync(
    (signal) => api.get<Items<CommitteeReport>>(dorm ? '/committee/dorm-reports' : '/committee/reports', { ...(dorm ? { dormitoryId: id } : { classId: id }), from, to }, { signal }),
    [dorm, id, from, to],
  );
  return (
    <Drawer open onClose={onClose} title={t('committee.reportsOf', { name: dorm ? t('committee.dormLabel', { name: unit.name }) : unit.name })} size="min(520px, 100vw)" loading={loading} data-testid={dorm ? 'committee-dorm-reports' : 'committee-class-reports'}>
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

/** Appointing and removing a dormitory's 宿舍心理委员 among the boarders who live there. */
function DormMembers({ dorm, onClose, onChanged }: { dorm: CommitteeDormStatus; onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { data, error, loading, reload } = useAsync((signal) => api.get<DormResidents>(`/committee/dormitories/${dorm.dormitoryId}/residents`, undefined, { signal }), [dorm.dormitoryId]);
  const [busy, setBusy] = useState<string | null>(null);
  const [shown, setShown] = useState<DormResidents | undefined>(undefined);
  const list = shown ?? data;
  async function change(r: DormResidents['residents'][number]) {
    setBusy(r.studentId);
    try {
      const url = `/committee/dormitories/${dorm.dormitoryId}/members`;
      setShown(r.member ? await api.del<DormResidents>(`${url}/${r.studentId}`) : await api.post<DormResidents>(url, { studentId: r.studentId }));
      void message.success(t(r.member ? 'committee.ended' : 'committee.appointed', { name: r.name }));
      onChanged();
    } catch (e) {
      void message.error(errorMessage(e));
    } finally {
      setBusy(null);
    }
  }
  return (
    <Drawer open onClose={onClose} title={t('committee.appointTitle', { name: dorm.name })} size="min(520px, 100vw)" loading={loading && !list} data-testid="committee-dorm-members">
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Typography.Paragraph type="secondary">{t('committee.appointHint')}</Typography.Paragraph>
      <Table<DormResidents['residents'][number]>
        rowKey="studentId"
        size="small"
        pagination={false}
        dataSource={list?.residents ?? []}
        columns={[
          { title: t('committee.dormCol.members'), dataIndex: 'name', render: (n: string, r) => (r.member ? <Space size={4}>{n}<Tag color="green">{t('committee.isMember')}</Tag></Space> : n) },
          { title: t('committee.col.className'), dataIndex: 'className' },
          {
            key: 'a',
            align: 'right',
            render: (_, r) =>
              r.member ? (
                <Popconfirm title={t('committee.endConfirm', { name: r.name })} onConfirm={() => change(r)}>
                  <Button size="small" danger loading={busy === r.studentId} data-testid={`dorm-member-end-${r.studentId}`}>
                    {t('committee.endMember')}
                  </Button>
                </Popconfirm>
              ) : (
                <Button size="small" loading={busy === r.studentId} disabled={busy !== null} onClick={() => void change(r)} data-testid={`dorm-member-make-${r.studentId}`}>
                  {t('committee.makeMember')}
                </Button>
              ),
          },
        ]}
        data-testid="dorm-residents"
      />
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
  const can = useCan();
  const [open, setOpen] = useState<{ classId: number; name: string } | { dormitoryId: number; name: string } | null>(null);
  const [appointing, setAppointing] = useState<CommitteeDormStatus | null>(null);
  useEffect(() => {
    setOpen(null);
    setAppointing(null);
  }, [unitId, from, to]);
  const { data, error, loading, reload } = useAsync(
    (signal) => (unitId ? api.get<CommitteeStatus>('/committee/status', { unitId, from, to }, { signal }) : Promise.resolve(undefined)),
    [unitId, from, to],
  );

  const reportedCell = (c: { reported: number; schoolDays: number }, testId: string) => (
    <span style={{ color: c.reported < c.schoolDays ? '#cf1322' : undefined }} data-testid={testId}>
      {c.reported} / {c.schoolDays}
    </span>
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
      render: (_, c) => reportedCell(c, `committee-reported-${c.classId}`),
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
  const dormColumns: ColumnsType<CommitteeDormStatus> = [
    { title: t('committee.dormCol.name'), dataIndex: 'name', render: (n: string) => <a>{n}</a> },
    { title: t('committee.dormCol.residents'), dataIndex: 'residents' },
    {
      title: t('committee.dormCol.members'),
      key: 'm',
      render: (_, d) => (
        <Space size={8} wrap>
          {d.members.length ? d.members.map((m) => `${m.name}（${m.className}）`).join('、') : <Typography.Text type="warning">{t('committee.noMembers')}</Typography.Text>}
          {can('committee.manage') && (
            <Button
              size="small"
              onClick={(e) => {
                e.stopPropagation();
                setAppointing(d);
              }}
              data-testid={`dorm-appoint-${d.dormitoryId}`}
            >
              {t('committee.appoint')}
            </Button>
          )}
        </Space>
      ),
    },
    { title: t('committee.col.reported'), key: 'r', render: (_, d) => reportedCell(d, `dorm-reported-${d.dormitoryId}`) },
    columns[3] as ColumnsType<CommitteeDormStatus>[number],
    columns[4] as ColumnsType<CommitteeDormStatus>[number],
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
          onRow={(c) => ({ 'data-testid': `committee-row-${c.classId}`, onClick: () => setOpen({ classId: c.classId, name: c.className }), style: { cursor: 'pointer' } }) as never}
          data-testid="committee-table"
        />
      )}
      {!!data?.dormitories.length && (
        <>
          <Typography.Title level={5} style={{ margin: '8px 0 0' }}>
            {t('committee.dormTitle')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('committee.dormHint')}</Typography.Text>
          <Table<CommitteeDormStatus>
            rowKey="dormitoryId"
            size="middle"
            columns={dormColumns}
            dataSource={data.dormitories}
            scroll={{ x: 'max-content' }}
            pagination={data.dormitories.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
            onRow={(d) => ({ 'data-testid': `dorm-row-${d.dormitoryId}`, onClick: () => setOpen({ dormitoryId: d.dormitoryId, name: d.name }), style: { cursor: 'pointer' } }) as never}
            data-testid="committee-dorm-table"
          />
        </>
      )}
      {open && <UnitReports unit={open} from={from} to={to} onClose={() => setOpen(null)} />}
      {appointing && <DormMembers dorm={appointing} onClose={() => setAppointing(null)} onChanged={reload} />}
    </Space>
  );
}
