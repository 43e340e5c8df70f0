import { useEffect, useMemo, useState, type HTMLAttributes } from 'react';
import { createPortal } from 'react-dom';
import {
  Alert,
  App,
  Breadcrumb,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Empty,
  Form,
  Input,
  Modal,
  Progress,
  Radio,
  Space,
  Statistic,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import { BellOutlined, CheckOutlined, DownloadOutlined, EditOutlined, PrinterOutlined, SendOutlined, StopOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import dayjs, { type Dayjs } from 'dayjs';
import { gradeName, ROLE_INFO, type Permission } from '@xinyu/core';
import { api, apiUrl, ApiError, errorMessage } from '../../api/client';
import type { Campaign, CampaignVersion, Me, Completion, CompletionRow, ConsentRow, InstrumentSummary, Items, PendingStudent, RecordConsentBody, Release } from '../../api/types';
import { applyFormErrors } from '../../app/formErrors';
import { ancestors, useOrgTree } from '../../app/orgTree';
import { useCan, useMe } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useQueryState } from '../../app/useQueryState';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { OrgUnitSelect } from '../../components/OrgUnitSelect';
import type { CampaignTab } from './campaignTabs';
import { CampaignFormModal, gradesText, refKey } from './CampaignFormModal';
import { CampaignStatusTag, windowText } from './CampaignListPage';
import { resultTabs } from './results/tabs';

const fmt = (iso: string | null) => (iso ? dayjs(iso).format('YYYY-MM-DD HH:mm') : '—');
const VIEW_PERMS: readonly Permission[] = ['screening.manage', 'screening.release', 'screening.progress', 'screening.results', 'screening.report', 'screening.signoff'];

/** The caller's role bindings at an org unit that carry a permission. */
function rolesWith(me: Me, perm: Permission) {
  return me.roles.filter((r) => r.orgUnitId !== null && ROLE_INFO[r.role].permissions.includes(perm));
}

const pct = (n: number, of: number) => (of > 0 ? Math.round((n * 100) / of) : 0);

/** One campaign: header with its actions, then the tabs the caller's permissions allow (?tab=). */
export default function CampaignPage() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const can = useCan();
  const me = useMe();
  const { units } = useOrgTree();
  const id = useParams().id ?? '';
  const [q, setQ] = useQueryState(['tab'] as const);
  const { data: campaign, error, loading, reload } = useAsync((signal) => api.get<Campaign>(`/screening/campaigns/${id}`, undefined, { signal }), [id]);
  const [editing, setEditing] = useState(false);

  // the release tab needs a school: a school's own staff, or a bureau that picks one
  const atSchoolOrAbove = useMemo(() => {
    const kinds = new Set(rolesWith(me, 'screening.progress').map((r) => units.find((u) => u.id === r.orgUnitId)?.kind));
    return kinds.has('city') || kinds.has('district') || kinds.has('school');
  }, [me, units]);

  if (loading && !campaign) return <Loading />;
  if (error !== undefined || !campaign) return <ErrorBox error={error} onRetry={reload} />;

  function act(action: 'publish' | 'close') {
    const c = campaign!;
    modal.confirm({
      title: t(action === 'publish' ? 'campaigns.publishConfirm' : 'campaigns.closeConfirm', { title: c.title }),
      content: t(action === 'publish' ? 'campaigns.publishConfirmText' : 'campaigns.closeConfirmText'),
      okText: t(action === 'publish' ? 'campaigns.publish' : 'campaigns.close'),
      okButtonProps: { danger: action === 'close', 'data-testid': `campaign-${action}-ok` },
      onOk: () =>
        api
          .post<Campaign>(`/screening/campaigns/${c.id}/${action}`)
          .then(() => {
            void message.success(t(action === 'publish' ? 'campaigns.published' : 'campaigns.closed'));
            reload();
          })
          .catch((e: unknown) => {
            const fields = e instanceof ApiError && e.fields ? Object.values(e.fields) : [];
            void message.error(fields.length ? `${errorMessage(e)}（${fields.join('；')}）` : errorMessage(e));
          }),
    });
  }

  const own: (CampaignTab & { show: boolean })[] = [
    { key: 'overview', label: (tt) => tt('campaigns.tabs.overview'), perms: VIEW_PERMS, show: true, render: (c) => <OverviewTab campaign={c} /> },
    { key: 'release', label: (tt) => tt('campaigns.tabs.release'), perms: ['screening.progress'], show: atSchoolOrAbove, render: (c) => <ReleaseTab campaign={c} /> },
    { key: 'completion', label: (tt) => tt('campaigns.tabs.completion'), perms: ['screening.progress'], show: campaign.status !== 'draft', render: (c) => <CompletionTab campaign={c} /> },
    { key: 'consent', label: (tt) => tt('campaigns.tabs.consent'), perms: ['screening.consent'], show: campaign.status !== 'draft', render: (c) => <ConsentTab campaign={c} /> },
  ];
  const tabs = [...own.filter((tab) => tab.show), ...resultTabs].filter((tab) => tab.perms.some((p) => can(p)));
  const active = tabs.find((tab) => tab.key === q.tab)?.key ?? tabs[0]?.key;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="campaign-page">
      <Breadcrumb items={[{ title: <Link to="/screening/campaigns">{t('campaigns.title')}</Link> }, { title: campaign.title }]} />
      <Card
        title={
          <Space wrap>
            <span data-testid="campaign-title">{campaign.title}</span>
            <CampaignStatusTag campaign={campaign} />
          </Space>
        }
        extra={
          <Space wrap>
            {campaign.can.edit && (
              <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="campaign-edit">
                {t('campaigns.edit')}
              </Button>
            )}
            {campaign.can.publish && (
              <Button type="primary" icon={<SendOutlined />} onClick={() => act('publish')} data-testid="campaign-publish">
                {t('campaigns.publish')}
              </Button>
            )}
            {campaign.can.close && (
              <Button danger icon={<StopOutlined />} onClick={() => act('close')} data-testid="campaign-close">
                {t('campaigns.close')}
              </Button>
            )}
          </Space>
        }
      >
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2, xl: 4 }}
          items={[
            { key: 'version', label: t('campaigns.version'), children: <span data-testid="campaign-version">{t('campaigns.versionN', { n: campaign.version })}</span> },
            { key: 'window', label: t('campaigns.window'), children: <span data-testid="campaign-window-text">{windowText(campaign.window)}</span> },
            { key: 'owner', label: t('campaigns.owner'), children: campaign.owner.name },
            campaign.closedAt
              ? { key: 'closed', label: t('campaigns.closedAt'), children: fmt(campaign.closedAt) }
              : { key: 'published', label: t('campaigns.publishedAt'), children: fmt(campaign.publishedAt) },
          ]}
        />
      </Card>
      <Card>
        <Tabs
          activeKey={active}
          onChange={(k) => setQ({ tab: k })}
          items={tabs.map((tab) => ({ key: tab.key, label: <span data-testid={`campaign-tab-${tab.key}`}>{tab.label(t)}</span>, children: tab.render(campaign, reload) }))}
        />
      </Card>
      <CampaignFormModal
        open={editing}
        campaign={campaign}
        onClose={() => setEditing(false)}
        onSaved={() => {
          setEditing(false);
          reload();
        }}
      />
    </Space>
  );
}

// --- 概况 --------------------------------------------------------------------------------------

function OverviewTab({ campaign }: { campaign: Campaign }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en-US' ? 'en-US' : 'zh-CN';
  const can = useCan();
  const instruments = useAsync(
    (signal) => (can('instrument.read') ? api.get<Items<InstrumentSummary>>('/instruments', undefined, { signal }).then((r) => r.items) : Promise.resolve([] as InstrumentSummary[])),
    [],
  );
  const versions = useAsync((signal) => api.get<Items<CampaignVersion>>(`/screening/campaigns/${campaign.id}/versions`, undefined, { signal }), [campaign.id, campaign.version]);
  const titleOf = (r: { key: string; version: string }) => instruments.data?.find((i) => refKey(i) === refKey(r))?.title[lang] ?? `${r.key} ${r.version}`;

  const versionColumns: ColumnsType<CampaignVersion> = [
    { title: t('campaigns.version'), dataIndex: 'version', width: 150, render: (v: number) => t('campaigns.historyVersion', { from: v, to: v + 1 }) },
    { title: t('campaigns.editedBy'), dataIndex: 'editedBy', width: 110, render: (v: string | null) => v ?? '—' },
    { title: t('campaigns.editedAt'), dataIndex: 'editedAt', width: 150, render: fmt },
    { title: t('campaigns.reason'), dataIndex: 'reason', render: (v: string | null) => v ?? '—' },
    {
      title: t('campaigns.changed'),
      dataIndex: 'changed',
      render: (list: string[]) =>
        list.map((f) => <Tag key={f}>{f in FIELD_KEYS ? t(`campaigns.fields.${f as keyof typeof FIELD_KEYS}`) : f}</Tag>),
    },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="campaign-overview">
      <Descriptions
        bordered
        size="small"
        column={1}
        styles={{ label: { width: 140 } }}
        items={[
          { key: 'purpose', label: t('campaigns.purpose'), children: <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{campaign.purpose}</Typography.Paragraph> },
          {
            key: 'plan',
            label: t('campaigns.plan'),
            children: (
              <Space orientation="vertical" size={4} data-testid="campaign-plan">
                {campaign.plan.map((b, i) => (
                  <div key={i}>
                    <Typography.Text strong>{gradesText(b.gradeLevels, t, lang)}</Typography.Text>
                    <Typography.Text type="secondary"> → </Typography.Text>
                    {b.instruments.map((r) => titleOf(r)).join('、')}
                  </div>
                ))}
              </Space>
            ),
          },
          { key: 'targets', label: t('campaigns.targets'), children: campaign.targets.map((u) => <Tag key={u.id}>{u.name}</Tag>) },
          { key: 'consent', label: t('campaigns.consentRule'), children: campaign.consentForAll ? t('campaigns.consentRuleAll') : t('campaigns.consentRuleUnder14') },
          {
            key: 'reminders',
            label: t('campaigns.reminders'),
            children: campaign.reminderDaysBeforeEnd.length
              ? [...campaign.reminderDaysBeforeEnd].sort((a, b) => b - a).map((n) => (n === 0 ? t('campaigns.reminderDay0') : t('campaigns.reminderDay', { n }))).join('、')
              : t('campaigns.noReminders'),
          },
          { key: 'created', label: t('campaigns.createdAt'), children: fmt(campaign.createdAt) },
        ]}
      />
      <div>
        <Typography.Title level={5}>{t('campaigns.history')}</Typography.Title>
        {versions.error !== undefined ? (
          <ErrorBox error={versions.error} onRetry={versions.reload} />
        ) : (
          <Table<CampaignVersion>
            rowKey="version"
            size="small"
            loading={versions.loading}
            columns={versionColumns}
            dataSource={versions.data?.items ?? []}
            pagination={false}
            locale={{ emptyText: t('campaigns.historyEmpty') }}
            data-testid="campaign-versions"
          />
        )}
      </div>
    </Space>
  );
}

const FIELD_KEYS = { title: 1, purpose: 1, plan: 1, targetUnitIds: 1, window: 1, reminderDaysBeforeEnd: 1, consentForAll: 1 } as const;

// --- 发布到班级 ------------------------------------------------------------------------------------

const classLabel = (r: Pick<Release, 'gradeLevel' | 'className'>) => (r.gradeLevel ? `${gradeName(r.gradeLevel)}${r.className}` : r.className);

function ReleaseTab({ campaign }: { campaign: Campaign }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const { units, loading: treeLoading } = useOrgTree();
  const [q, setQ] = useQueryState(['schoolId'] as const);
  const [selected, setSelected] = useState<number[]>([]);
  const [busy, setBusy] = useState(false);
  const [printing, setPrinting] = useState(false);

  const roleUnits = rolesWith(me, 'screening.progress').map((r) => units.find((u) => u.id === r.orgUnitId));
  const ownSchools = roleUnits.filter((u) => u?.kind === 'school');
  const picks = roleUnits.some((u) => u?.kind === 'city' || u?.kind === 'district') || ownSchools.length > 1;
  const schoolId = q.schoolId ? Number(q.schoolId) : !picks ? ownSchools[0]?.id : undefined;
  const school = units.find((u) => u.id === schoolId);
  // a school's own staff with screening.release release its classes and see their codes
  const mayRelease = campaign.can.release && rolesWith(me, 'screening.release').some((r) => school && r.orgPath !== null && school.path.startsWith(r.orgPath));

  const { data, error, loading, reload } = useAsync(
    (signal) => (schoolId ? api.get<Items<Release>>(`/screening/campaigns/${campaign.id}/releases`, { schoolId }, { signal }).then((r) => r.items) : Promise.resolve(undefined)),
    [campaign.id, schoolId],
  );
  useEffect(() => setSelected([]), [data]);

  const withCodes = (data ?? []).filter((r) => r.classCode);

  // the print view lives under <body> only while printing, so printing other pages is unaffected
  useEffect(() => {
    if (!printing) return;
    const done = () => setPrinting(false);
    window.addEventListener('afterprint', done, { once: true });
    const timer = window.setTimeout(() => {
      window.print();
      done();
    }, 50);
    return () => {
      window.clearTimeout(timer);
      window.removeEventListener('afterprint', done);
    };
  }, [printing]);

  async function release() {
    setBusy(true);
    try {
      const r = await api.post<{ released: number }>(`/screening/campaigns/${campaign.id}/releases`, { classIds: selected });
      void message.success(r.released ? t('campaigns.releasedN', { n: r.released }) : t('campaigns.releasedNone'));
      reload();
    } catch (e) {
      const fields = e instanceof ApiError && e.fields ? Object.values(e.fields) : [];
      void message.error(fields.length ? `${errorMessage(e)}（${fields.join('；')}）` : errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  const columns: ColumnsType<Release> = [
    { title: t('campaigns.className'), key: 'class', render: (_v, r) => classLabel(r) },
    {
      title: t('campaigns.inPlan'),
      dataIndex: 'inPlan',
      width: 120,
      render: (v: boolean) => (v ? <Tag color="blue">{t('campaigns.inPlanYes')}</Tag> : <Tag>{t('campaigns.inPlanNo')}</Tag>),
    },
    {
      title: t('campaigns.released'),
      dataIndex: 'released',
      width: 110,
      render: (v: boolean, r) => (v ? <Tag color="success" data-testid={`released-${r.classId}`}>{t('campaigns.releasedYes')}</Tag> : <Tag>{t('campaigns.releasedNo')}</Tag>),
    },
    {
      title: t('campaigns.classCode'),
      dataIndex: 'classCode',
      width: 150,
      render: (v: string | null, r) =>
        v ? (
          <Typography.Text code copyable style={{ fontSize: 16, letterSpacing: 2 }} data-testid={`class-code-${r.classId}`}>
            {v}
          </Typography.Text>
        ) : (
          '—'
        ),
    },
    { title: t('campaigns.releasedBy'), dataIndex: 'releasedBy', width: 110, render: (v: string | null) => v ?? '—' },
    { title: t('campaigns.releasedAt'), dataIndex: 'releasedAt', width: 150, render: fmt },
  ];

  if (treeLoading && !units.length) return <Loading />;

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="release-tab">
      {campaign.status === 'draft' && <Alert type="info" showIcon title={t('campaigns.draftNoRelease')} />}
      {campaign.status === 'closed' && <Alert type="info" showIcon title={t('campaigns.closedNoRelease')} />}
      {picks && (
        <Space wrap>
          <span>{t('campaigns.school')}</span>
          <OrgUnitSelect
            value={schoolId}
            onChange={(v) => setQ({ schoolId: v })}
            selectableKinds={['school']}
            maxKind="school"
            placeholder={t('campaigns.pickSchool')}
            style={{ width: 320 }}
            testId="release-school"
          />
        </Space>
      )}
      {!schoolId ? (
        <Empty description={t('campaigns.pickSchoolHint')} />
      ) : error !== undefined ? (
        <ErrorBox error={error} onRetry={reload} />
      ) : (
        <>
          {mayRelease ? (
            <Typography.Text type="secondary">{t('campaigns.releaseHint')}</Typography.Text>
          ) : (
            campaign.status === 'published' && !withCodes.length && (data ?? []).some((r) => r.released) && <Typography.Text type="secondary">{t('campaigns.bureauNoCodes')}</Typography.Text>
          )}
          <Space wrap>
            {mayRelease && (
              <Button type="primary" icon={<CheckOutlined />} disabled={!selected.length} loading={busy} onClick={() => void release()} data-testid="release-submit">
                {t('campaigns.releaseSelected', { n: selected.length })}
              </Button>
            )}
            {withCodes.length > 0 && (
              <Button icon={<PrinterOutlined />} onClick={() => setPrinting(true)} data-testid="print-codes">
                {t('campaigns.printCodes')}
              </Button>
            )}
          </Space>
          <Table<Release>
            rowKey="classId"
            size="small"
            loading={loading}
            columns={columns}
            dataSource={data ?? []}
            pagination={false}
            scroll={{ x: 800 }}
            rowSelection={
              mayRelease
                ? {
                    selectedRowKeys: selected,
                    onChange: (keys) => setSelected(keys as number[]),
                    getCheckboxProps: (r) => ({ disabled: r.released || !r.inPlan, 'data-testid': `release-check-${r.classId}` } as object),
                  }
                : undefined
            }
            data-testid="release-table"
          />
        </>
      )}
      {printing &&
        createPortal(
          <div className="xy-print-slips" data-testid="class-code-slips">
            <style>{'@media screen { .xy-print-slips { display: none } } @media print { body > *:not(.xy-print-slips) { display: none !important } }'}</style>
            {withCodes.map((r) => (
              <div key={r.classId} style={{ border: '1px dashed #999', padding: '12px 16px', margin: '0 0 12px', breakInside: 'avoid', fontFamily: 'sans-serif' }}>
                <div style={{ fontSize: 12, color: '#555' }}>
                  {campaign.title} · {school?.name} · {windowText(campaign.window)}
                </div>
                <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'baseline', margin: '6px 0' }}>
                  <span style={{ fontSize: 20, fontWeight: 600 }}>{classLabel(r)}</span>
                  <span>
                    <span style={{ fontSize: 16 }}>{t('campaigns.printTitle')}：</span>
                    <span style={{ fontSize: 28, fontFamily: 'monospace', letterSpacing: 6, fontWeight: 700 }}>{r.classCode}</span>
                  </span>
                </div>
                <div style={{ fontSize: 14 }}>{t('campaigns.printInstructions')}</div>
              </div>
            ))}
          </div>,
          document.body,
        )}
    </Space>
  );
}

// --- 完成情况 --------------------------------------------------------------------------------------

function Percent({ row }: { row: CompletionRow }) {
  return <Progress percent={pct(row.completed, row.students)} size="small" style={{ minWidth: 120, margin: 0 }} />;
}

function CompletionTab({ campaign }: { campaign: Campaign }) {
  const { t } = useTranslation();
  const me = useMe();
  const { units } = useOrgTree();
  const [q, setQ] = useQueryState(['unitId'] as const);
  const unitId = q.unitId ? Number(q.unitId) : undefined;
  const { data, error, loading, reload } = useAsync(
    (signal) => api.get<Completion>(`/screening/campaigns/${campaign.id}/completion`, { unitId }, { signal }),
    [campaign.id, unitId],
  );

  // the way back up: the unit's ancestors inside the caller's own scope
  const trail = useMemo(() => {
    if (!data) return [];
    const here = units.find((u) => u.id === data.unit.unitId);
    if (!here) return [];
    const roots = rolesWith(me, 'screening.progress').map((r) => r.orgPath ?? '');
    return ancestors(units, here).filter((u) => roots.some((p) => p && u.path.startsWith(p)));
  }, [data, units, me]);

  if (loading && !data) return <Loading />;
  if (error !== undefined || !data) return <ErrorBox error={error} onRetry={reload} />;
  const unit = data.unit;
  // a class is named with its grade (七年级1班) where it stands alone
  const here = units.find((u) => u.id === unit.unitId);
  const grade = here?.kind === 'class' ? units.find((u) => u.id === here.parentId && u.kind === 'grade') : undefined;
  const unitName = grade ? `${grade.name}${unit.name}` : unit.name;
  // grades in grade order (七年级 before 八年级), classes by number
  const levelOf = (id: number) => units.find((u) => u.id === id)?.gradeLevel ?? 0;
  const children = [...data.children].sort((a, b) => levelOf(a.unitId) - levelOf(b.unitId) || a.name.localeCompare(b.name, 'zh-CN', { numeric: true }));

  const columns: ColumnsType<CompletionRow> = [
    {
      title: t('campaigns.unit'),
      dataIndex: 'name',
      render: (v: string, r) => (
        <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setQ({ unitId: r.unitId })} data-testid={`completion-link-${r.unitId}`}>
          {v}
        </Button>
      ),
    },
    { title: t('campaigns.kind'), dataIndex: 'kind', width: 80, render: (k: string) => (k in KIND_KEYS ? t(`orgKind.${k as keyof typeof KIND_KEYS}`) : k) },
    { title: t('campaigns.students'), dataIndex: 'students', width: 90, align: 'right' },
    { title: t('campaigns.releasedCount'), dataIndex: 'released', width: 90, align: 'right' },
    { title: t('campaigns.consentMissing'), dataIndex: 'consentMissing', width: 110, align: 'right' },
    { title: t('campaigns.started'), dataIndex: 'started', width: 90, align: 'right' },
    { title: t('campaigns.completed'), dataIndex: 'completed', width: 90, align: 'right' },
    { title: t('campaigns.progress'), key: 'progress', width: 200, render: (_v, r) => <Percent row={r} /> },
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="completion-tab">
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Breadcrumb
          data-testid="completion-breadcrumb"
          items={[
            ...trail.map((u) => ({
              title: (
                <a onClick={() => setQ({ unitId: u.id })} data-testid={`completion-up-${u.id}`}>
                  {u.name}
                </a>
              ),
            })),
            { title: <span data-testid="completion-current">{unitName}</span> },
          ]}
        />
        <Button icon={<DownloadOutlined />} href={apiUrl(`/screening/campaigns/${campaign.id}/pending.xlsx`, { unitId: unit.unitId })} data-testid="pending-export">
          {t('campaigns.exportPending')}
        </Button>
      </Space>
      <Card size="small" data-testid={`completion-row-${unit.unitId}`}>
        <Space wrap size={32} align="center">
          <Statistic title={t('campaigns.students')} value={unit.students} />
          <Statistic title={t('campaigns.releasedCount')} value={unit.released} />
          <Statistic title={t('campaigns.consentMissing')} value={unit.consentMissing} />
          <Statistic title={t('campaigns.started')} value={unit.started} />
          <Statistic title={t('campaigns.completed')} value={unit.completed} />
          <Progress type="circle" size={64} percent={pct(unit.completed, unit.students)} />
        </Space>
      </Card>
      {data.children.length > 0 && (
        <>
          <Typography.Text type="secondary">{t('campaigns.drillHint')}</Typography.Text>
          <Table<CompletionRow>
            rowKey="unitId"
            size="small"
            columns={columns}
            dataSource={children}
            pagination={false}
            loading={loading}
            scroll={{ x: 900 }}
            onRow={(r) => ({ 'data-testid': `completion-row-${r.unitId}` }) as HTMLAttributes<HTMLElement>}
            data-testid="completion-table"
          />
        </>
      )}
      {unit.kind === 'class' && <PendingList campaign={campaign} classId={unit.unitId} />}
    </Space>
  );
}

const KIND_KEYS = { city: 1, district: 1, school: 1, grade: 1, class: 1 } as const;
const STATE_COLOR: Record<PendingStudent['state'], string> = { not_released: 'default', waiting_consent: 'gold', consent_refused: 'red', not_started: 'default', in_progress: 'blue' };

function PendingList({ campaign, classId }: { campaign: Campaign; classId: number }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const { data, error, loading, reload } = useAsync(
    (signal) => api.get<Items<PendingStudent>>(`/screening/campaigns/${campaign.id}/pending`, { unitId: classId }, { signal }),
    [campaign.id, classId],
  );

  async function remind() {
    setBusy(true);
    try {
      const r = await api.post<{ students: number; guardians: number }>(`/screening/campaigns/${campaign.id}/reminders`, { classId });
      void message.success(t('campaigns.reminded', r));
    } catch (e) {
      // 409: this class was reminded within the hour; the server says so
      if (e instanceof ApiError && e.status === 409) void message.warning(e.message);
      else void message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  const columns: ColumnsType<PendingStudent> = [
    { title: t('campaigns.studentNo'), dataIndex: 'studentNo', width: 180 },
    { title: t('campaigns.studentName'), dataIndex: 'name', width: 120 },
    { title: t('campaigns.state'), dataIndex: 'state', render: (s: PendingStudent['state']) => <Tag color={STATE_COLOR[s]}>{t(`campaigns.pendingState.${s}`)}</Tag> },
  ];

  return (
    <Card
      size="small"
      title={t('campaigns.pendingTitle')}
      extra={
        campaign.status === 'published' && (
          <Button icon={<BellOutlined />} loading={busy} onClick={() => void remind()} title={t('campaigns.remindHint')} data-testid="remind-button">
            {t('campaigns.remind')}
          </Button>
        )
      }
    >
      <Space orientation="vertical" size={8} style={{ width: '100%' }}>
        <Typography.Text type="secondary">
          {t('campaigns.pendingHint')} {campaign.status === 'published' && t('campaigns.remindHint')}
        </Typography.Text>
        {error !== undefined ? (
          <ErrorBox error={error} onRetry={reload} />
        ) : (
          <Table<PendingStudent>
            rowKey="studentId"
            size="small"
            loading={loading}
            columns={columns}
            dataSource={data?.items ?? []}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            locale={{ emptyText: t('campaigns.pendingEmpty') }}
            data-testid="pending-list"
          />
        )}
      </Space>
    </Card>
  );
}

// --- 知情同意 --------------------------------------------------------------------------------------

interface ConsentValues {
  guardianName: string;
  formDate: Dayjs;
  decision: 'granted' | 'refused';
  note?: string;
}
const CONSENT_FIELDS = ['guardianName', 'formDate', 'decision', 'note'] as const;

function ConsentTab({ campaign }: { campaign: Campaign }) {
  const { t } = useTranslation();
  const me = useMe();
  const { units } = useOrgTree();
  const [q, setQ] = useQueryState(['classId'] as const);
  const [recording, setRecording] = useState<ConsentRow | null>(null);
  // a head teacher starts at their own class
  const ownClasses = rolesWith(me, 'screening.consent').filter((r) => units.find((u) => u.id === r.orgUnitId)?.kind === 'class');
  const classId = q.classId ? Number(q.classId) : ownClasses.length === 1 ? (ownClasses[0]!.orgUnitId ?? undefined) : undefined;
  const { data, error, loading, reload } = useAsync(
    (signal) => (classId ? api.get<Items<ConsentRow>>(`/screening/campaigns/${campaign.id}/consents`, { classId }, { signal }).then((r) => r.items) : Promise.resolve(undefined)),
    [campaign.id, classId],
  );
  const open = campaign.status !== 'closed';
  const need = (data ?? []).filter((r) => r.needsConsent);

  const columns: ColumnsType<ConsentRow> = [
    { title: t('campaigns.studentNo'), dataIndex: 'studentNo', width: 170 },
    { title: t('campaigns.studentName'), dataIndex: 'name', width: 100 },
    { title: t('campaigns.needsConsent'), dataIndex: 'needsConsent', width: 100, render: (v: boolean) => (v ? <Tag color="gold">{t('campaigns.needsYes')}</Tag> : t('campaigns.needsNo')) },
    {
      title: t('campaigns.decision'),
      dataIndex: 'decision',
      width: 110,
      render: (v: ConsentRow['decision'], r) =>
        v ? <Tag color={v === 'granted' ? 'success' : 'red'} data-testid={`consent-decision-${r.studentId}`}>{t(`campaigns.decisions.${v}`)}</Tag> : <Typography.Text type="secondary">{t('campaigns.decisionNone')}</Typography.Text>,
    },
    { title: t('campaigns.method'), dataIndex: 'method', width: 110, render: (v: ConsentRow['method']) => (v ? t(`campaigns.methods.${v}`) : '—') },
    { title: t('campaigns.guardianName'), dataIndex: 'guardianName', width: 110, render: (v: string | null) => v ?? '—' },
    { title: t('campaigns.recordedBy'), dataIndex: 'recordedBy', width: 100, render: (v: string | null) => v ?? '—' },
    { title: t('campaigns.recordedAt'), dataIndex: 'recordedAt', width: 150, render: fmt },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 150,
      fixed: 'right',
      render: (_v, r) =>
        open && r.needsConsent ? (
          <Button size="small" onClick={() => setRecording(r)} data-testid={`consent-record-${r.studentId}`}>
            {t('campaigns.recordPaper')}
          </Button>
        ) : null,
    },
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="consent-tab">
      <Typography.Text type="secondary">{campaign.consentForAll ? t('campaigns.consentRuleAll') : t('campaigns.consentRuleUnder14')}</Typography.Text>
      <Space wrap>
        <span>{t('campaigns.className')}</span>
        <OrgUnitSelect value={classId} onChange={(v) => setQ({ classId: v })} selectableKinds={['class']} placeholder={t('campaigns.pickClass')} style={{ width: 320 }} testId="consent-class" />
      </Space>
      {!classId ? (
        <Empty description={t('campaigns.pickClassHint')} />
      ) : error !== undefined ? (
        <ErrorBox error={error} onRetry={reload} />
      ) : (
        <>
          {data && (
            <Typography.Text data-testid="consent-summary">
              {t('campaigns.consentSummary', {
                need: need.length,
                granted: need.filter((r) => r.decision === 'granted').length,
                refused: need.filter((r) => r.decision === 'refused').length,
                missing: need.filter((r) => !r.decision).length,
              })}
            </Typography.Text>
          )}
          <Table<ConsentRow>
            rowKey="studentId"
            size="small"
            loading={loading}
            columns={columns}
            dataSource={data ?? []}
            pagination={false}
            scroll={{ x: 1100 }}
            data-testid="consent-table"
          />
        </>
      )}
      <PaperConsentModal
        campaignId={campaign.id}
        student={recording}
        onClose={() => setRecording(null)}
        onSaved={() => {
          setRecording(null);
          reload();
        }}
      />
    </Space>
  );
}

function PaperConsentModal({ campaignId, student, onClose, onSaved }: { campaignId: string; student: ConsentRow | null; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ConsentValues>();
  const [busy, setBusy] = useState(false);

  async function submit() {
    if (!student) return;
    const v = await form.validateFields();
    setBusy(true);
    try {
      const body: RecordConsentBody = { studentId: student.studentId, decision: v.decision, guardianName: v.guardianName.trim(), formDate: v.formDate.format('YYYY-MM-DD') };
      if (v.note?.trim()) body.note = v.note.trim();
      await api.post(`/screening/campaigns/${campaignId}/consents`, body);
      void message.success(t('campaigns.recorded'));
      onSaved();
    } catch (e) {
      const rest = applyFormErrors(form, e, CONSENT_FIELDS);
      if (rest) void message.error(rest);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={student !== null}
      title={student ? t('campaigns.recordPaperTitle', { name: student.name }) : ''}
      onCancel={onClose}
      onOk={() => void submit().catch(() => undefined)}
      confirmLoading={busy}
      destroyOnHidden
      okText={t('common.save')}
      okButtonProps={{ 'data-testid': 'consent-form-ok' }}
    >
      <Form
        form={form}
        layout="vertical"
        data-testid="consent-form"
        initialValues={{ guardianName: student?.method === 'paper_form' ? (student.guardianName ?? '') : '', decision: student?.decision ?? 'granted', formDate: dayjs() }}
      >
        <Form.Item name="guardianName" label={t('campaigns.guardianName')} rules={[{ required: true, whitespace: true, message: t('campaigns.required') }]}>
          <Input maxLength={50} data-testid="consent-guardian" />
        </Form.Item>
        <Form.Item name="formDate" label={t('campaigns.formDate')} rules={[{ required: true, message: t('campaigns.required') }]}>
          <DatePicker disabledDate={(d) => d.isAfter(dayjs(), 'day')} data-testid="consent-date" />
        </Form.Item>
        <Form.Item name="decision" label={t('campaigns.decision')} rules={[{ required: true, message: t('campaigns.required') }]}>
          <Radio.Group
            optionType="button"
            options={[
              { value: 'granted', label: t('campaigns.decisions.granted') },
              { value: 'refused', label: t('campaigns.decisions.refused') },
            ]}
            data-testid="consent-decision"
          />
        </Form.Item>
        <Form.Item name="note" label={t('campaigns.note')}>
          <Input.TextArea rows={2} maxLength={500} data-testid="consent-note" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
