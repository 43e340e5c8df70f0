import { useState } from 'react';
import { Alert, Button, Card, Checkbox, DatePicker, Form, Input, Modal, Select, Space, Switch, Table, Tag, Typography, message } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { applyFormErrors } from '../../app/formErrors';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { ErrorBox } from '../../components/ErrorBox';
import { addDaysIso, isoWeekday } from '@xinyu/core';
import { cstDate, cstToday, span, useWeekday, WEEKDAYS, type Room, type Slot } from './shared';

interface PublishValues {
  range: [Dayjs, Dayjs];
  weekdays: number[];
  start: string;
  end: string;
  roomId?: string;
}

function PublishForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const wd = useWeekday();
  const [form] = Form.useForm<PublishValues>();
  const rooms = useAsync((signal) => api.get<{ items: Room[] }>('/counseling/rooms', undefined, { signal }), []);
  const { busy, problem, send } = useSendOnce();
  const submit = (v: PublishValues) =>
    send(
      async () => {
        const r = await api.post<{ created: number; skipped: number }>('/counseling/slots', {
          from: v.range[0].format('YYYY-MM-DD'),
          to: v.range[1].format('YYYY-MM-DD'),
          weekdays: v.weekdays,
          start: v.start.trim(),
          end: v.end.trim(),
          roomId: v.roomId ?? null,
        });
        void message.success(t('counseling.slots.published', r));
        onDone();
      },
      (e) => applyFormErrors(form, e, ['start', 'end', 'weekdays', 'roomId'], (n) => (n === 'from' || n === 'to' ? 'range' : n)),
    );
  return (
    <Card title={t('counseling.slots.publish')} size="small">
      <Typography.Paragraph type="secondary">{t('counseling.slots.intro')}</Typography.Paragraph>
      <Form<PublishValues> form={form} layout="inline" disabled={busy} onFinish={(v) => void submit(v)} initialValues={{ range: [dayjs(), dayjs().add(27, 'day')], weekdays: [2, 4], start: '14:00', end: '14:40' }} style={{ rowGap: 12 }}>
        <Form.Item name="range" label={t('counseling.common.date')} rules={[{ required: true, message: t('counseling.common.required') }]}>
          <DatePicker.RangePicker allowClear={false} />
        </Form.Item>
        <Form.Item name="weekdays" label={t('counseling.slots.weekdays')}>
          <Checkbox.Group options={WEEKDAYS.map((d) => ({ value: d, label: wd(d) }))} data-testid="slot-weekdays" />
        </Form.Item>
        <Form.Item name="start" label={t('counseling.common.start')} rules={[{ required: true, message: t('counseling.common.required') }]}>
          <Input style={{ width: 80 }} placeholder="14:00" data-testid="slot-start" />
        </Form.Item>
        <Form.Item name="end" label={t('counseling.common.end')} rules={[{ required: true, message: t('counseling.common.required') }]}>
          <Input style={{ width: 80 }} placeholder="14:40" data-testid="slot-end" />
        </Form.Item>
        <Form.Item name="roomId" label={t('counseling.slots.room')}>
          <Select allowClear style={{ width: 180 }} placeholder={t('counseling.slots.noRoom')} options={(rooms.data?.items ?? []).map((r) => ({ value: r.id, label: r.name }))} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="slot-publish">
            {t('counseling.slots.publish')}
          </Button>
        </Form.Item>
      </Form>
      {problem && <Alert type="error" showIcon title={problem} style={{ marginTop: 12 }} />}
    </Card>
  );
}

function CancelSlot({ slot, onDone }: { slot: Slot; onDone: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const { busy, problem, send } = useSendOnce();
  return (
    <>
      <Button size="small" danger onClick={() => setOpen(true)} data-testid="slot-cancel">
        {t('counseling.slots.cancelSlot')}
      </Button>
      <Modal
        open={open}
        title={t('counseling.slots.cancelSlot')}
        onCancel={() => setOpen(false)}
        okButtonProps={{ danger: true, disabled: !reason.trim() }}
        confirmLoading={busy}
        onOk={() =>
          void send(async () => {
            await api.post(`/counseling/slots/${slot.id}/cancel`, { reason: reason.trim() });
            setOpen(false);
            onDone();
          })
        }
      >
        <Typography.Paragraph type="secondary">{t('counseling.slots.cancelHint')}</Typography.Paragraph>
        <Input.TextArea value={reason} onChange={(e) => setReason(e.target.value)} rows={3} maxLength={200} placeholder={t('counseling.common.reason')} />
        {problem && <Alert type="error" showIcon title={problem} style={{ marginTop: 8 }} />}
      </Modal>
    </>
  );
}

/** 我的预约时段: publish a pattern, see the slots (free, booked, cancelled), cancel one. */
export default function SlotsPage() {
  const { t } = useTranslation();
  const wd = useWeekday();
  const [mine, setMine] = useState(true);
  const from = cstToday();
  const { data, error, reload, loading } = useAsync((signal) => api.get<{ items: Slot[] }>('/counseling/slots', { from, to: addDaysIso(from, 56), mine: mine ? 'true' : undefined }, { signal }), [mine]);
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="slots-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t('counseling.slots.title')}</Typography.Title>
      <PublishForm onDone={reload} />
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Card
        size="small"
        title={t('counseling.slots.list')}
        extra={
          <Space>
            {t('counseling.slots.mineOnly')}
            <Switch checked={mine} onChange={setMine} />
          </Space>
        }
      >
        <Table<Slot>
          rowKey="id"
          size="small"
          loading={loading}
          dataSource={data?.items ?? []}
          pagination={{ pageSize: 50 }}
          columns={[
            { title: t('counseling.common.date'), render: (_, s) => `${cstDate(s.startsAt)} ${wd(isoWeekday(cstDate(s.startsAt)))}` },
            { title: t('counseling.common.time'), render: (_, s) => span(s.startsAt, s.endsAt) },
            { title: t('counseling.slots.counselor'), dataIndex: 'counselorName' },
            { title: t('counseling.slots.room'), render: (_, s) => s.roomName ?? '—' },
            {
              title: t('counseling.register.status'),
              render: (_, s) => (s.cancelled ? <Tag>{t('counseling.slots.cancelled')}</Tag> : s.appointmentId ? <Tag color="blue">{t('counseling.slots.booked', { name: s.studentName })}</Tag> : <Tag color="green">{t('counseling.slots.free')}</Tag>),
            },
            { title: t('counseling.register.actions'), render: (_, s) => (!s.cancelled && new Date(s.startsAt) > new Date() ? <CancelSlot slot={s} onDone={reload} /> : null) },
          ]}
        />
      </Card>
    </Space>
  );
}
