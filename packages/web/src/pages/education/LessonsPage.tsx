import { useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Drawer, Empty, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { ImportOutlined, ScheduleOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { applyFormErrors } from '../../app/formErrors';
import { useCan, useMe } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useSendOnce, useSendOnceFor } from '../../app/useSendOnce';
import { uuid } from '../../app/uuid';
import { ErrorBox } from '../../components/ErrorBox';
import { ComplianceTag, SchoolSelect, TermLine, useSchoolChoice, type ClassCompliance, type Lesson, type LessonList, type Overview, type SchoolClasses, type Teacher } from './shared';

interface LessonForm {
  date: Dayjs;
  topic: string;
  minutes: number;
  teacherStaffId?: string;
  note?: string;
}

/** Record one lesson for a class: date, topic, minutes (and the teacher, default the caller). Fits a phone. */
function RecordLesson({ classId, schoolId, onSaved }: { classId: number; schoolId: number; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<LessonForm>();
  const [clientId, setClientId] = useState(uuid);
  const { busy, problem, send } = useSendOnce();
  const me = useMe();
  const teachers = useAsync((signal) => api.get<{ items: Teacher[] }>('/education/teachers', { schoolId }, { signal }), [schoolId]);
  return (
    <Form
      form={form}
      layout="vertical"
      disabled={busy}
      initialValues={{ date: dayjs(), minutes: 40 }}
      data-testid="lesson-form"
      onFinish={(v) =>
        void send(
          async () => {
            await api.post<Lesson>('/education/lessons', {
              classId, date: v.date.format('YYYY-MM-DD'), topic: v.topic.trim(), minutes: v.minutes, note: (v.note ?? '').trim(), clientId,
              ...(v.teacherStaffId ? { teacherStaffId: v.teacherStaffId } : {}),
            });
            setClientId(uuid());
            form.resetFields(['topic', 'note']);
            void message.success(t('education.lessons.recordOk'));
            onSaved();
          },
          (e) => applyFormErrors(form, e, ['date', 'topic', 'minutes', 'teacherStaffId', 'note']),
        )
      }
    >
      <Space wrap align="start" style={{ rowGap: 0 }}>
        <Form.Item name="date" label={t('education.common.date')} rules={[{ required: true, message: t('education.common.required') }]}>
          <DatePicker allowClear={false} disabledDate={(d) => d.isAfter(dayjs(), 'day')} style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="topic" label={t('education.common.topic')} rules={[{ required: true, message: t('education.common.required') }]}>
          <Input maxLength={100} style={{ width: 220 }} data-testid="lesson-topic" />
        </Form.Item>
        <Form.Item name="minutes" label={t('education.common.minutes')}>
          <InputNumber min={10} max={240} style={{ width: 90 }} />
        </Form.Item>
        <Form.Item name="teacherStaffId" label={t('education.common.teacher')}>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            style={{ width: 160 }}
            loading={teachers.loading}
            placeholder={me.account.displayName}
            options={(teachers.data?.items ?? []).map((s) => ({ value: s.id, label: `${s.name}${s.isMe ? t('education.common.me') : ''}` }))}
          />
        </Form.Item>
      </Space>
      <Button type="primary" htmlType="submit" loading={busy} data-testid="lesson-save">
        {t('education.lessons.record')}
      </Button>
      {problem && <Alert type="error" showIcon title={problem} style={{ marginTop: 8 }} />}
    </Form>
  );
}

/** Change one of the caller's own recent entries: date, topic, minutes, note. */
function EditLesson({ lesson, onClose, onSaved }: { lesson: Lesson; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Omit<LessonForm, 'teacherStaffId'>>();
  const { busy, problem, send } = useSendOnce();
  return (
    <Modal open title={`${t('education.lessons.edit')} · ${lesson.className}`} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} destroyOnHidden okButtonProps={{ 'data-testid': 'lesson-edit-ok' }}>
      <Form
        form={form}
        layout="vertical"
        disabled={busy}
        initialValues={{ date: dayjs(lesson.date), topic: lesson.topic, minutes: lesson.minutes, note: lesson.note }}
        onFinish={(v) =>
          void send(
            async () => {
              await api.put<Lesson>(`/education/lessons/${lesson.id}`, { date: v.date.format('YYYY-MM-DD'), topic: v.topic.trim(), minutes: v.minutes, note: (v.note ?? '').trim() });
              onSaved();
              onClose();
            },
            (e) => applyFormErrors(form, e, ['date', 'topic', 'minutes', 'note']),
          )
        }
      >
        <Form.Item name="date" label={t('education.common.date')} rules={[{ required: true, message: t('education.common.required') }]}>
          <DatePicker allowClear={false} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
        </Form.Item>
        <Form.Item name="topic" label={t('education.common.topic')} rules={[{ required: true, whitespace: true, message: t('education.common.required') }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="minutes" label={t('education.common.minutes')}>
          <InputNumber min={10} max={240} />
        </Form.Item>
        <Form.Item name="note" label={t('education.common.note')}>
          <Input maxLength={500} />
        </Form.Item>
      </Form>
      {problem && <Alert type="error" showIcon title={problem} />}
    </Modal>
  );
}

/** A class's lessons this term, with the caller's own recent entries deletable. */
function ClassLessons({ classId, from, reloadKey, onChanged }: { classId: number; from: string; reloadKey: number; onChanged: () => void }) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const { data, error, loading, reload } = useAsync((signal) => api.get<LessonList>('/education/lessons', { classId, from, page, pageSize: 20 }, { signal }), [classId, from, page, reloadKey]);
  const { busyKey, problem, send } = useSendOnceFor();
  const [editing, setEditing] = useState<Lesson | null>(null);
  return (
    <>
      {editing && <EditLesson lesson={editing} onClose={() => setEditing(null)} onSaved={() => (reload(), onChanged())} />}
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {problem && <Alert type="error" showIcon title={problem} />}
      <Table<Lesson>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={data?.items ?? []}
        locale={{ emptyText: <Empty description={t('education.lessons.none')} /> }}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage, hideOnSinglePage: true }}
        // the fixed columns take 530 px: the topic keeps about 190 px rather than wrapping by the character on a phone
        scroll={{ x: 720 }}
        data-testid="class-lessons"
        columns={[
          { title: t('education.common.date'), dataIndex: 'date', width: 110 },
          { title: t('education.common.topic'), dataIndex: 'topic' },
          { title: t('education.common.teacher'), dataIndex: 'teacherName', width: 100 },
          { title: t('education.common.minutes'), dataIndex: 'minutes', width: 90 },
          { title: '', width: 110, render: (_, l) => <Tag>{t(`education.lessons.source.${l.source}`)}</Tag> },
          {
            title: '',
            width: 120,
            render: (_, l) =>
              l.canEdit && (
                <Space size={0}>
                  <Button size="small" type="link" onClick={() => setEditing(l)}>{t('education.lessons.edit')}</Button>
                  <Popconfirm title={t('education.lessons.confirmDelete')} onConfirm={() => void send(l.id, async () => (await api.del(`/education/lessons/${l.id}`), reload(), onChanged()))}>
                    <Button size="small" type="link" danger loading={busyKey === l.id}>{t('education.common.delete')}</Button>
                  </Popconfirm>
                </Space>
              ),
          },
        ]}
      />
    </>
  );
}

function GapText({ c }: { c: ClassCompliance }) {
  const { t } = useTranslation();
  return <Typography.Text type={c.windowOk ? undefined : 'danger'}>{t('education.lessons.days', { n: c.longestGap })}</Typography.Text>;
}

function ClassesTab() {
  const { t } = useTranslation();
  const can = useCan();
  const { schoolId, setSchoolId } = useSchoolChoice();
  const [open, setOpen] = useState<ClassCompliance | null>(null);
  const [tick, setTick] = useState(0);
  const { data, error, loading, reload } = useAsync(
    (signal) => (schoolId ? api.get<SchoolClasses>('/education/classes', { schoolId }, { signal }) : Promise.resolve(undefined)),
    [schoolId, tick],
  );
  const changed = () => setTick((x) => x + 1);
  const compliant = data?.classes.filter((c) => c.compliant).length ?? 0;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Space wrap>
        <SchoolSelect value={schoolId} onChange={setSchoolId} />
        {can('education.record') && schoolId && (
          <>
            <Link to={`/education/lessons/bulk?schoolId=${schoolId}`}><Button icon={<ScheduleOutlined />} data-testid="go-bulk">{t('education.lessons.bulk')}</Button></Link>
            <Link to={`/education/lessons/import?schoolId=${schoolId}`}><Button icon={<ImportOutlined />} data-testid="go-import">{t('education.lessons.import')}</Button></Link>
          </>
        )}
      </Space>
      {data && (
        <Space wrap>
          <TermLine term={data.term} />
          <Tag color={compliant === data.classes.length ? 'green' : 'orange'} data-testid="classes-summary">
            {t('education.lessons.compliantClasses')} {compliant} / {data.classes.length}
          </Tag>
        </Space>
      )}
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {schoolId && (
        <Table<ClassCompliance>
          rowKey="classId"
          size="small"
          loading={loading}
          dataSource={data?.classes ?? []}
          pagination={{ pageSize: 100, hideOnSinglePage: true }}
          onRow={(c) => ({ onClick: () => setOpen(c), style: { cursor: 'pointer' } })}
          scroll={{ x: 640 }}
          data-testid="classes-table"
          columns={[
            { title: t('education.common.className'), dataIndex: 'className', width: 120 },
            { title: t('education.lessons.lessons'), dataIndex: 'lessons', width: 100 },
            { title: t('education.lessons.required'), dataIndex: 'requiredSoFar', width: 90 },
            { title: t('education.lessons.longestGap'), width: 130, render: (_, c) => <GapText c={c} /> },
            { title: t('education.lessons.lastLesson'), dataIndex: 'lastLesson', width: 110, render: (v: string | null) => v ?? '—' },
            {
              title: t('education.lessons.status'),
              render: (_, c) => (
                <Space size={4} wrap>
                  <ComplianceTag ok={c.compliant} testId={`class-status-${c.className}`} />
                  {!c.countOk && <Tag>{t('education.lessons.countShort')}</Tag>}
                  {!c.windowOk && <Tag>{t('education.lessons.gapLong')}</Tag>}
                </Space>
              ),
            },
          ]}
        />
      )}
      {open && data && (
        <Drawer open size={720} title={t('education.lessons.list', { name: open.className })} onClose={() => setOpen(null)} data-testid="class-drawer">
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            {open.canRecord && <Card size="small" title={t('education.lessons.record')}><RecordLesson classId={open.classId} schoolId={data.schoolId} onSaved={changed} /></Card>}
            <ClassLessons classId={open.classId} from={data.term.start} reloadKey={tick} onChanged={changed} />
          </Space>
        </Drawer>
      )}
    </Space>
  );
}

function SchoolsTab({ onOpen }: { onOpen: (schoolId: number) => void }) {
  const { t } = useTranslation();
  const { data, error, loading, reload } = useAsync((signal) => api.get<Overview>('/education/overview', {}, { signal }), []);
  const pct = (a: number, b: number) => (b ? `${Math.round((a / b) * 1000) / 10}%` : '—');
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      {data && <TermLine term={data.term} />}
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table
        rowKey="schoolId"
        size="small"
        loading={loading}
        dataSource={data?.schools ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        onRow={(s) => ({ onClick: () => onOpen(s.schoolId), style: { cursor: 'pointer' } })}
        scroll={{ x: 720 }}
        data-testid="schools-table"
        columns={[
          { title: t('education.common.district'), dataIndex: 'districtName', width: 100 },
          { title: t('education.common.school'), dataIndex: 'schoolName' },
          { title: t('education.lessons.offers'), width: 90, render: (_, s) => <Tag color={s.offersLessons ? 'green' : 'red'}>{s.offersLessons ? t('education.lessons.offersYes') : t('education.lessons.offersNo')}</Tag> },
          { title: t('education.lessons.classes'), dataIndex: 'classes', width: 80 },
          { title: t('education.lessons.compliantClasses'), dataIndex: 'compliantClasses', width: 90 },
          { title: t('education.lessons.rate'), width: 90, render: (_, s) => pct(s.compliantClasses, s.classes) },
          { title: t('education.lessons.lessons'), dataIndex: 'lessons', width: 100 },
        ]}
      />
    </Space>
  );
}

/** A head teacher's own class: compliance and a quick form (usable on a phone-size screen). */
function MyClass({ classId }: { classId: number }) {
  const { t } = useTranslation();
  const [tick, setTick] = useState(0);
  const { data, error, reload } = useAsync((signal) => api.get<SchoolClasses>('/education/classes', { classId }, { signal }), [classId, tick]);
  const c = data?.classes.find((x) => x.classId === classId);
  return (
    <Card size="small" title={`${t('education.lessons.myClass')} · ${c?.className ?? ''}`} extra={c && <ComplianceTag ok={c.compliant} testId="my-class-status" />} data-testid="my-class">
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {data && c && (
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          <TermLine term={data.term} />
          <Space wrap>
            <Tag>{t('education.lessons.lessons')} {c.lessons} / {c.requiredSoFar}</Tag>
            <Tag color={c.windowOk ? undefined : 'red'}>{t('education.lessons.longestGap')} {t('education.lessons.days', { n: c.longestGap })}</Tag>
            <Tag>{t('education.lessons.lastLesson')} {c.lastLesson ?? '—'}</Tag>
          </Space>
          {c.canRecord && <RecordLesson classId={classId} schoolId={data.schoolId} onSaved={() => setTick((x) => x + 1)} />}
          <ClassLessons classId={classId} from={data.term.start} reloadKey={tick} onChanged={() => setTick((x) => x + 1)} />
        </Space>
      )}
    </Card>
  );
}

/** 心理健康课: per class of a school (compliance, lessons, recording), per school for the bureau; a head teacher's own class first. */
export default function LessonsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const { schools, setSchoolId } = useSchoolChoice();
  const [tab, setTab] = useState<string | undefined>(undefined);
  const myClasses = me.roles.filter((r) => r.role === 'head_teacher' && r.orgUnitId !== null).map((r) => r.orgUnitId!);
  const schoolWide = me.roles.some((r) => r.role !== 'head_teacher' && r.role !== 'care_teacher' && r.orgUnitId !== null);
  const manySchools = schools.length > 1;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="lessons-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t('education.lessons.title')}</Typography.Title>
      <Typography.Text type="secondary">{t('education.lessons.rule')}</Typography.Text>
      {myClasses.map((id) => <MyClass key={id} classId={id} />)}
      {(schoolWide || !myClasses.length) && (
        <Tabs
          activeKey={tab ?? (manySchools ? 'schools' : 'classes')}
          onChange={setTab}
          items={[
            ...(manySchools ? [{ key: 'schools', label: t('education.lessons.schoolsTab'), children: <SchoolsTab onOpen={(id) => (setSchoolId(id), setTab('classes'))} /> }] : []),
            { key: 'classes', label: t('education.lessons.classesTab'), children: <ClassesTab /> },
          ]}
        />
      )}
    </Space>
  );
}
