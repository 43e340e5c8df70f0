import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Drawer, Empty, Form, Input, Modal, Select, Space, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api, ApiError, errorMessage } from '../../api/client';
import { applyFormErrors } from '../../app/formErrors';
import { useCan, useMe } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { uuid } from '../../app/uuid';
import { ErrorBox } from '../../components/ErrorBox';
import { unitsWith } from '../care/schools';
import { ComplianceTag, RatingTag, useMinutes, useWeekday, WEEKDAYS, type OpeningPeriod, type Rating, type Room, type RoomDetail, type RoomOverview } from './shared';

const RATINGS: Rating[] = ['none', 'qualified', 'model'];

/** The weekly schedule as a list of weekday / start / end rows, replaced as a whole. */
function ScheduleEditor({ room, onSaved }: { room: RoomDetail; onSaved: (r: RoomDetail) => void }) {
  const { t } = useTranslation();
  const wd = useWeekday();
  const [form] = Form.useForm<{ periods: OpeningPeriod[] }>();
  const { busy, problem, send } = useSendOnce();
  const save = (v: { periods?: OpeningPeriod[] }) =>
    send(
      async () => onSaved(await api.put<RoomDetail>(`/counseling/rooms/${room.id}/hours`, { periods: (v.periods ?? []).map((p) => ({ weekday: p.weekday, start: p.start.trim(), end: p.end.trim() })) })),
      (e) => {
        // 'periods.2.end' → the third row's end field
        if (!(e instanceof ApiError) || !e.fields) return errorMessage(e);
        form.setFields(Object.entries(e.fields).map(([k, v]) => ({ name: k.split('.').map((x) => (/^\d+$/.test(x) ? Number(x) : x)) as never, errors: [v] })));
        return Object.keys(e.fields).every((k) => k.startsWith('periods.')) ? e.message : `${e.message}（${Object.values(e.fields).join('；')}）`;
      },
    );
  return (
    <Form form={form} initialValues={{ periods: room.periods }} onFinish={(v) => void save(v)} disabled={busy} data-testid="schedule-editor">
      <Form.List name="periods">
        {(fields, { add, remove }) => (
          <>
            {fields.map((f) => (
              <div key={f.key}>
                <Space align="baseline">
                  <Form.Item name={[f.name, 'weekday']} rules={[{ required: true, message: t('counseling.common.required') }]}>
                    <Select style={{ width: 90 }} options={WEEKDAYS.map((d) => ({ value: d, label: wd(d) }))} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'start']} rules={[{ required: true, message: t('counseling.common.required') }]}>
                    <Input style={{ width: 80 }} placeholder="14:00" />
                  </Form.Item>
                  <span>–</span>
                  <Form.Item name={[f.name, 'end']} rules={[{ required: true, message: t('counseling.common.required') }]}>
                    <Input style={{ width: 80 }} placeholder="16:00" />
                  </Form.Item>
                  <MinusCircleOutlined onClick={() => remove(f.name)} />
                </Space>
              </div>
            ))}
            <Space>
              <Button icon={<PlusOutlined />} onClick={() => add({ weekday: 1, start: '14:00', end: '16:00' })} data-testid="schedule-add">
                {t('counseling.rooms.addPeriod')}
              </Button>
              <Button type="primary" htmlType="submit" loading={busy} data-testid="schedule-save">
                {t('counseling.common.save')}
              </Button>
            </Space>
          </>
        )}
      </Form.List>
      {problem && <Alert type="error" showIcon title={problem} style={{ marginTop: 8 }} data-testid="schedule-error" />}
    </Form>
  );
}

function LogForm({ room, onSaved }: { room: RoomDetail; onSaved: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ date: Dayjs; start: string; end: string; note?: string }>();
  const [clientId, setClientId] = useState(uuid);
  const { busy, problem, send } = useSendOnce();
  return (
    <Form
      form={form}
      layout="inline"
      disabled={busy}
      initialValues={{ date: dayjs(), start: '14:00', end: '16:00' }}
      onFinish={(v) =>
        void send(
          async () => {
            await api.post(`/counseling/rooms/${room.id}/logs`, { date: v.date.format('YYYY-MM-DD'), start: v.start.trim(), end: v.end.trim(), note: (v.note ?? '').trim(), clientId });
            setClientId(uuid());
            onSaved();
          },
          (e) => applyFormErrors(form, e, ['date', 'start', 'end', 'note']),
        )
      }
      style={{ rowGap: 8 }}
    >
      <Form.Item name="date" rules={[{ required: true, message: t('counseling.common.required') }]}>
        <DatePicker allowClear={false} />
      </Form.Item>
      <Form.Item name="start" rules={[{ required: true, message: t('counseling.common.required') }]}>
        <Input style={{ width: 80 }} />
      </Form.Item>
      <Form.Item name="end" rules={[{ required: true, message: t('counseling.common.required') }]}>
        <Input style={{ width: 80 }} />
      </Form.Item>
      <Form.Item name="note">
        <Input style={{ width: 160 }} placeholder={t('counseling.common.note')} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} data-testid="log-add">
        {t('counseling.rooms.logAdd')}
      </Button>
      {problem && <Alert type="error" showIcon title={problem} />}
    </Form>
  );
}

function RoomDrawer({ id, onClose, onChanged }: { id: string; onClose: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const mt = useMinutes();
  const wd = useWeekday();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().startOf('week').subtract(20, 'day'), dayjs()]);
  const { data, error, reload } = useAsync((signal) => api.get<RoomDetail>(`/counseling/rooms/${id}`, { from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') }, { signal }), [id, range[0].valueOf(), range[1].valueOf()]);
  const { busy, problem, send } = useSendOnce();
  const changed = () => {
    reload();
    onChanged();
  };
  return (
    <Drawer open size={760} title={data ? `${data.schoolName} · ${data.name}` : ''} onClose={onClose} data-testid="room-drawer">
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {problem && <Alert type="error" showIcon title={problem} />}
      {data && (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Space wrap>
            <RatingTag rating={data.rating} />
            {data.location && <span>{data.location}</span>}
            {!data.active && <Tag>{t('counseling.rooms.inactive')}</Tag>}
            {data.canRate && (
              <Select<Rating>
                value={data.rating}
                style={{ width: 120 }}
                disabled={busy}
                onChange={(rating) => void send(async () => (await api.put(`/counseling/rooms/${id}/rating`, { rating }), changed()))}
                options={RATINGS.map((r) => ({ value: r, label: t(`counseling.rating.${r}`) }))}
                data-testid="room-rate"
              />
            )}
            {data.canManage && (
              <Button size="small" disabled={busy} onClick={() => void send(async () => (await api.put(`/counseling/rooms/${id}`, { active: !data.active }), changed()))}>
                {data.active ? t('counseling.rooms.deactivate') : t('counseling.rooms.activate')}
              </Button>
            )}
          </Space>
          <Card size="small" title={`${t('counseling.rooms.schedule')} · ${t('counseling.rooms.weekly')} ${mt(data.schedule.weeklyMinutes)}`} extra={<ComplianceTag ok={data.schedule.compliant} />}>
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{t('counseling.rooms.intro')}</Typography.Paragraph>
            {data.schedule.reasons.length > 0 && <Alert type="warning" showIcon title={data.schedule.reasons.join('；')} style={{ marginBottom: 12 }} data-testid="schedule-reasons" />}
            {data.canManage ? (
              <ScheduleEditor key={JSON.stringify(data.periods)} room={data} onSaved={changed} />
            ) : (
              <Space wrap>
                {data.periods.length === 0 && <span>—</span>}
                {data.periods.map((p, i) => (
                  <Tag key={i}>
                    {wd(p.weekday)} {p.start}–{p.end}
                  </Tag>
                ))}
              </Space>
            )}
          </Card>
          <Card size="small" title={t('counseling.rooms.loggedCheck')} extra={<ComplianceTag ok={data.logged.compliant} />}>
            <Space orientation="vertical" style={{ width: '100%' }}>
              <Space>
                {t('counseling.rooms.range')}
                <DatePicker.RangePicker allowClear={false} value={range} onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])} />
              </Space>
              {data.logged.reasons.length > 0 && <Alert type="warning" showIcon title={data.logged.reasons.slice(0, 6).join('；') + (data.logged.reasons.length > 6 ? '…' : '')} />}
              <Table
                size="small"
                rowKey="week"
                pagination={false}
                dataSource={data.logged.weeks}
                columns={[
                  { title: t('counseling.rooms.week'), dataIndex: 'week' },
                  { title: t('counseling.rooms.schoolDays'), render: (_, w) => w.schoolDays.length },
                  { title: t('counseling.rooms.required'), render: (_, w) => mt(w.required) },
                  { title: t('counseling.rooms.actual'), render: (_, w) => mt(w.minutes) },
                  { title: t('counseling.rooms.shortDates'), render: (_, w) => w.shortDates.map((d) => d.slice(5)).join('、') || '—' },
                  { title: '', render: (_, w) => <ComplianceTag ok={w.compliant} /> },
                ]}
              />
              {data.canManage && <LogForm room={data} onSaved={reload} />}
              <Table
                size="small"
                rowKey="id"
                pagination={{ pageSize: 10 }}
                dataSource={data.logs}
                columns={[
                  { title: t('counseling.common.date'), dataIndex: 'date' },
                  { title: t('counseling.common.time'), render: (_, l) => `${l.start}–${l.end}` },
                  { title: t('counseling.rooms.loggedBy'), dataIndex: 'loggedByName' },
                  { title: t('counseling.common.note'), dataIndex: 'note' },
                ]}
              />
            </Space>
          </Card>
        </Space>
      )}
    </Drawer>
  );
}

function AddRoom({ onAdded }: { onAdded: (id: string) => void }) {
  const { t } = useTranslation();
  const schools = unitsWith(useMe(), 'room.manage');
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ schoolId: number; name: string; location?: string }>();
  const { busy, problem, send } = useSendOnce();
  if (!schools.length) return null;
  return (
    <>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)} data-testid="room-add">
        {t('counseling.rooms.add')}
      </Button>
      <Modal open={open} title={t('counseling.rooms.add')} onCancel={() => setOpen(false)} onOk={() => form.submit()} confirmLoading={busy} okButtonProps={{ 'data-testid': 'room-add-ok' } as never} destroyOnHidden>
        <Form
          form={form}
          layout="vertical"
          disabled={busy}
          initialValues={{ schoolId: schools[0]!.id, name: '心理辅导室' }}
          onFinish={(v) =>
            void send(
              async () => {
                const r = await api.post<RoomDetail>('/counseling/rooms', { schoolId: v.schoolId, name: v.name.trim(), location: (v.location ?? '').trim(), periods: [] });
                setOpen(false);
                onAdded(r.id);
              },
              (e) => applyFormErrors(form, e, ['schoolId', 'name', 'location']),
            )
          }
        >
          {schools.length > 1 && (
            <Form.Item name="schoolId" label={t('counseling.rooms.school')}>
              <Select options={schools.map((s) => ({ value: s.id, label: s.name }))} />
            </Form.Item>
          )}
          <Form.Item name="name" label={t('counseling.rooms.name')} rules={[{ required: true, message: t('counseling.common.required') }]}>
            <Input maxLength={50} />
          </Form.Item>
          <Form.Item name="location" label={t('counseling.rooms.location')}>
            <Input maxLength={100} />
          </Form.Item>
        </Form>
        {problem && <Alert type="error" showIcon title={problem} />}
      </Modal>
    </>
  );
}

function RoomsTab() {
  const { t } = useTranslation();
  const mt = useMinutes();
  const wd = useWeekday();
  const { data, error, reload, loading } = useAsync((signal) => api.get<{ items: Room[] }>('/counseling/rooms', { includeInactive: 'true' }, { signal }), []);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Space>
        <AddRoom onAdded={(id) => (reload(), setOpen(id))} />
        <Typography.Text type="secondary">{t('counseling.rooms.intro')}</Typography.Text>
      </Space>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<Room>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={data?.items ?? []}
        locale={{ emptyText: <Empty description={t('counseling.rooms.none')} /> }}
        onRow={(r) => ({ onClick: () => setOpen(r.id), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('counseling.rooms.school'), dataIndex: 'schoolName' },
          { title: t('counseling.rooms.name'), render: (_, r) => <>{r.name}{!r.active && <Tag style={{ marginLeft: 6 }}>{t('counseling.rooms.inactive')}</Tag>}</> },
          { title: t('counseling.rooms.location'), dataIndex: 'location' },
          { title: t('counseling.rooms.rating'), render: (_, r) => <RatingTag rating={r.rating} /> },
          { title: t('counseling.rooms.schedule'), render: (_, r) => r.periods.map((p) => `${wd(p.weekday)} ${p.start}–${p.end}`).join('，') || '—' },
          { title: t('counseling.rooms.weekly'), render: (_, r) => mt(r.schedule.weeklyMinutes) },
          {
            title: t('counseling.rooms.scheduleCheck'),
            render: (_, r) => (
              <Tooltip title={r.schedule.reasons.join('；') || undefined}>
                <span data-testid="room-compliance">
                  <ComplianceTag ok={r.schedule.compliant} />
                </span>
              </Tooltip>
            ),
          },
        ]}
      />
      {open && <RoomDrawer id={open} onClose={() => setOpen(null)} onChanged={reload} />}
    </Space>
  );
}

function OverviewTab() {
  const { t } = useTranslation();
  const mt = useMinutes();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().startOf('week').subtract(20, 'day'), dayjs()]);
  const { data, error, reload, loading } = useAsync((signal) => api.get<RoomOverview>('/counseling/rooms/overview', { from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') }, { signal }), [range[0].valueOf(), range[1].valueOf()]);
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Typography.Text type="secondary">{t('counseling.rooms.overviewIntro')}</Typography.Text>
      <Space>
        {t('counseling.rooms.range')}
        <DatePicker.RangePicker allowClear={false} value={range} onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])} />
      </Space>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table
        rowKey="schoolId"
        size="small"
        loading={loading}
        dataSource={data?.schools ?? []}
        pagination={{ pageSize: 50 }}
        data-testid="rooms-overview"
        columns={[
          { title: t('counseling.rooms.district'), dataIndex: 'districtName' },
          { title: t('counseling.rooms.school'), render: (_, s) => (s.noRoom ? <Typography.Text type="danger">{s.schoolName}</Typography.Text> : s.schoolName) },
          { title: t('counseling.rooms.roomCount'), render: (_, s) => (s.noRoom ? <Tag color="red">{t('counseling.rooms.noRoom')}</Tag> : s.rooms) },
          { title: t('counseling.rooms.rating'), render: (_, s) => <RatingTag rating={s.bestRating} /> },
          { title: t('counseling.rooms.scheduleCheck'), render: (_, s) => <ComplianceTag ok={s.scheduleCompliant} /> },
          { title: t('counseling.rooms.loggedCheck'), render: (_, s) => <ComplianceTag ok={s.loggedCompliant} /> },
          { title: t('counseling.rooms.loggedMinutes'), render: (_, s) => mt(s.loggedMinutes) },
        ]}
      />
    </Space>
  );
}

/** 心理辅导室: the rooms in scope (edit, schedule, log, rate) and every school at a glance. */
export default function RoomsPage() {
  const { t } = useTranslation();
  const can = useCan();
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="rooms-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t('counseling.rooms.title')}</Typography.Title>
      <Tabs
        defaultActiveKey={can('room.rate') ? 'overview' : 'rooms'}
        items={[
          { key: 'rooms', label: t('counseling.rooms.mine'), children: <RoomsTab /> },
          { key: 'overview', label: t('counseling.rooms.overview'), children: <OverviewTab /> },
        ]}
      />
    </Space>
  );
}
