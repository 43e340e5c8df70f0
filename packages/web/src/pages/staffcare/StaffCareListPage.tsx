import { useMemo, useState } from 'react';
import { Alert, Button, Card, Checkbox, DatePicker, Empty, Form, Input, Modal, Radio, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import type { Items, Paged } from '../../api/types';
import { applyFormErrors } from '../../app/formErrors';
import { useCan, useMe } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { ErrorBox } from '../../components/ErrorBox';
import { fmt } from '../warning/shared';
import { boundUnits, SweepStateTag } from '../sweep/shared';
import { useSweepForm, type SweepFormValues } from '../sweep/sweepForm';
import { CategoryTags, LEVELS, StaffFollowUps, StaffLevelTag, StaffStatusTag, useStaffCategories, type Level, type StaffCarePerson, type StaffCase, type StaffCaseDetail, type StaffSweep, type Tier } from './shared';

interface AddValues {
  person: string;
  categories: string[];
  level: Level;
  reason: string;
}

/** 列入名单: find a person by name among those the caller cares for, then the reasons and the level. */
function AddModal({ onClose, onAdded }: { onClose: () => void; onAdded: (c: StaffCaseDetail) => void }) {
  const { t } = useTranslation();
  const { list, label } = useStaffCategories();
  const [form] = Form.useForm<AddValues>();
  const [q, setQ] = useState('');
  const [people, setPeople] = useState<StaffCarePerson[]>([]);
  const { busy, problem, setProblem, send } = useSendOnce();
  async function search(v: string) {
    setQ(v);
    if (!v.trim()) return setPeople([]);
    try {
      setPeople((await api.get<Items<StaffCarePerson>>('/staffcare/people', { q: v.trim() })).items);
    } catch (e) {
      setProblem(applyFormErrors(form, e, []) ?? null);
    }
  }
  function submit(v: AddValues) {
    const p = people.find((x) => x.subjectId === v.person);
    if (!p) return;
    void send(
      async () => onAdded(await api.post<StaffCaseDetail>('/staffcare/cases', { subjectKind: p.subjectKind, subjectId: p.subjectId, categories: v.categories, level: v.level, reason: v.reason.trim() })),
      (e) => applyFormErrors(form, e, ['categories', 'level', 'reason']),
    );
  }
  return (
    <Modal open title={t('staffCare.addForm.title')} onCancel={onClose} onOk={() => form.submit()} okText={t('staffCare.addForm.submit')} confirmLoading={busy} okButtonProps={{ 'data-testid': 'staffcare-add-submit' } as never} destroyOnHidden>
      <Form<AddValues> form={form} layout="vertical" disabled={busy} initialValues={{ level: 'yellow', categories: [] }} onFinish={submit}>
        <Form.Item name="person" label={t('staffCare.addForm.person')} rules={[{ required: true, message: t('staffCare.addForm.required') }]}>
          <Select
            showSearch={{ filterOption: false, onSearch: (v) => void search(v) }}
            placeholder={t('staffCare.addForm.search')}
            notFoundContent={q ? undefined : null}
            options={people.map((p) => ({
              value: p.subjectId,
              label: `${p.name}（${p.unitName}${p.openCaseId ? ` · ${t('staffCare.addForm.onRegister')}` : ''}）`,
            }))}
            data-testid="staffcare-add-person"
          />
        </Form.Item>
        <Form.Item name="categories" label={t('staffCare.addForm.categories')} rules={[{ required: true, message: t('staffCare.addForm.required') }]}>
          <Select mode="multiple" showSearch={{ optionFilterProp: 'label' }} options={list.map((c) => ({ value: c.code, label: label(c.code) }))} data-testid="staffcare-add-categories" />
        </Form.Item>
        <Form.Item name="level" label={t('staffCare.addForm.level')}>
          <Radio.Group optionType="button" options={LEVELS.map((l) => ({ value: l, label: t(`staffCare.level.${l}`) }))} />
        </Form.Item>
        <Form.Item name="reason" label={t('staffCare.addForm.reason')} rules={[{ required: true, whitespace: true, message: t('staffCare.addForm.required') }]}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={1000} data-testid="staffcare-add-reason" />
        </Form.Item>
        {problem && <Alert type="error" showIcon title={problem} />}
      </Form>
    </Modal>
  );
}

function CreateSweepModal({ onClose, onCreated }: { onClose: () => void; onCreated: (s: StaffSweep) => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const { form, busy, problem, onFinish, term, period } = useSweepForm<StaffSweep>('/staffcare/sweeps', onCreated);
  const own = useMemo(() => boundUnits(me, 'staffcare.manage').map((b) => ({ value: b.id, label: me.roles.find((r) => r.orgUnitId === b.id)?.orgUnitName ?? String(b.id) })), [me]);
  return (
    <Modal open title={t('staffCare.sweeps.create')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okButtonProps={{ 'data-testid': 'staffsweep-create-submit' } as never} destroyOnHidden>
      <Form<SweepFormValues> form={form} layout="vertical" disabled={busy} onFinish={onFinish} initialValues={{ ownerUnitId: own[0]?.value, term, name: t('staffCare.sweeps.defaultName', { term }), period }}>
        <Form.Item name="ownerUnitId" label={t('staffCare.sweeps.owner')} rules={[{ required: true, message: t('staffCare.addForm.required') }]}>
          <Select options={own} data-testid="staffsweep-create-owner" />
        </Form.Item>
        <Form.Item name="term" label={t('staffCare.sweeps.term')} rules={[{ required: true, whitespace: true, message: t('staffCare.addForm.required') }]}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="name" label={t('staffCare.sweeps.name')} rules={[{ required: true, whitespace: true, message: t('staffCare.addForm.required') }]}>
          <Input maxLength={100} data-testid="staffsweep-create-name" />
        </Form.Item>
        <Form.Item name="period" label={t('staffCare.sweeps.period')} rules={[{ required: true, message: t('staffCare.addForm.required') }]}>
          <DatePicker.RangePicker allowClear={false} />
        </Form.Item>
        {problem && <Alert type="error" showIcon title={problem} />}
      </Form>
    </Modal>
  );
}

function SweepsCard() {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const { data, error, reload } = useAsync((signal) => api.get<Items<StaffSweep>>('/staffcare/sweeps', undefined, { signal }), []);
  const columns: ColumnsType<StaffSweep> = [
    { title: t('staffCare.sweeps.name'), key: 'name', render: (_v, s) => <Link to={`/staffcare/sweeps/${s.id}`} data-testid="staffsweep-link">{s.name}</Link> },
    { title: t('staffCare.sweeps.owner'), dataIndex: 'ownerName', key: 'owner' },
    { title: t('staffCare.sweeps.period'), key: 'period', render: (_v, s) => <Space size={6}>{`${s.start} ~ ${s.end}`}<SweepStateTag sweep={s} /></Space> },
    { title: t('staffCare.sweeps.createdBy'), dataIndex: 'createdByName', key: 'by' },
  ];
  return (
    <Card
      size="small"
      title={t('staffCare.sweeps.title')}
      extra={can('staffcare.manage') && <Button size="small" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="staffsweep-create">{t('staffCare.sweeps.create')}</Button>}
      data-testid="staffsweep-card"
    >
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>{t('staffCare.sweeps.hint')}</Typography.Paragraph>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<StaffSweep> size="small" rowKey="id" columns={columns} dataSource={data?.items ?? []} pagination={false} locale={{ emptyText: <Empty description={t('staffCare.sweeps.empty')} image={Empty.PRESENTED_IMAGE_SIMPLE} /> }} />
      {creating && <CreateSweepModal onClose={() => setCreating(false)} onCreated={(s) => void navigate(`/staffcare/sweeps/${s.id}`)} />}
    </Card>
  );
}

/** 教职工关爱: the register the caller may see (leaders: their school's staff; the bureau: everyone of its area), and the term's sweeps. */
export default function StaffCareListPage() {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const { label } = useStaffCategories();
  const [status, setStatus] = useState<'open' | 'closed'>('open');
  const [tier, setTier] = useState<Tier | ''>('');
  const [overdue, setOverdue] = useState(false);
  const [page, setPage] = useState(1);
  const [adding, setAdding] = useState(false);
  const { data, error, loading, reload } = useAsync(
    (signal) => api.get<Paged<StaffCase>>('/staffcare/cases', { status, tier, ...(overdue && status === 'open' ? { overdue: 'true' } : {}), page, pageSize: 50 }, { signal }),
    [status, tier, overdue, page],
  );
  const columns: ColumnsType<StaffCase> = [
    { title: t('staffCare.col.name'), key: 'name', render: (_v, c) => <Link to={`/staffcare/${c.id}`} data-testid="staffcare-row-name">{c.name}</Link> },
    { title: t('staffCare.col.unit'), dataIndex: 'unitName', key: 'unit' },
    { title: t('staffCare.col.tier'), key: 'tier', render: (_v, c) => <Tag color={c.tier === 'leaders' ? 'purple' : 'default'}>{t(`staffCare.tier.${c.tier}`)}</Tag> },
    { title: t('staffCare.col.categories'), key: 'categories', render: (_v, c) => <CategoryTags codes={c.categories} label={label} /> },
    { title: t('staffCare.col.level'), key: 'level', render: (_v, c) => <StaffLevelTag level={c.level} /> },
    { title: t('staffCare.col.status'), key: 'status', render: (_v, c) => <StaffStatusTag status={c.status} /> },
    { title: t('staffCare.col.carer'), key: 'carer', render: (_v, c) => c.carer?.name ?? <Typography.Text type="secondary">{t('staffCare.noCarer')}</Typography.Text> },
    { title: t('staffCare.col.followUps'), key: 'followUps', render: (_v, c) => <StaffFollowUps items={c.followUps} /> },
    { title: t('staffCare.col.lastRecord'), dataIndex: 'lastRecord', key: 'last', render: (v: string | null) => v ?? '—' },
    { title: t('staffCare.col.addedAt'), key: 'added', render: (_v, c) => fmt(c.addedAt).slice(0, 10) },
  ];
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <div>
        <Typography.Title level={3} style={{ marginTop: 0 }}>{t('staffCare.title')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('staffCare.hint')}</Typography.Paragraph>
      </div>
      <Card size="small">
        <Space wrap style={{ marginBottom: 12 }}>
          <Segmented<'open' | 'closed'> value={status} onChange={(v) => { setStatus(v); setPage(1); }} options={[{ value: 'open', label: t('staffCare.statusOpen') }, { value: 'closed', label: t('staffCare.status.closed') }]} />
          {can('staffcare.leaders') && (
            <Select<Tier | ''> value={tier} style={{ width: 180 }} onChange={(v) => { setTier(v); setPage(1); }} options={[{ value: '', label: t('staffCare.allTiers') }, { value: 'staff', label: t('staffCare.tier.staff') }, { value: 'leaders', label: t('staffCare.tier.leaders') }]} />
          )}
          {status === 'open' && <Checkbox checked={overdue} onChange={(e) => { setOverdue(e.target.checked); setPage(1); }} data-testid="staffcare-overdue-only">{t('staffCare.overdueOnly')}</Checkbox>}
          {can('staffcare.manage') && <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="staffcare-add">{t('staffCare.add')}</Button>}
        </Space>
        {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
        <Table<StaffCase>
          rowKey="id"
          size="middle"
          loading={loading}
          columns={columns}
          dataSource={data?.items ?? []}
          data-testid="staffcare-table"
          locale={{ emptyText: <Empty description={t('staffCare.empty')} image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
          pagination={{ current: page, pageSize: 50, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
          scroll={{ x: 1120 }}
        />
      </Card>
      <SweepsCard />
      {adding && <AddModal onClose={() => setAdding(false)} onAdded={(c) => void navigate(`/staffcare/${c.id}`)} />}
    </Space>
  );
}
