import { useMemo, useState } from 'react';
import { Alert, Button, Card, Empty, Input, Modal, Segmented, Space, Typography } from 'antd';
import { CheckCircleFilled } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { uuid } from '../../app/uuid';
import { ErrorBox } from '../../components/ErrorBox';
import { isoWeekday } from '@xinyu/core';
import { cst, cstDate, span, StatusTag, useWeekday, type FreeSlots, type MyAppointment, type MyAppointments } from './shared';
import '../self/screening/screening.css';

/** Date → free slot → optional topic → book; one client id per booking, reused on a retry. */
export function BookCard({ studentId, onBooked }: { studentId: string; onBooked: () => void }) {
  const { t } = useTranslation();
  const wd = useWeekday();
  const { data, error, reload, loading } = useAsync((signal) => api.get<FreeSlots>(`/counseling/students/${studentId}/slots`, undefined, { signal }), [studentId]);
  const [date, setDate] = useState<string | null>(null);
  const [slotId, setSlotId] = useState<string | null>(null);
  const [topic, setTopic] = useState('');
  const [clientId, setClientId] = useState(uuid);
  const [done, setDone] = useState(false);
  const { busy, problem, send } = useSendOnce();
  const dates = useMemo(() => [...new Set((data?.items ?? []).map((s) => cstDate(s.startsAt)))], [data]);
  const day = date ?? dates[0] ?? null;
  const slots = (data?.items ?? []).filter((s) => cstDate(s.startsAt) === day);

  const submit = () =>
    send(async () => {
      if (!slotId) return;
      await api.post('/counseling/appointments', { studentId, slotId, topic: topic.trim(), clientId });
      setDone(true);
      onBooked();
    }).then(reload);

  if (done) {
    return (
      <div className="xy-ans-card" style={{ textAlign: 'center' }} data-testid="book-done">
        <CheckCircleFilled style={{ color: '#52c41a', fontSize: 40 }} />
        <p style={{ margin: '12px 0', fontSize: 16 }}>{t('counseling.book.done')}</p>
        <Button
          block
          style={{ height: 44 }}
          onClick={() => {
            setDone(false);
            setSlotId(null);
            setTopic('');
            setClientId(uuid());
          }}
          data-testid="book-again"
        >
          {t('counseling.book.again')}
        </Button>
      </div>
    );
  }
  return (
    <div className="xy-ans-card" data-testid="book-card">
      <h3 style={{ margin: '0 0 8px' }}>{t('counseling.mine.new')}</h3>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {!loading && !error && dates.length === 0 && <Empty description={t('counseling.book.noSlots')} />}
      {dates.length > 0 && (
        <>
          <div style={{ fontWeight: 500, margin: '4px 0 8px' }}>{t('counseling.book.pickDate')}</div>
          <div style={{ display: 'flex', gap: 8, overflowX: 'auto', paddingBottom: 4 }} data-testid="book-dates">
            {dates.map((d) => (
              <Button key={d} type={d === day ? 'primary' : 'default'} onClick={() => { setDate(d); setSlotId(null); }} style={{ flex: '0 0 auto', height: 40 }}>
                {d.slice(5)} {wd(isoWeekday(d))}
              </Button>
            ))}
          </div>
          <div style={{ fontWeight: 500, margin: '12px 0 8px' }}>{t('counseling.book.pick')}</div>
          <div style={{ display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', gap: 8 }} data-testid="book-slots">
            {slots.map((s) => (
              <Button key={s.id} type={s.id === slotId ? 'primary' : 'default'} onClick={() => setSlotId(s.id)} style={{ height: 'auto', padding: '8px 4px', whiteSpace: 'normal' }} data-testid="book-slot">
                <div>{span(s.startsAt, s.endsAt)}</div>
                <div style={{ fontSize: 12, opacity: 0.8 }}>{s.counselorName}{s.roomName ? ` · ${s.roomName}` : ''}</div>
              </Button>
            ))}
          </div>
          <label htmlFor="book-topic" style={{ display: 'block', fontWeight: 500, margin: '12px 0 8px' }}>
            {t('counseling.book.topic')}
          </label>
          <Input.TextArea id="book-topic" value={topic} onChange={(e) => setTopic(e.target.value)} rows={3} maxLength={500} showCount style={{ fontSize: 16 }} disabled={busy} data-testid="book-topic" />
          {problem && <Alert type="error" showIcon title={problem} style={{ marginTop: 8 }} data-testid="book-error" />}
          <Button type="primary" block size="large" style={{ height: 48, marginTop: 12 }} disabled={!slotId || busy} loading={busy} onClick={() => void submit()} data-testid="book-submit">
            {t('counseling.book.submit')}
          </Button>
        </>
      )}
    </div>
  );
}

function CancelButton({ a, onDone }: { a: MyAppointment; onDone: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const { busy, problem, send } = useSendOnce();
  const submit = () =>
    send(async () => {
      await api.post(`/counseling/appointments/${a.id}/action`, { action: 'cancel', reason: reason.trim() });
      setOpen(false);
      onDone();
    });
  return (
    <>
      <Button danger onClick={() => setOpen(true)} data-testid="my-appt-cancel">
        {t('counseling.register.cancel')}
      </Button>
      <Modal open={open} title={t('counseling.mine.cancelConfirm')} onCancel={() => setOpen(false)} onOk={() => void submit()} okButtonProps={{ disabled: !reason.trim(), danger: true, 'data-testid': 'my-appt-cancel-ok' } as never} confirmLoading={busy} cancelText={t('counseling.common.close')} okText={t('counseling.register.cancel')} width={340}>
        <Input.TextArea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} maxLength={200} placeholder={t('counseling.mine.cancelReason')} style={{ fontSize: 16 }} data-testid="my-appt-cancel-reason" />
        {problem && <Alert type="error" showIcon title={problem} style={{ marginTop: 8 }} />}
      </Modal>
    </>
  );
}

/** 预约心理辅导 on the phone: a student's own, or a parent's for their child. */
export default function MyAppointmentsPage() {
  const { t } = useTranslation();
  const { data, error, reload, loading } = useAsync((signal) => api.get<MyAppointments>('/counseling/my-appointments', undefined, { signal }), []);
  const [studentId, setStudentId] = useState<string | null>(null);
  const current = studentId ?? data?.students[0]?.id ?? null;
  const items = (data?.items ?? []).filter((a) => a.studentId === current);
  return (
    <div className="xy-ans" data-testid="my-appointments">
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <div className="xy-ans-card">
          <h2 style={{ margin: '0 0 4px' }}>{t('counseling.mine.title')}</h2>
          <p className="xy-ans-note" style={{ margin: 0 }}>{t('counseling.mine.private')}</p>
        </div>
        {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
        {!loading && data?.students.length === 0 && <Empty description={t('counseling.mine.noChild')} />}
        {data && data.students.length > 1 && (
          <Segmented block value={current ?? undefined} onChange={(v) => setStudentId(String(v))} options={data.students.map((s) => ({ value: s.id, label: s.name }))} data-testid="my-appt-child" />
        )}
        {current && <BookCard key={current} studentId={current} onBooked={reload} />}
        <Typography.Title level={5} style={{ margin: '8px 0 0' }}>{t('counseling.mine.my')}</Typography.Title>
        {!loading && current && items.length === 0 && <Empty description={t('counseling.mine.none')} />}
        {items.map((a) => (
          <Card key={a.id} size="small" data-testid="my-appt">
            <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, alignItems: 'center' }}>
              <strong style={{ fontSize: 16 }}>{cst(a.startsAt)}</strong>
              <StatusTag status={a.status} />
            </div>
            <div style={{ marginTop: 6, color: 'rgba(0,0,0,0.65)' }}>
              <div>{t('counseling.mine.counselor')}：{a.counselorName}</div>
              <div>{t('counseling.mine.place')}：{[a.roomName, a.location].filter(Boolean).join('，') || '—'}</div>
              {a.topic && <div className="xy-break">{t('counseling.register.topic')}：{a.topic}</div>}
              {a.cancelReason && <div>{t('counseling.common.reason')}：{a.cancelReason}</div>}
            </div>
            {a.canCancel && (
              <div style={{ marginTop: 8, textAlign: 'right' }}>
                <CancelButton a={a} onDone={reload} />
              </div>
            )}
          </Card>
        ))}
      </Space>
    </div>
  );
}
