import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Drawer, Form, Input, Modal, Select, Space, Switch, Table, Timeline, Typography } from 'antd';
import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, apiUrl } from '../../api/client';
import type { Paged, StudentSummary } from '../../api/types';
import { applyFormErrors } from '../../app/formErrors';
import { useCan } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useSendOnce, useSendOnceFor } from '../../app/useSendOnce';
import { uuid } from '../../app/uuid';
import { ErrorBox } from '../../components/ErrorBox';
import { cst, span, StatusTag, type Appointment, type AppointmentDetail, type FreeSlots, type Room, type Status } from './shared';

const STATUSES: Status[] = ['requested', 'confirmed', 'completed', 'no_show', 'cancelled'];
const EVENT_KINDS = ['booked', 'confirmed', 'moved', 'cancelled', 'slot_cancelled', 'completed', 'no_show', 'walk_in', 'reminded'] as const;
type EventKind = (typeof EVENT_KINDS)[number];

/** 改期: the student's free slots; the counselor picks one. */
function MoveModal({ a, onClose, onDone }: { a: Appointment; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { data, error } = useAsync((signal) => api.get<FreeSlots>(`/counseling/students/${a.studentId}/slots`, { to: dayjs().add(60, 'day').format('YYYY-MM-DD') }, { signal }), [a.studentId]);
  const [slotId, setSlotId] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const { busy, problem, send } = useSendOnce();
  return (
    <Modal
      open
      title={t('counseling.register.moveTitle')}
      onCancel={onClose}
      okButtonProps={{ disabled: !slotId, 'data-testid': 'appt-move-ok' } as never}
      confirmLoading={busy}
      onOk={() =>
        void send(async () => {
          await api.post(`/counseling/appointments/${a.id}/action`, { action: 'move', slotId, reason: reason.trim() });
          onDone();
        })
      }
    >
      {error !== undefined && <ErrorBox error={error} />}
      <Typography.Paragraph>
        {a.studentName} · {cst(a.startsAt)}
      </Typography.Paragraph>
      <Select
        style={{ width: '100%' }}
        placeholder={t('counseling.register.newSlot')}
        value={slotId}
        onChange={setSlotId}
        options={(data?.items ?? []).map((s) => ({ value: s.id, label: `${cst(s.startsAt)}–${cst(s.endsAt).slice(11)} · ${s.counselorName}${s.roomName ? ` · ${s.roomName}` : ''}` }))}
        data-testid="appt-move-slot"
      />
      <Input style={{ marginTop: 8 }} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} placeholder={t('counseling.common.reason')} />
      {problem && <Alert type="error" showIcon title={problem} style={{ marginTop: 8 }} />}
    </Modal>
  );
}

function CancelModal({ a, onClose, onDone }: { a: Appointment; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const { busy, problem, send } = useSendOnce();
  return (
    <Modal
      open
      title={t('counseling.register.cancelTitle')}
      onCancel={onClose}
      okButtonProps={{ danger: true, disabled: !reason.trim(), 'data-testid': 'appt-cancel-ok' } as never}
      confirmLoading={busy}
      onOk={() =>
        void send(async () => {
          await api.post(`/counseling/appointments/${a.id}/action`, { action: 'cancel', reason: reason.trim() });
          onDone();
        })
      }
    >
      <Typography.Paragraph>
        {a.studentName} · {cst(a.startsAt)}
      </Typography.Paragraph>
      <Input.TextArea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} maxLength={200} placeholder={t('counseling.common.reason')} data-testid="appt-cancel-reason" />
      {problem && <Alert type="error" showIcon title={problem} style={{ marginTop: 8 }} />}
    </Modal>
  );
}

interface WalkInValues {
  studentId: string;
  date: Dayjs;
  start: string;
  end: string;
  roomId?: string;
  topic?: string;
}

/** 登记现场来访: a student who came without an appointment; one client id per form. */
function WalkInModal({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<WalkInValues>();
  const [clientId] = useState(uuid);
  const [people, setPeople] = useState<StudentSummary[]>([]);
  const rooms = useAsync((signal) => api.get<{ items: Room[] }>('/counseling/rooms', undefined, { signal }), []);
  const { busy, problem, send } = useSendOnce();
  const search = async (q: string) => {
    if (!q.trim()) return setPeople([]);
    setPeople((await api.get<Paged<StudentSummary>>('/students', { q: q.trim(), pageSize: 20 })).items);
  };
  const submit = (v: WalkInValues) =>
    send(
      async () => {
        await api.post('/counseling/walk-ins', { studentId: v.studentId, date: v.date.format('YYYY-MM-DD'), start: v.start.trim(), end: v.end.trim(), roomId: v.roomId ?? null, topic: (v.topic ?? '').trim(), clientId });
        onDone();
      },
      (e) => applyFormErrors(form, e, ['studentId', 'date', 'start', 'end', 'roomId', 'topic']),
    );
  const now = dayjs();
  return (
    <Modal open title={t('counseling.register.walkInTitle')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okButtonProps={{ 'data-testid': 'walkin-ok' } as never} destroyOnHidden>
      <Form<WalkInValues> form={form} layout="vertical" disabled={busy} onFinish={(v) => void submit(v)} initialValues={{ date: now, start: now.subtract(30, 'minute').format('HH:mm'), end: now.format('HH:mm') }}>
        <Form.Item name="studentId" label={t('counseling.register.studentId')} rules={[{ required: true, message: t('counseling.common.required') }]}>
          <Select
            showSearch={{ filterOption: false, onSearch: (v) => void search(v) }}
            placeholder={t('counseling.register.searchStudent')}
            options={people.map((p) => ({ value: p.id, label: `${p.name} · ${[p.gradeName, p.className].filter(Boolean).join('')}` }))}
            data-testid="walkin-student"
          />
        </Form.Item>
        <Space>
          <Form.Item name="date" label={t('counseling.common.date')} rules={[{ required: true, message: t('counseling.common.required') }]}>
            <DatePicker allowClear={false} />
          </Form.Item>
          <Form.Item name="start" label={t('counseling.common.start')} rules={[{ required: true, message: t('counseling.common.required') }]}>
            <Input style={{ width: 80 }} />
          </Form.Item>
          <Form.Item name="end" label={t('counseling.common.end')} rules={[{ required: true, message: t('counseling.common.required') }]}>
            <Input style={{ width: 80 }} />
          </Form.Item>
        </Space>
        <Form.Item name="roomId" label={t('counseling.slots.room')}>
          <Select allowClear options={(rooms.data?.items ?? []).map((r) => ({ value: r.id, label: r.name }))} />
        </Form.Item>
        <Form.Item name="topic" label={t('counseling.register.topic')}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </Form>
      {problem && <Alert type="error" showIcon title={problem} />}
    </Modal>
  );
}

function DetailDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation();
  const { data, error } = useAsync((signal) => api.get<AppointmentDetail>(`/counseling/appointments/${id}`, undefined, { signal }), [id]);
  return (
    <Drawer open title={data ? `${data.studentName} · ${cst(data.startsAt)}` : ''} onClose={onClose} size={460}>
      {error !== undefined && <ErrorBox error={error} />}
      {data && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <div>
            <StatusTag status={data.status} /> {data.className} · {data.counselorName}
          </div>
          {data.topic && <Typography.Paragraph className="xy-break">{t('counseling.register.topic')}：{data.topic}</Typography.Paragraph>}
          <Typography.Title level={5}>{t('counseling.register.events')}</Typography.Title>
          <Timeline items={data.events.map((e) => ({ children: `${cst(e.at)} ${EVENT_KINDS.includes(e.kind as EventKind) ? t(`counseling.event.${e.kind as EventKind}`) : e.kind}${e.actorName ? ` · ${e.actorName}` : ''}` }))} />
        </Space>
      )}
    </Drawer>
  );
}

/** 预约登记: the school's register with the counselor's actions, walk-ins and the export. */
export default function RegisterPage() {
  const { t } = useTranslation();
  const can = useCan();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().subtract(7, 'day'), dayjs().add(28, 'day')]);
  const [status, setStatus] = useState<Status | undefined>();
  const [mine, setMine] = useState(false);
  const [page, setPage] = useState(1);
  const [dialog, setDialog] = useState<{ kind: 'move' | 'cancel'; a: Appointment } | { kind: 'walkIn' } | { kind: 'detail'; id: string } | null>(null);
  const from = range[0].format('YYYY-MM-DD');
  const to = range[1].format('YYYY-MM-DD');
  const { data, error, reload, loading } = useAsync(
    (signal) => api.get<Paged<Appointment>>('/counseling/appointments', { from, to, status, mine: mine ? 'true' : undefined, page, pageSize: 50 }, { signal }),
    [from, to, status, mine, page],
  );
  const { busyKey, problem, send } = useSendOnceFor();
  const act = (a: Appointment, action: 'confirm' | 'complete' | 'no_show') =>
    send(`${a.id}:${action}`, async () => {
      await api.post(`/counseling/appointments/${a.id}/action`, { action });
      reload();
    });
  const done = () => {
    setDialog(null);
    reload();
  };
  const live = (a: Appointment) => a.status === 'requested' || a.status === 'confirmed';
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="register-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t('counseling.register.title')}</Typography.Title>
      <Card size="small">
        <Space wrap>
          <DatePicker.RangePicker allowClear={false} value={range} onChange={(v) => v?.[0] && v[1] && (setRange([v[0], v[1]]), setPage(1))} />
          <Select style={{ width: 140 }} allowClear placeholder={t('counseling.register.allStatus')} value={status} onChange={(v) => (setStatus(v), setPage(1))} options={STATUSES.map((s) => ({ value: s, label: t(`counseling.status.${s}`) }))} data-testid="register-status" />
          <Space>
            {t('counseling.register.mine')}
            <Switch checked={mine} onChange={(v) => (setMine(v), setPage(1))} />
          </Space>
          <Button icon={<PlusOutlined />} onClick={() => setDialog({ kind: 'walkIn' })} data-testid="walkin-open">
            {t('counseling.register.walkIn')}
          </Button>
          <Button icon={<DownloadOutlined />} href={apiUrl('/counseling/appointments/export', { from, to })} data-testid="register-export">
            {t('counseling.register.export')}
          </Button>
        </Space>
      </Card>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {problem && <Alert type="error" showIcon title={problem} />}
      <Table<Appointment>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={data?.items ?? []}
        locale={{ emptyText: t('counseling.register.empty') }}
        pagination={{ current: page, pageSize: 50, total: data?.total ?? 0, onChange: setPage }}
        scroll={{ x: 1100 }}
        columns={[
          { title: t('counseling.common.date'), render: (_, a) => cst(a.startsAt).slice(0, 10), width: 100 },
          { title: t('counseling.common.time'), render: (_, a) => span(a.startsAt, a.endsAt), width: 110 },
          {
            title: t('counseling.register.student'),
            render: (_, a) => (
              <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setDialog({ kind: 'detail', id: a.id })}>
                {a.studentName}
              </Button>
            ),
          },
          { title: t('counseling.register.gender'), render: (_, a) => t(`counseling.register.${a.gender}`), width: 60 },
          { title: t('counseling.register.className'), dataIndex: 'className' },
          { title: t('counseling.register.channel'), render: (_, a) => t(`counseling.bookedBy.${a.channel === 'walk_in' ? 'walk_in' : a.bookedByRole}`) },
          { title: t('counseling.register.booker'), dataIndex: 'bookedByName' },
          { title: t('counseling.register.counselor'), dataIndex: 'counselorName' },
          { title: t('counseling.register.place'), render: (_, a) => [a.roomName, a.location].filter(Boolean).join('，') || '—' },
          { title: t('counseling.register.status'), render: (_, a) => <StatusTag status={a.status} /> },
          { title: t('counseling.register.noShows'), dataIndex: 'noShows', width: 80, render: (n: number) => (n ? <Typography.Text type="danger">{n}</Typography.Text> : 0) },
          {
            title: t('counseling.register.actions'),
            fixed: 'right',
            width: 260,
            render: (_, a) =>
              live(a) ? (
                <Space size={4} wrap>
                  {a.status === 'requested' && (
                    <Button size="small" type="primary" loading={busyKey === `${a.id}:confirm`} onClick={() => void act(a, 'confirm')} data-testid="appt-confirm">
                      {t('counseling.register.confirm')}
                    </Button>
                  )}
                  <Button size="small" loading={busyKey === `${a.id}:complete`} onClick={() => void act(a, 'complete')} data-testid="appt-complete">
                    {t('counseling.register.complete')}
                  </Button>
                  {new Date(a.startsAt) <= new Date() && (
                    <Button size="small" loading={busyKey === `${a.id}:no_show`} onClick={() => void act(a, 'no_show')} data-testid="appt-noshow">
                      {t('counseling.register.noShow')}
                    </Button>
                  )}
                  <Button size="small" onClick={() => setDialog({ kind: 'move', a })} data-testid="appt-move">
                    {t('counseling.register.move')}
                  </Button>
                  <Button size="small" danger onClick={() => setDialog({ kind: 'cancel', a })} data-testid="appt-cancel">
                    {t('counseling.register.cancel')}
                  </Button>
                </Space>
              ) : (
                a.status === 'completed' &&
                can('session.write') && (
                  <Link to={`/sessions/new?appointmentId=${a.id}`} data-testid="appt-session">
                    {t('counseling.register.writeSession')}
                  </Link>
                )
              ),
          },
        ]}
      />
      {dialog?.kind === 'move' && <MoveModal a={dialog.a} onClose={() => setDialog(null)} onDone={done} />}
      {dialog?.kind === 'cancel' && <CancelModal a={dialog.a} onClose={() => setDialog(null)} onDone={done} />}
      {dialog?.kind === 'walkIn' && <WalkInModal onClose={() => setDialog(null)} onDone={done} />}
      {dialog?.kind === 'detail' && <DetailDrawer id={dialog.id} onClose={() => setDialog(null)} />}
    </Space>
  );
}
