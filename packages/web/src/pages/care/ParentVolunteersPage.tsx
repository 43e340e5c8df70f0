import { useEffect, useRef, useState } from 'react';
import { Alert as AntAlert, App, Button, Empty, Form, Input, Modal, Radio, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import type { GuardianChoice, Items, KeyStudent, Paged, Pairing, PairBody, ParentVolunteer } from '../../api/types';
import { applyFormErrors } from '../../app/formErrors';
import { useMe } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { useQueryState } from '../../app/useQueryState';
import { ErrorBox } from '../../components/ErrorBox';
import { fmt } from '../warning/shared';
import { unitsWith } from './schools';

/** A guardian of the school's students, found by name or phone as one types. */
function GuardianPicker({ schoolId, value, onChange }: { schoolId: number; value?: string; onChange?: (v: string) => void }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [options, setOptions] = useState<GuardianChoice[]>([]);
  const seq = useRef(0);
  useEffect(() => {
    if (!q.trim()) return;
    const n = ++seq.current;
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      api.get<Items<GuardianChoice>>('/care/parent-volunteers/guardians', { schoolId, q: q.trim() }, { signal: ctrl.signal })
        .then((r) => n === seq.current && setOptions(r.items))
        .catch(() => undefined);
    }, 250);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [q, schoolId]);
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={value}
      onChange={onChange}
      placeholder={t('care.parents.guardianPlaceholder')}
      notFoundContent={null}
      options={options.map((g) => ({ value: g.guardianId, label: `${g.name}${g.phone ? ` ${g.phone}` : ''} · ${g.children.join('、')}` }))}
      data-testid="pv-guardian"
    />
  );
}

function RegisterModal({ schoolId, onClose, onDone }: { schoolId: number; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ guardianId: string; note?: string }>();
  const { busy, problem, send } = useSendOnce();
  const submit = (v: { guardianId: string; note?: string }) =>
    void send(
      async () => {
        await api.post('/care/parent-volunteers', { schoolId, guardianId: v.guardianId, note: v.note?.trim() ?? '' });
        onDone();
      },
      (e) => applyFormErrors(form, e, ['guardianId', 'note']),
    );
  return (
    <Modal open title={t('care.parents.register')} onCancel={onClose} onOk={() => form.submit()} okText={t('care.form.submit')} cancelText={t('care.form.cancel')} confirmLoading={busy} okButtonProps={{ 'data-testid': 'pv-register-submit' } as never} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={submit} disabled={busy}>
        <Form.Item name="guardianId" label={t('care.parents.guardian')} rules={[{ required: true, message: t('care.form.required') }]}>
          <GuardianPicker schoolId={schoolId} />
        </Form.Item>
        <Form.Item name="note" label={t('care.parents.note')}>
          <Input maxLength={300} />
        </Form.Item>
        {problem && <AntAlert type="error" showIcon title={problem} />}
      </Form>
    </Modal>
  );
}

/** 结对: one key student of the register (those without a volunteer), and whom the parent calls at school. */
function PairModal({ v, onClose, onDone }: { v: ParentVolunteer; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Omit<PairBody, 'volunteerId'>>();
  const { busy, problem, send } = useSendOnce();
  const students = useAsync((signal) => api.get<Paged<KeyStudent>>('/care/students', { status: 'active', unitId: v.schoolId, pageSize: 200 }, { signal }), [v.schoolId]);
  const submit = (x: Omit<PairBody, 'volunteerId'>) =>
    void send(
      async () => {
        await api.post('/care/parent-pairings', { volunteerId: v.id, keyStudentId: x.keyStudentId, ...(x.contactName?.trim() ? { contactName: x.contactName.trim() } : {}), ...(x.contactPhone?.trim() ? { contactPhone: x.contactPhone.trim() } : {}) });
        onDone();
      },
      (e) => applyFormErrors(form, e, ['keyStudentId', 'contactName', 'contactPhone']),
    );
  return (
    <Modal open title={t('care.parents.pairTitle', { name: v.name })} onCancel={onClose} onOk={() => form.submit()} okText={t('care.form.submit')} cancelText={t('care.form.cancel')} confirmLoading={busy} okButtonProps={{ 'data-testid': 'pv-pair-submit' } as never} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={submit} disabled={busy}>
        <Form.Item name="keyStudentId" label={t('care.parents.student')} rules={[{ required: true, message: t('care.form.required') }]}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            loading={students.loading}
            placeholder={t('care.parents.studentPlaceholder')}
            options={(students.data?.items ?? []).map((k) => ({ value: k.id, label: `${k.name}（${k.className}）` }))}
            data-testid="pv-pair-student"
          />
        </Form.Item>
        <Form.Item name="contactName" label={t('care.parents.contactName')}>
          <Input maxLength={40} />
        </Form.Item>
        <Form.Item name="contactPhone" label={t('care.parents.contactPhone')}>
          <Input maxLength={20} inputMode="tel" />
        </Form.Item>
        {problem && <AntAlert type="error" showIcon title={problem} />}
      </Form>
    </Modal>
  );
}

/** 结束结对 / 结束服务: a reason, then the action. */
function EndModal({ title, url, onClose, onDone }: { title: string; url: string; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const { busy, problem, send } = useSendOnce();
  function submit() {
    if (!reason.trim()) return;
    void send(async () => {
      await api.post(url, { reason: reason.trim() });
      onDone();
    });
  }
  return (
    <Modal open title={title} onCancel={onClose} onOk={submit} okButtonProps={{ disabled: !reason.trim(), danger: true, 'data-testid': 'pv-end-submit' } as never} confirmLoading={busy} okText={t('care.form.submit')} cancelText={t('care.form.cancel')} destroyOnHidden>
      <Input.TextArea value={reason} onChange={(e) => setReason(e.target.value)} maxLength={300} placeholder={t('care.parents.endReason')} data-testid="pv-end-reason" />
      {problem && <AntAlert type="error" showIcon title={problem} style={{ marginTop: 8 }} />}
    </Modal>
  );
}

type Dialog = { kind: 'register' } | { kind: 'pair'; v: ParentVolunteer } | { kind: 'end'; title: string; url: string };

/** 家长志愿者: the school's parent volunteers, one-to-one pairings with key students, and their history. */
export default function ParentVolunteersPage() {
  const { t } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const schools = unitsWith(me, 'care.manage');
  const [q, setQ] = useQueryState(['schoolId', 'tab', 'status'] as const);
  const schoolId = Number(q.schoolId ?? schools[0]?.id ?? 0);
  const status = q.status === 'ended' ? 'ended' : 'active';
  const tab = q.tab === 'pairings' ? 'pairings' : 'volunteers';
  const volunteers = useAsync((signal) => (schoolId ? api.get<Items<ParentVolunteer>>('/care/parent-volunteers', { schoolId, status }, { signal }) : Promise.resolve({ items: [] })), [schoolId, status]);
  const pairings = useAsync((signal) => (schoolId && tab === 'pairings' ? api.get<Items<Pairing>>('/care/parent-pairings', { schoolId }, { signal }) : Promise.resolve({ items: [] })), [schoolId, tab]);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const done = () => {
    setDialog(null);
    void message.success(t('care.saved'));
    volunteers.reload();
    pairings.reload();
  };

  const vCols: ColumnsType<ParentVolunteer> = [
    { title: t('care.parents.col.name'), dataIndex: 'name', render: (n: string, v) => <span data-testid={`pv-row-${v.id}`}>{n}</span> },
    { title: t('care.parents.col.phone'), dataIndex: 'phone', render: (p: string | null) => p ?? '—' },
    { title: t('care.parents.col.children'), dataIndex: 'childClasses', render: (c: string[]) => c.join('、') || '—' },
    { title: t('care.parents.col.source'), dataIndex: 'source', render: (s: ParentVolunteer['source']) => <Tag>{t(`care.parents.source.${s}`)}</Tag> },
    {
      title: t('care.parents.col.pairing'),
      key: 'pairing',
      render: (_, v) =>
        v.pairing ? (
          <Space size={4} wrap>
            <Link to={`/care/${v.pairing.keyStudentId}`}>{v.pairing.name}</Link>
            <Typography.Text type="secondary">{v.pairing.className}</Typography.Text>
          </Space>
        ) : (
          '—'
        ),
    },
    { title: t('care.parents.note'), dataIndex: 'note', render: (n: string, v) => (v.status === 'ended' ? `${fmt(v.endedAt)} ${v.endReason ?? ''}` : n || '—') },
    {
      title: '',
      key: 'actions',
      render: (_, v) =>
        v.status === 'active' && (
          <Space size={4} wrap>
            {v.pairing ? (
              <Button size="small" onClick={() => setDialog({ kind: 'end', title: t('care.parents.endPairing'), url: `/care/parent-pairings/${v.pairing!.id}/end` })} data-testid={`pv-unpair-${v.id}`}>
                {t('care.parents.endPairing')}
              </Button>
            ) : (
              <Button size="small" type="primary" onClick={() => setDialog({ kind: 'pair', v })} data-testid={`pv-pair-${v.id}`}>
                {t('care.parents.pair')}
              </Button>
            )}
            <Button size="small" danger onClick={() => setDialog({ kind: 'end', title: t('care.parents.endVolunteer'), url: `/care/parent-volunteers/${v.id}/end` })}>
              {t('care.parents.endVolunteer')}
            </Button>
          </Space>
        ),
    },
  ];
  const pCols: ColumnsType<Pairing> = [
    { title: t('care.parents.col.volunteer'), dataIndex: 'volunteerName' },
    { title: t('care.parents.col.student'), dataIndex: 'name', render: (n: string, p) => <Link to={`/care/${p.keyStudentId}`}>{n}</Link> },
    { title: t('care.col.className'), dataIndex: 'className' },
    { title: t('care.parents.col.contact'), key: 'c', render: (_, p) => `${p.contactName}${p.contactPhone ? ` ${p.contactPhone}` : ''}` },
    { title: t('care.parents.col.since'), dataIndex: 'startedAt', render: (d: string) => fmt(d) },
    { title: t('care.parents.col.startedBy'), dataIndex: 'startedByName', render: (n: string | null) => n ?? '—' },
    { title: t('care.parents.col.ended'), dataIndex: 'endedAt', render: (d: string | null) => (d ? fmt(d) : <Tag color="blue">{t('care.parents.current')}</Tag>) },
    { title: t('care.parents.col.endReason'), dataIndex: 'endReason', render: (r: string | null) => r ?? '—' },
  ];

  if (!schools.length) return <Empty description={t('app.notFound')} />;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="parent-volunteers-page">
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('care.parents.title')}
        </Typography.Title>
        <Space wrap>
          {schools.length > 1 && <Select value={schoolId} onChange={(v: number) => setQ({ schoolId: v })} options={schools.map((s) => ({ value: s.id, label: s.name }))} style={{ minWidth: 200 }} aria-label={t('care.parents.school')} />}
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ kind: 'register' })} data-testid="pv-register">
            {t('care.parents.register')}
          </Button>
        </Space>
      </Space>
      <Typography.Text type="secondary">{t('care.parents.hint')}</Typography.Text>
      <Tabs
        activeKey={tab}
        onChange={(k) => setQ({ tab: k === 'pairings' ? 'pairings' : null })}
        items={[
          {
            key: 'volunteers',
            label: t('care.parents.tabVolunteers'),
            children: (
              <Space orientation="vertical" size={8} style={{ width: '100%' }}>
                <Radio.Group value={status} onChange={(e) => setQ({ status: e.target.value === 'ended' ? 'ended' : null })} optionType="button" options={[{ value: 'active', label: t('care.parents.active') }, { value: 'ended', label: t('care.parents.ended') }]} />
                {volunteers.error !== undefined && <ErrorBox error={volunteers.error} onRetry={volunteers.reload} />}
                <Table<ParentVolunteer> rowKey="id" size="middle" loading={volunteers.loading} columns={vCols} dataSource={volunteers.data?.items ?? []} pagination={false} scroll={{ x: 'max-content' }} locale={{ emptyText: <Empty description={t('care.parents.empty')} /> }} data-testid="pv-table" />
              </Space>
            ),
          },
          {
            key: 'pairings',
            label: t('care.parents.tabPairings'),
            children: (
              <>
                {pairings.error !== undefined && <ErrorBox error={pairings.error} onRetry={pairings.reload} />}
                <Table<Pairing> rowKey="id" size="middle" loading={pairings.loading} columns={pCols} dataSource={pairings.data?.items ?? []} pagination={false} scroll={{ x: 'max-content' }} locale={{ emptyText: <Empty description={t('care.parents.pairingsEmpty')} /> }} data-testid="pv-pairings" />
              </>
            ),
          },
        ]}
      />
      {dialog?.kind === 'register' && <RegisterModal schoolId={schoolId} onClose={() => setDialog(null)} onDone={done} />}
      {dialog?.kind === 'pair' && <PairModal v={dialog.v} onClose={() => setDialog(null)} onDone={done} />}
      {dialog?.kind === 'end' && <EndModal title={dialog.title} url={dialog.url} onClose={() => setDialog(null)} onDone={done} />}
    </Space>
  );
}
