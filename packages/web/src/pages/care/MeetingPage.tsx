import { useState, type ReactNode } from 'react';
import { Alert, App, Button, Card, Col, DatePicker, Empty, Form, Input, List, Row, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { CheckOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import dayjs, { type Dayjs } from 'dayjs';
import { ALERT_STATUSES, DIARY_KINDS, STAFF_POSTS, type DiaryKind, type StaffPost } from '@xinyu/core';
import { api, errorMessage, formErrors } from '../../api/client';
import type { Meeting, MeetingAgenda, MeetingBody, MeetingOwner, MyMeetingTask } from '../../api/boardTypes';
import type { AlertLevel, AlertStatus, Items } from '../../api/types';
import { useCan, useMe } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { useQueryState } from '../../app/useQueryState';
import { uuid } from '../../app/uuid';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { AlertLevelTag, fmt, StatusTag } from '../warning/shared';
import { loadMyMeetingTasks, useMarkTaskDone } from './meetingTasks';
import { unitsWith } from './schools';

const isStatus = (s: string): s is AlertStatus => (ALERT_STATUSES as readonly string[]).includes(s);
const isDiaryKind = (k: string): k is DiaryKind => k in DIARY_KINDS;
const isPost = (p: string): p is StaffPost => (STAFF_POSTS as readonly string[]).includes(p);

/** Marks a meeting task done; the button is busy until the answer comes back, so a double click sends once. */
function DoneButton({ taskId, onDone }: { taskId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const { busy, markDone } = useMarkTaskDone(taskId, onDone);
  return (
    <Button size="small" icon={<CheckOutlined />} loading={busy} onClick={markDone} data-testid={`task-done-${taskId}`}>
      {t('warning.meeting.task.done')}
    </Button>
  );
}

/** One part of the agenda: its items as a list, or "none". */
function Section<T>({ title, items, renderItem, testId }: { title: string; items: T[]; renderItem: (item: T) => ReactNode; testId: string }) {
  const { t } = useTranslation();
  return (
    <Card size="small" title={`${title}（${items.length}）`} data-testid={testId} data-count={items.length}>
      {items.length === 0 ? <Typography.Text type="secondary">{t('warning.meeting.agenda.none')}</Typography.Text> : <List size="small" dataSource={items} renderItem={renderItem} />}
    </Card>
  );
}

function AgendaView({ agenda, onChanged }: { agenda: MeetingAgenda; onChanged: () => void }) {
  const { t } = useTranslation();
  /** A student on the agenda: the name to their timeline, what to say about them, and a link to the alert or the care record. */
  const row = (open: string, s: { studentId: string; name: string }, about: ReactNode) => (
    <List.Item extra={<Link to={open}>{t('warning.timeline.open')}</Link>}>
      <Space wrap>
        <Link to={`/students/${s.studentId}#timeline`} data-testid={`agenda-student-${s.studentId}`}>
          {s.name}
        </Link>
        {about}
      </Space>
    </List.Item>
  );
  const alertRow = (a: { alertId: string; studentId: string; name: string; status: string }, level: AlertLevel) =>
    row(
      `/alerts/${a.alertId}`,
      a,
      <>
        <AlertLevelTag level={level} />
        {isStatus(a.status) && <StatusTag status={a.status} />}
      </>,
    );
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="meeting-agenda">
      <Typography.Text type="secondary">{t('warning.meeting.week', { date: agenda.weekStart })}</Typography.Text>
      <Row gutter={[12, 12]}>
        <Col xs={24} lg={12}>
          <Section title={t('warning.meeting.agenda.newAlerts')} items={agenda.newAlerts} testId="agenda-new-alerts" renderItem={(a) => alertRow(a, a.level)} />
        </Col>
        <Col xs={24} lg={12}>
          <Section title={t('warning.meeting.agenda.redOpen')} items={agenda.redOpen} testId="agenda-red-open" renderItem={(a) => alertRow(a, 'red')} />
        </Col>
        <Col xs={24} lg={12}>
          <Section
            title={t('warning.meeting.agenda.overdueFollowUps')}
            items={agenda.overdueFollowUps}
            testId="agenda-follow-ups"
            renderItem={(k) =>
              row(
                `/care/${k.keyStudentId}`,
                k,
                <>
                  {k.careTeacher ? (
                    <Typography.Text type="secondary">{t('warning.meeting.agenda.careTeacher', { name: k.careTeacher })}</Typography.Text>
                  ) : (
                    <Tag color="red">{t('warning.meeting.agenda.unassigned')}</Tag>
                  )}
                  {k.careTeacher &&
                    k.kinds.filter(isDiaryKind).map((kind) => (
                      <Tag color="orange" key={kind}>
                        {t(`care.kind.${kind}`)}
                      </Tag>
                    ))}
                </>,
              )
            }
          />
        </Col>
        <Col xs={24} lg={12}>
          <Section
            title={t('warning.meeting.agenda.proposedClosures')}
            items={agenda.proposedClosures}
            testId="agenda-closures"
            renderItem={(k) => row(`/care/${k.keyStudentId}`, k, k.proposedByName && <Typography.Text type="secondary">{t('warning.meeting.agenda.proposedBy', { name: k.proposedByName })}</Typography.Text>)}
          />
        </Col>
        <Col span={24}>
          <Section
            title={t('warning.meeting.agenda.openTasks')}
            items={agenda.openTasks}
            testId="agenda-open-tasks"
            renderItem={(task) => (
              <List.Item extra={<DoneButton taskId={task.taskId} onDone={onChanged} />} data-testid={`agenda-task-${task.taskId}`}>
                <Space wrap>
                  <Typography.Text>{task.title}</Typography.Text>
                  <Typography.Text type="secondary">{t('warning.meeting.agenda.owner', { name: task.ownerName })}</Typography.Text>
                  <Typography.Text type={task.overdue ? 'danger' : 'secondary'}>{t('warning.meeting.agenda.due', { date: task.dueDate })}</Typography.Text>
                  {task.overdue && <Tag color="red">{t('warning.meeting.agenda.overdue')}</Tag>}
                </Space>
              </List.Item>
            )}
          />
        </Col>
      </Row>
    </Space>
  );
}

interface MinutesValues {
  heldOn: Dayjs;
  attendees: string;
  minutes: string;
  decisions?: { title: string; ownerAccountId: string; dueDate: Dayjs }[];
}

/** The minutes: one client id per filled form, so a double click or a retry records one meeting. */
function MinutesForm({ schoolId, onSaved }: { schoolId: number; onSaved: (m: Meeting) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<MinutesValues>();
  const [clientId, setClientId] = useState(uuid);
  const { busy, problem, send } = useSendOnce();
  const owners = useAsync((signal) => api.get<Items<MeetingOwner>>('/care/meetings/owners', { schoolId }, { signal }), [schoolId]);
  const required = [{ required: true, whitespace: true, message: t('care.form.required') }];

  function submit(v: MinutesValues) {
    void send(async () => {
      const body: MeetingBody = {
        schoolId,
        heldOn: v.heldOn.format('YYYY-MM-DD'),
        attendees: v.attendees.trim(),
        minutes: v.minutes.trim(),
        decisions: (v.decisions ?? []).map((d) => ({ title: d.title.trim(), ownerAccountId: d.ownerAccountId, dueDate: d.dueDate.format('YYYY-MM-DD') })),
        clientId,
      };
      const saved = await api.post<Meeting>('/care/meetings', body);
      form.resetFields();
      setClientId(uuid());
      onSaved(saved);
    }, problemOf);
  }

  /** decisions.0.ownerAccountId → ['decisions', 0, 'ownerAccountId']; the rest by name, and above the form what is left. */
  function problemOf(e: unknown): string | null {
    const placed: { name: (string | number)[]; errors: string[] }[] = [];
    const rest: string[] = [];
    for (const fe of formErrors(e)) {
      const m = /^decisions\.(\d+)\.(title|ownerAccountId|dueDate)$/.exec(fe.name);
      if (m) placed.push({ name: ['decisions', Number(m[1]), m[2]!], errors: fe.errors });
      else if (['heldOn', 'attendees', 'minutes'].includes(fe.name)) placed.push({ name: [fe.name], errors: fe.errors });
      else rest.push(fe.errors.join('；'));
    }
    form.setFields(placed.map((p) => ({ name: p.name as never, errors: p.errors })));
    return placed.length && !rest.length ? null : [errorMessage(e), ...rest].join('：');
  }

  return (
    <Card size="small" data-testid="meeting-form">
      <Form form={form} layout="vertical" disabled={busy} initialValues={{ heldOn: dayjs(), decisions: [] }} onFinish={submit} requiredMark="optional">
        <Row gutter={12}>
          <Col xs={24} md={6}>
            <Form.Item name="heldOn" label={t('warning.meeting.form.heldOn')} rules={[{ required: true, message: t('care.form.required') }]}>
              <DatePicker allowClear={false} style={{ width: '100%' }} data-testid="meeting-held-on" />
            </Form.Item>
          </Col>
          <Col xs={24} md={18}>
            <Form.Item name="attendees" label={t('warning.meeting.form.attendees')} rules={required}>
              <Input maxLength={500} placeholder={t('warning.meeting.form.attendeesPlaceholder')} data-testid="meeting-attendees" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="minutes" label={t('warning.meeting.form.minutes')} rules={required}>
          <Input.TextArea rows={4} maxLength={10000} showCount placeholder={t('warning.meeting.form.minutesPlaceholder')} data-testid="meeting-minutes" />
        </Form.Item>
        <Typography.Text strong>{t('warning.meeting.form.decisions')}</Typography.Text>
        {owners.error !== undefined && <ErrorBox error={owners.error} onRetry={owners.reload} />}
        <Form.List name="decisions">
          {(fields, { add, remove }) => (
            <Space orientation="vertical" style={{ width: '100%', marginTop: 8 }}>
              {fields.map((f) => (
                <Row gutter={8} key={f.key} data-testid={`decision-${f.name}`} align="top">
                  <Col xs={24} md={11}>
                    <Form.Item name={[f.name, 'title']} rules={required} style={{ marginBottom: 8 }}>
                      <Input maxLength={300} placeholder={t('warning.meeting.form.decisionTitlePlaceholder')} aria-label={t('warning.meeting.form.decisionTitle')} data-testid={`decision-${f.name}-title`} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={6}>
                    <Form.Item name={[f.name, 'ownerAccountId']} rules={[{ required: true, message: t('care.form.required') }]} style={{ marginBottom: 8 }}>
                      <Select
                        showSearch={{ optionFilterProp: 'label' }}
                        placeholder={t('warning.meeting.form.owner')}
                        loading={owners.loading}
                        options={(owners.data?.items ?? []).map((o) => ({
                          value: o.accountId,
                          label: o.posts.length ? `${o.name}（${o.posts.filter(isPost).map((p) => t(`staffPost.${p}`)).join('、')}）` : o.name,
                        }))}
                        data-testid={`decision-${f.name}-owner`}
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={9} md={5}>
                    <Form.Item name={[f.name, 'dueDate']} rules={[{ required: true, message: t('care.form.required') }]} style={{ marginBottom: 8 }}>
                      <DatePicker allowClear={false} style={{ width: '100%' }} placeholder={t('warning.meeting.form.dueDate')} data-testid={`decision-${f.name}-due`} />
                    </Form.Item>
                  </Col>
                  <Col xs={3} md={2}>
                    <Button icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('warning.meeting.form.remove')} />
                  </Col>
                </Row>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add({ title: '', dueDate: dayjs().add(7, 'day') })} data-testid="decision-add">
                {t('warning.meeting.form.addDecision')}
              </Button>
            </Space>
          )}
        </Form.List>
        {problem && <Alert type="error" showIcon title={problem} style={{ marginTop: 12 }} data-testid="meeting-problem" />}
        <Space style={{ marginTop: 16 }}>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="meeting-save">
            {t('warning.meeting.form.save')}
          </Button>
          <Typography.Text type="secondary">{t('warning.meeting.form.fillFromAgenda')}</Typography.Text>
        </Space>
      </Form>
    </Card>
  );
}

function PastMeetings({ meetings }: { meetings: Meeting[] }) {
  const { t } = useTranslation();
  if (!meetings.length) return <Empty description={t('warning.meeting.past.empty')} />;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="meeting-past">
      {meetings.map((m) => (
        <Card
          size="small"
          key={m.id}
          title={t('warning.meeting.past.heldOn', { date: m.heldOn })}
          extra={m.createdByName && <Typography.Text type="secondary">{t('warning.meeting.past.by', { name: m.createdByName })}</Typography.Text>}
          data-testid={`meeting-${m.id}`}
          className="xy-meeting"
        >
          <Typography.Paragraph style={{ marginBottom: 4 }}>
            <Typography.Text type="secondary">{t('warning.meeting.past.attendees')}：</Typography.Text>
            {m.attendees}
          </Typography.Paragraph>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }}>{m.minutes}</Typography.Paragraph>
          {m.tasks.length > 0 && (
            <List
              size="small"
              header={<Typography.Text strong>{t('warning.meeting.past.tasks')}</Typography.Text>}
              dataSource={m.tasks}
              renderItem={(task) => (
                <List.Item data-testid={`meeting-task-${task.id}`} data-done={task.doneAt ? 'true' : 'false'}>
                  <Space wrap>
                    <Typography.Text>{task.title}</Typography.Text>
                    <Typography.Text type="secondary">{t('warning.meeting.agenda.owner', { name: task.ownerName })}</Typography.Text>
                    <Typography.Text type="secondary">{t('warning.meeting.agenda.due', { date: task.dueDate })}</Typography.Text>
                    {task.doneAt ? <Tag color="green">{t('warning.meeting.task.doneAt', { date: fmt(task.doneAt) })}</Tag> : <Tag>{t('warning.meeting.task.open')}</Tag>}
                  </Space>
                </List.Item>
              )}
            />
          )}
        </Card>
      ))}
    </Space>
  );
}

/** 我的任务: what meetings gave the user to do (head teachers and care teachers too), with "done". */
function MyTasks() {
  const { t } = useTranslation();
  const { data, error, loading, reload } = useAsync(loadMyMeetingTasks, []);
  const columns: ColumnsType<MyMeetingTask> = [
    { title: t('warning.meeting.task.title'), dataIndex: 'title' },
    { title: t('warning.meeting.task.school'), dataIndex: 'schoolName', width: 160, ellipsis: true },
    { title: t('warning.meeting.task.heldOn'), dataIndex: 'heldOn', width: 110 },
    {
      title: t('warning.meeting.task.dueDate'),
      dataIndex: 'dueDate',
      width: 120,
      render: (v: string, r) => (
        <Space size={4}>
          <span>{v}</span>
          {r.overdue && <Tag color="red">{t('warning.meeting.agenda.overdue')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('warning.meeting.task.status'),
      key: 'status',
      width: 170,
      render: (_v, r) => (r.doneAt ? <Tag color="green">{t('warning.meeting.task.doneAt', { date: fmt(r.doneAt) })}</Tag> : <DoneButton taskId={r.id} onDone={reload} />),
    },
  ];
  if (error !== undefined) return <ErrorBox error={error} onRetry={reload} />;
  return (
    <Table<MyMeetingTask>
      rowKey="id"
      size="small"
      loading={loading}
      columns={columns}
      dataSource={data?.items ?? []}
      pagination={false}
      scroll={{ x: 720 }}
      locale={{ emptyText: t('warning.meeting.task.empty') }}
      data-testid="my-tasks"
      onRow={(r) => ({ 'data-testid': `my-task-${r.id}`, 'data-done': r.doneAt ? 'true' : 'false' }) as React.HTMLAttributes<HTMLElement>}
    />
  );
}

const TABS = ['agenda', 'record', 'past', 'mine'] as const;
type Tab = (typeof TABS)[number];

/** 每周例会: this week's agenda, the minutes with decisions as tasks, past meetings, and one's own tasks. */
export default function MeetingPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const can = useCan();
  // the schools whose weekly meeting the user runs (a role with care.manage bound to a school)
  const schools = unitsWith(me, 'care.manage');
  const manages = can('care.manage') && schools.length > 0;
  const [q, setQ] = useQueryState(['tab', 'schoolId'] as const);
  const schoolId = Number(q.schoolId ?? schools[0]?.id ?? 0);
  const tab: Tab = manages ? ((TABS as readonly string[]).includes(q.tab ?? '') ? (q.tab as Tab) : 'agenda') : 'mine';
  const agenda = useAsync((signal) => (manages ? api.get<MeetingAgenda>('/care/meetings/agenda', { schoolId }, { signal }) : Promise.resolve(undefined)), [manages, schoolId]);
  const past = useAsync((signal) => (manages ? api.get<Items<Meeting>>('/care/meetings', { schoolId }, { signal }) : Promise.resolve(undefined)), [manages, schoolId]);

  function saved() {
    void message.success(t('warning.meeting.form.saved'));
    agenda.reload();
    past.reload();
    setQ({ tab: 'past' });
  }

  const body = (k: Tab): ReactNode => {
    if (k === 'mine') return <MyTasks />;
    if (k === 'record') return <MinutesForm schoolId={schoolId} onSaved={saved} />;
    const state = k === 'agenda' ? agenda : past;
    if (state.loading && !state.data) return <Loading />;
    if (state.error !== undefined) return <ErrorBox error={state.error} onRetry={state.reload} />;
    if (k === 'agenda') return agenda.data ? <AgendaView agenda={agenda.data} onChanged={agenda.reload} /> : null;
    return <PastMeetings meetings={past.data?.items ?? []} />;
  };

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="meeting-page">
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <h1 className="xy-page-title" style={{ margin: 0 }}>
          {t('warning.meeting.title')}
        </h1>
        {manages && schools.length > 1 && (
          <Select value={schoolId} onChange={(v: number) => setQ({ schoolId: v })} options={schools.map((s) => ({ value: s.id, label: s.name }))} style={{ minWidth: 200 }} aria-label={t('warning.meeting.school')} />
        )}
      </Space>
      {manages && <Typography.Text type="secondary">{t('warning.meeting.hint')}</Typography.Text>}
      <Tabs
        activeKey={tab}
        onChange={(k) => setQ({ tab: k === 'agenda' ? null : k })}
        items={(manages ? TABS : (['mine'] as const)).map((k) => ({ key: k, label: <span data-testid={`meeting-tab-${k}`}>{t(`warning.meeting.tabs.${k}`)}</span>, children: body(k) }))}
      />
    </Space>
  );
}
