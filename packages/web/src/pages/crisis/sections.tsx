import { useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Descriptions, Empty, Form, Input, List, Modal, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import type { Items } from '../../api/types';
import { applyFormErrors } from '../../app/formErrors';
import { useAsync } from '../../app/useAsync';
import { useSendOnce, useSendOnceFor } from '../../app/useSendOnce';
import { ErrorBox } from '../../components/ErrorBox';
import { fmt } from '../warning/shared';
import { CHANNELS, newClientId, PLAN_PARTS } from './shared';
import type { Conference, CrisisCaseDetail, CrisisTask, GuardianNoticeSent, SafetyPlan, StudentGuardian } from './types';

type Props = { c: CrisisCaseDetail; onChange: (d: CrisisCaseDetail) => void };
const lines = (v: string | undefined): string[] => (v ?? '').split('\n').map((l) => l.trim()).filter(Boolean);

// --- safety plan ----------------------------------------------------------------------------------

export function SafetyPlanCard({ c, onChange }: Props) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const [form] = Form.useForm<Record<string, string>>();
  const { busy, problem, send } = useSendOnce();
  const plan = c.safetyPlan;
  function save(v: Record<string, string>) {
    const body = { plan: Object.fromEntries(PLAN_PARTS.map((p) => [p, lines(v[p])])) as SafetyPlan, baseUpdatedAt: c.safetyPlanUpdatedAt };
    void send(async () => {
      onChange(await api.put<CrisisCaseDetail>(`/crisis/cases/${c.id}/safety-plan`, body));
      setEditing(false);
    });
  }
  return (
    <Card
      title={t('crisis.plan.title')}
      size="small"
      extra={c.can.manage && !editing && <Button size="small" onClick={() => { form.setFieldsValue(Object.fromEntries(PLAN_PARTS.map((p) => [p, (plan?.[p] ?? []).join('\n')]))); setEditing(true); }} data-testid="plan-edit">{t('crisis.plan.edit')}</Button>}
      data-testid="crisis-plan"
    >
      {editing ? (
        <Form form={form} layout="vertical" disabled={busy} onFinish={save}>
          {PLAN_PARTS.map((p) => (
            <Form.Item key={p} name={p} label={t(`crisis.plan.parts.${p}`)} extra={t('crisis.plan.onePerLine')}>
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} data-testid={`plan-${p}`} />
            </Form.Item>
          ))}
          {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
          <Space>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="plan-save">{t('crisis.plan.save')}</Button>
            <Button onClick={() => setEditing(false)}>{t('crisis.plan.cancel')}</Button>
          </Space>
        </Form>
      ) : plan ? (
        <>
          <Descriptions column={1} size="small" bordered items={PLAN_PARTS.map((p) => ({ key: p, label: t(`crisis.plan.parts.${p}`), children: plan[p].length ? <ul style={{ margin: 0, paddingLeft: 18 }}>{plan[p].map((l, i) => <li key={i}>{l}</li>)}</ul> : '—' }))} />
          <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8 }}>{t('crisis.plan.updated', { name: c.safetyPlanUpdatedByName ?? '', at: fmt(c.safetyPlanUpdatedAt) })}</Typography.Text>
        </>
      ) : (
        <Empty description={t('crisis.plan.empty')} />
      )}
    </Card>
  );
}

// --- tasks ----------------------------------------------------------------------------------------

function AddTaskModal({ c, onClose, onDone }: { c: CrisisCaseDetail; onClose: () => void; onDone: (d: CrisisCaseDetail) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ title: string; assigneeAccountId?: string; dueAt: Dayjs }>();
  const [clientId] = useState(newClientId);
  const { busy, problem, send } = useSendOnce();
  return (
    <Modal open title={t('crisis.tasks.add')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okButtonProps={{ 'data-testid': 'task-submit' } as never} destroyOnHidden>
      <Form form={form} layout="vertical" disabled={busy} initialValues={{ dueAt: dayjs().add(1, 'day').hour(17).minute(0).second(0) }}
        onFinish={(v) => void send(async () => onDone(await api.post<CrisisCaseDetail>(`/crisis/cases/${c.id}/tasks`, { title: v.title.trim(), assigneeAccountId: v.assigneeAccountId ?? null, dueAt: v.dueAt.toISOString(), clientId })), (e) => applyFormErrors(form, e, ['title', 'assigneeAccountId', 'dueAt']))}>
        <Form.Item name="title" label={t('crisis.tasks.what')} rules={[{ required: true, whitespace: true, message: t('crisis.required') }]}>
          <Input maxLength={200} data-testid="task-title" />
        </Form.Item>
        <Form.Item name="assigneeAccountId" label={t('crisis.tasks.assignee')}>
          <Select allowClear placeholder={t('crisis.tasks.assigneeNone')} options={c.team.filter((m) => !m.removedAt).map((m) => ({ value: m.accountId, label: `${m.name}（${t(`crisis.teamRole.${m.teamRole}`)}）` }))} />
        </Form.Item>
        <Form.Item name="dueAt" label={t('crisis.tasks.due')} rules={[{ required: true, message: t('crisis.required') }]}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
        </Form.Item>
        {problem && <Alert type="error" showIcon title={problem} />}
      </Form>
    </Modal>
  );
}

const STATE_COLOR: Record<CrisisTask['state'], string> = { open: 'processing', overdue: 'error', done: 'success', cancelled: 'default' };

export function TasksCard({ c, onChange }: Props) {
  const { t } = useTranslation();
  const [adding, setAdding] = useState(false);
  const [cancelling, setCancelling] = useState<CrisisTask | null>(null);
  const [reason, setReason] = useState('');
  const { busyKey, problem, send } = useSendOnceFor();
  const finish = (task: CrisisTask, outcome: 'done' | 'cancelled', note = '') =>
    send(task.id, async () => {
      onChange(await api.post<CrisisCaseDetail>(`/crisis/cases/${c.id}/tasks/${task.id}/finish`, { outcome, note }));
      setCancelling(null);
      setReason('');
    });
  const columns: ColumnsType<CrisisTask> = [
    { title: t('crisis.tasks.what'), dataIndex: 'title', key: 'title' },
    {
      title: t('crisis.tasks.assignee'), key: 'assignee', render: (_v, k) => (c.can.manage && (k.state === 'open' || k.state === 'overdue') ? (
        <Select size="small" variant="borderless" style={{ minWidth: 110 }} allowClear placeholder={t('crisis.tasks.assigneeNone')} value={k.assigneeAccountId ?? undefined} loading={busyKey === `a${k.id}`}
          onChange={(v: string | undefined) => void send(`a${k.id}`, async () => onChange(await api.put<CrisisCaseDetail>(`/crisis/cases/${c.id}/tasks/${k.id}/assignee`, { assigneeAccountId: v ?? null })))}
          options={c.team.filter((m) => !m.removedAt).map((m) => ({ value: m.accountId, label: m.name }))} data-testid="task-assignee" />
      ) : (k.assigneeName ?? '—')),
    },
    { title: t('crisis.tasks.due'), key: 'due', render: (_v, k) => <span style={k.state === 'overdue' ? { color: '#cf1322', fontWeight: 600 } : undefined}>{fmt(k.dueAt)}</span> },
    { title: '', key: 'state', render: (_v, k) => <Tag color={STATE_COLOR[k.state]} data-testid={`task-state-${k.state}`}>{t(`crisis.tasks.state.${k.state}`)}</Tag> },
    { title: t('crisis.tasks.note'), key: 'note', render: (_v, k) => (k.doneByName ? `${k.doneByName}：${k.note || '—'}` : '') },
    {
      title: '', key: 'act', render: (_v, k) => c.can.manage && (k.state === 'open' || k.state === 'overdue') && (
        <Space size={4}>
          <Button size="small" type="link" loading={busyKey === k.id} onClick={() => void finish(k, 'done')} data-testid="task-done">{t('crisis.tasks.done')}</Button>
          <Button size="small" type="link" danger onClick={() => setCancelling(k)} data-testid="task-cancel">{t('crisis.tasks.cancel')}</Button>
        </Space>
      ),
    },
  ];
  return (
    <Card title={t('crisis.tasks.title')} size="small" extra={c.can.manage && <Button size="small" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="task-add">{t('crisis.tasks.add')}</Button>} data-testid="crisis-tasks">
      {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 8 }} />}
      <Table<CrisisTask> rowKey="id" size="small" pagination={false} columns={columns} dataSource={c.tasks} locale={{ emptyText: t('crisis.tasks.empty') }} />
      {adding && <AddTaskModal c={c} onClose={() => setAdding(false)} onDone={(d) => { setAdding(false); onChange(d); }} />}
      {cancelling && (
        <Modal open title={`${t('crisis.tasks.cancel')}：${cancelling.title}`} onCancel={() => setCancelling(null)} onOk={() => void finish(cancelling, 'cancelled', reason.trim())} okButtonProps={{ disabled: !reason.trim(), danger: true, 'data-testid': 'task-cancel-submit' } as never} confirmLoading={busyKey === cancelling.id}>
          <Input.TextArea value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('crisis.tasks.cancelReason')} maxLength={500} autoSize={{ minRows: 2 }} data-testid="task-cancel-reason" />
        </Modal>
      )}
    </Card>
  );
}

// --- guardian contacts ----------------------------------------------------------------------------

interface ContactValues {
  who: string;
  guardianName?: string;
  relation?: string;
  channel: (typeof CHANNELS)[number];
  contactedAt: Dayjs;
  said: string;
  response: string;
}

function AddContactModal({ c, onClose, onDone }: { c: CrisisCaseDetail; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ContactValues>();
  const [clientId] = useState(newClientId);
  const { busy, problem, send } = useSendOnce();
  const guardians = useAsync((signal) => api.get<Items<StudentGuardian>>(`/crisis/students/${c.studentId}/guardians`, undefined, { signal }), [c.studentId]);
  const who = Form.useWatch('who', form);
  function submit(v: ContactValues) {
    const other = v.who === 'other';
    void send(async () => {
      await api.post(`/crisis/cases/${c.id}/guardian-contacts`, {
        guardianId: other ? null : v.who, guardianName: other ? v.guardianName?.trim() : undefined, relation: (v.relation ?? '').trim(), channel: v.channel,
        contactedAt: v.contactedAt.toISOString(), said: v.said.trim(), response: v.response.trim(), clientId,
      });
      onDone();
    }, (e) => applyFormErrors(form, e, ['guardianName', 'relation', 'channel', 'contactedAt', 'said', 'response']));
  }
  return (
    <Modal open title={t('crisis.contacts.add')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okButtonProps={{ 'data-testid': 'contact-submit' } as never} destroyOnHidden width={560}>
      <Form<ContactValues> form={form} layout="vertical" disabled={busy} initialValues={{ channel: 'phone', contactedAt: dayjs() }} onFinish={submit}>
        <Form.Item name="who" label={t('crisis.contacts.guardian')} rules={[{ required: true, message: t('crisis.required') }]}>
          <Select
            loading={guardians.loading}
            options={[...(guardians.data?.items ?? []).map((g) => ({ value: g.id, label: `${g.name}（${g.relation}${g.phone ? ` · ${g.phone}` : ''}）` })), { value: 'other', label: t('crisis.contacts.otherPerson') }]}
            data-testid="contact-who"
          />
        </Form.Item>
        {who === 'other' && (
          <Space>
            <Form.Item name="guardianName" label={t('crisis.contacts.name')} rules={[{ required: true, whitespace: true, message: t('crisis.required') }]}>
              <Input maxLength={50} data-testid="contact-name" />
            </Form.Item>
            <Form.Item name="relation" label={t('crisis.contacts.relation')}>
              <Input maxLength={20} />
            </Form.Item>
          </Space>
        )}
        <Space wrap>
          <Form.Item name="channel" label={t('crisis.contacts.channel')} rules={[{ required: true, message: t('crisis.required') }]}>
            <Radio.Group optionType="button" options={CHANNELS.map((ch) => ({ value: ch, label: t(`crisis.contacts.channels.${ch}`) }))} />
          </Form.Item>
          <Form.Item name="contactedAt" label={t('crisis.contacts.at')} rules={[{ required: true, message: t('crisis.required') }]}>
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
          </Form.Item>
        </Space>
        <Form.Item name="said" label={t('crisis.contacts.said')} rules={[{ required: true, whitespace: true, message: t('crisis.required') }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} data-testid="contact-said" />
        </Form.Item>
        <Form.Item name="response" label={t('crisis.contacts.response')} rules={[{ required: true, whitespace: true, message: t('crisis.required') }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} data-testid="contact-response" />
        </Form.Item>
        {problem && <Alert type="error" showIcon title={problem} />}
      </Form>
    </Modal>
  );
}

export function ContactsCard({ c, reload }: { c: CrisisCaseDetail; reload: () => void }) {
  const { t } = useTranslation();
  const [adding, setAdding] = useState(false);
  return (
    <Card title={t('crisis.contacts.title')} size="small" extra={c.can.manage && <Button size="small" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="contact-add">{t('crisis.contacts.add')}</Button>} data-testid="crisis-contacts">
      <List
        size="small"
        dataSource={c.guardianContacts}
        locale={{ emptyText: t('crisis.contacts.empty') }}
        renderItem={(g) => (
          <List.Item key={g.id}>
            <Space orientation="vertical" size={2} style={{ width: '100%' }}>
              <Space wrap size={8}>
                <strong>{g.guardianName}</strong>
                {g.relation && <span>{g.relation}</span>}
                <Tag>{t(`crisis.contacts.channels.${g.channel}`)}</Tag>
                <Typography.Text type="secondary">{fmt(g.contactedAt)} · {t('crisis.contacts.by')} {g.contactedByName}</Typography.Text>
              </Space>
              <div><Typography.Text type="secondary">{t('crisis.contacts.said')}：</Typography.Text>{g.said}</div>
              <div><Typography.Text type="secondary">{t('crisis.contacts.response')}：</Typography.Text>{g.response}</div>
            </Space>
          </List.Item>
        )}
      />
      {adding && <AddContactModal c={c} onClose={() => setAdding(false)} onDone={() => { setAdding(false); reload(); }} />}
    </Card>
  );
}

// --- guardian notices -----------------------------------------------------------------------------

export function NoticesCard({ c, reloadCase }: { c: CrisisCaseDetail; reloadCase: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [sending, setSending] = useState(false);
  const [form] = Form.useForm<{ title: string; body: string }>();
  const [clientId, setClientId] = useState(newClientId);
  const { busy, problem, send } = useSendOnce();
  const list = useAsync((signal) => api.get<Items<GuardianNoticeSent>>(`/crisis/students/${c.studentId}/guardian-notices`, undefined, { signal }), [c.studentId]);
  function submit(v: { title: string; body: string }) {
    void send(async () => {
      await api.post(`/crisis/students/${c.studentId}/guardian-notices`, { title: v.title.trim(), body: v.body.trim(), caseId: c.id, clientId });
      void message.success(t('crisis.notices.sent'));
      setSending(false);
      setClientId(newClientId());
      form.resetFields();
      list.reload();
      reloadCase();
    }, (e) => applyFormErrors(form, e, ['title', 'body']));
  }
  return (
    <Card title={t('crisis.notices.title')} size="small" extra={c.can.notifyGuardians && c.status === 'open' && <Button size="small" icon={<PlusOutlined />} onClick={() => setSending(true)} data-testid="notice-send">{t('crisis.notices.send')}</Button>} data-testid="crisis-notices">
      {list.error ? <ErrorBox error={list.error} onRetry={list.reload} /> : (
        <List
          size="small"
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: t('crisis.notices.empty') }}
          renderItem={(n) => (
            <List.Item key={n.id}>
              <Space orientation="vertical" size={2}>
                <Space wrap size={8}>
                  <strong>{n.title}</strong>
                  <Typography.Text type="secondary">{n.sentByName} · {fmt(n.sentAt)}</Typography.Text>
                  {n.recipients > 0 ? <Tag color="green">{t('crisis.notices.recipients', { n: n.recipients })}</Tag> : <Tag color="orange">{t('crisis.notices.noAccount')}</Tag>}
                </Space>
                <span style={{ whiteSpace: 'pre-wrap' }}>{n.body}</span>
              </Space>
            </List.Item>
          )}
        />
      )}
      {sending && (
        <Modal open title={t('crisis.notices.send')} onCancel={() => setSending(false)} onOk={() => form.submit()} confirmLoading={busy} okButtonProps={{ 'data-testid': 'notice-submit' } as never} destroyOnHidden>
          <Alert type="warning" showIcon title={t('crisis.notices.reminder')} style={{ marginBottom: 12 }} />
          <Form form={form} layout="vertical" disabled={busy} onFinish={submit}>
            <Form.Item name="title" label={t('crisis.notices.heading')} rules={[{ required: true, whitespace: true, message: t('crisis.required') }]}>
              <Input maxLength={60} data-testid="notice-title" />
            </Form.Item>
            <Form.Item name="body" label={t('crisis.notices.body')} rules={[{ required: true, whitespace: true, message: t('crisis.required') }]}>
              <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={2000} data-testid="notice-body" />
            </Form.Item>
            {problem && <Alert type="error" showIcon title={problem} />}
          </Form>
        </Modal>
      )}
    </Card>
  );
}

// --- conferences ----------------------------------------------------------------------------------

interface ConferenceValues {
  kind: Conference['kind'];
  heldAt: Dayjs;
  participants: { name: string; organisation?: string; role?: string }[];
  minutes: string;
  decisions: string;
  schoolId?: number;
}

/** Records a 专家会诊 or 跨校会商: on a case (caseId) or, cross-school, for a school (schools given). */
export function ConferenceModal({ caseId, schools, onClose, onDone }: { caseId: string | null; schools?: { value: number; label: string }[]; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ConferenceValues>();
  const [clientId] = useState(newClientId);
  const { busy, problem, send } = useSendOnce();
  function submit(v: ConferenceValues) {
    void send(async () => {
      await api.post('/crisis/conferences', {
        kind: caseId ? v.kind : 'cross_school', caseId: caseId ?? undefined, schoolId: caseId ? undefined : v.schoolId, heldAt: v.heldAt.toISOString(),
        participants: v.participants.map((p) => ({ name: p.name.trim(), organisation: (p.organisation ?? '').trim(), role: (p.role ?? '').trim() })),
        minutes: v.minutes.trim(), decisions: v.decisions.trim(), clientId,
      });
      onDone();
    }, (e) => applyFormErrors(form, e, ['kind', 'heldAt', 'participants', 'minutes', 'decisions', 'schoolId']));
  }
  return (
    <Modal open title={t('crisis.conferences.add')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okButtonProps={{ 'data-testid': 'conference-submit' } as never} destroyOnHidden width={640}>
      <Form<ConferenceValues> form={form} layout="vertical" disabled={busy} onFinish={submit}
        initialValues={{ kind: caseId ? 'expert' : 'cross_school', heldAt: dayjs(), participants: [{ name: '' }], schoolId: schools?.[0]?.value }}>
        {caseId ? (
          <Form.Item name="kind" label={t('crisis.conferences.kind')}>
            <Radio.Group optionType="button" options={(['expert', 'cross_school'] as const).map((k) => ({ value: k, label: t(`crisis.conferences.kinds.${k}`) }))} />
          </Form.Item>
        ) : (
          <Form.Item name="schoolId" label={t('crisis.conferences.school')} rules={[{ required: true, message: t('crisis.required') }]}>
            <Select options={schools ?? []} />
          </Form.Item>
        )}
        <Form.Item name="heldAt" label={t('crisis.conferences.heldAt')} rules={[{ required: true, message: t('crisis.required') }]}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
        </Form.Item>
        <Form.Item label={t('crisis.conferences.participants')} required>
          <Form.List name="participants">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <div key={f.key} style={{ display: 'flex', gap: 8, alignItems: 'baseline' }}>
                    <Form.Item name={[f.name, 'name']} style={{ flex: 2, marginBottom: 8 }} rules={[{ required: true, whitespace: true, message: t('crisis.required') }]}>
                      <Input placeholder={t('crisis.conferences.pName')} maxLength={50} data-testid="conference-p-name" />
                    </Form.Item>
                    <Form.Item name={[f.name, 'organisation']} style={{ flex: 3, marginBottom: 8 }}>
                      <Input placeholder={t('crisis.conferences.pOrg')} maxLength={100} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'role']} style={{ flex: 2, marginBottom: 8 }}>
                      <Input placeholder={t('crisis.conferences.pRole')} maxLength={50} />
                    </Form.Item>
                    <MinusCircleOutlined style={{ visibility: fields.length > 1 ? 'visible' : 'hidden' }} onClick={() => remove(f.name)} />
                  </div>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: '' })}>{t('crisis.conferences.addParticipant')}</Button>
              </>
            )}
          </Form.List>
        </Form.Item>
        <Form.Item name="minutes" label={t('crisis.conferences.minutes')} rules={[{ required: true, whitespace: true, message: t('crisis.required') }]}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} maxLength={10000} data-testid="conference-minutes" />
        </Form.Item>
        <Form.Item name="decisions" label={t('crisis.conferences.decisions')} rules={[{ required: true, whitespace: true, message: t('crisis.required') }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} maxLength={5000} data-testid="conference-decisions" />
        </Form.Item>
        {problem && <Alert type="error" showIcon title={problem} />}
      </Form>
    </Modal>
  );
}

export function ConferenceList({ items }: { items: Conference[] }) {
  const { t } = useTranslation();
  return (
    <List
      size="small"
      dataSource={items}
      locale={{ emptyText: t('crisis.conferences.empty') }}
      renderItem={(k) => (
        <List.Item key={k.id}>
          <Space orientation="vertical" size={2} style={{ width: '100%' }}>
            <Space wrap size={8}>
              <Tag color={k.kind === 'expert' ? 'purple' : 'cyan'}>{t(`crisis.conferences.kinds.${k.kind}`)}</Tag>
              <strong>{fmt(k.heldAt)}</strong>
              {k.studentName && k.caseId && <Link to={`/crisis/${k.caseId}`}>{t('crisis.conferences.caseOf', { name: k.studentName })}</Link>}
              <Typography.Text type="secondary">{t('crisis.conferences.recordedBy')} {k.recordedByName}</Typography.Text>
            </Space>
            <div><Typography.Text type="secondary">{t('crisis.conferences.participants')}：</Typography.Text>{k.participants.map((p) => [p.name, p.organisation, p.role].filter(Boolean).join(' ')).join('；')}</div>
            <div style={{ whiteSpace: 'pre-wrap' }}><Typography.Text type="secondary">{t('crisis.conferences.minutes')}：</Typography.Text>{k.minutes}</div>
            <div style={{ whiteSpace: 'pre-wrap' }}><Typography.Text type="secondary">{t('crisis.conferences.decisions')}：</Typography.Text>{k.decisions}</div>
          </Space>
        </List.Item>
      )}
    />
  );
}

export function ConferencesCard({ c, reload }: { c: CrisisCaseDetail; reload: () => void }) {
  const { t } = useTranslation();
  const [adding, setAdding] = useState(false);
  return (
    <Card title={t('crisis.conferences.title')} size="small" extra={c.can.manage && <Button size="small" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="conference-add">{t('crisis.conferences.add')}</Button>} data-testid="crisis-conferences">
      <ConferenceList items={c.conferences} />
      {adding && <ConferenceModal caseId={c.id} onClose={() => setAdding(false)} onDone={() => { setAdding(false); reload(); }} />}
    </Card>
  );
}
