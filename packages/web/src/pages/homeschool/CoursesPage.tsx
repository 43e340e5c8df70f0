import { useState } from 'react';
import { Alert, Button, Card, Drawer, Empty, Form, Input, InputNumber, Modal, Radio, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { applyFormErrors } from '../../app/formErrors';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { uuid } from '../../app/uuid';
import { ErrorBox } from '../../components/ErrorBox';
import { thisYear, type HsCourse, type HsCourseList, type HsStandard, type HsUnits } from './shared';

interface CourseForm {
  ownerUnitId: number;
  title: string;
  summary: string;
  kind: 'text' | 'video';
  videoUrl?: string;
  body: string;
  minutes: number;
  credits: number;
  targetGrades: number[];
  year: number;
  published: boolean;
}
const FIELDS = ['ownerUnitId', 'title', 'summary', 'kind', 'videoUrl', 'body', 'minutes', 'credits', 'targetGrades', 'year', 'published'];
const GRADES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

function useGradeName() {
  const { t } = useTranslation();
  const names = t('homeschool.courses.gradeNames').split(',');
  return (n: number) => names[n - 1] ?? String(n);
}

function CourseDrawer({ course, units, open, onClose, onSaved }: { course: HsCourse | null; units: HsUnits | undefined; open: boolean; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<CourseForm>();
  const [clientId, setClientId] = useState(uuid);
  const { busy, problem, send } = useSendOnce();
  const kind = Form.useWatch('kind', form);
  const gradeName = useGradeName();
  const save = (v: CourseForm) =>
    send(
      async () => {
        const body = { ...v, summary: v.summary ?? '', body: v.body ?? '', videoUrl: v.kind === 'video' ? (v.videoUrl?.trim() || null) : null, targetGrades: v.targetGrades ?? [] };
        if (course) {
          const { ownerUnitId, ...rest } = body;
          void ownerUnitId;
          await api.put(`/homeschool/courses/${course.id}`, rest);
        } else {
          await api.post('/homeschool/courses', { ...body, clientId });
          setClientId(uuid());
        }
        onSaved();
      },
      (e) => applyFormErrors(form, e, FIELDS),
    );
  const initial: Partial<CourseForm> = course
    ? { ...course, videoUrl: course.videoUrl ?? undefined }
    : { kind: 'text', minutes: 15, credits: 1, targetGrades: [], year: thisYear(), published: false, ownerUnitId: units?.courseOwners[0]?.id, summary: '', body: '' };
  return (
    <Drawer open={open} onClose={onClose} size={560} title={course ? t('homeschool.courses.editTitle') : t('homeschool.courses.new')} destroyOnHidden>
      <Form<CourseForm> form={form} layout="vertical" initialValues={initial} onFinish={(v) => void save(v)} data-testid="hs-course-form">
        <Form.Item name="ownerUnitId" label={t('homeschool.courses.owner')} rules={[{ required: true }]}>
          <Select disabled={!!course} options={(units?.courseOwners ?? []).map((u) => ({ value: u.id, label: u.name }))} data-testid="hs-course-owner" />
        </Form.Item>
        <Form.Item name="title" label={t('homeschool.courses.name')} rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={60} data-testid="hs-course-title" />
        </Form.Item>
        <Form.Item name="summary" label={t('homeschool.courses.summary')}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="kind" label={t('homeschool.courses.kind')}>
          <Radio.Group options={[{ value: 'text', label: t('homeschool.courses.kindText') }, { value: 'video', label: t('homeschool.courses.kindVideo') }]} />
        </Form.Item>
        {kind === 'video' && (
          <Form.Item name="videoUrl" label={t('homeschool.courses.videoUrl')} extra={t('homeschool.courses.videoHint')} rules={[{ required: true }]}>
            <Input placeholder="https://" maxLength={500} />
          </Form.Item>
        )}
        <Form.Item name="body" label={t('homeschool.courses.body')} extra={t('homeschool.courses.bodyHint')}>
          <Input.TextArea rows={8} maxLength={20000} data-testid="hs-course-body" />
        </Form.Item>
        <Space wrap>
          <Form.Item name="minutes" label={t('homeschool.courses.minutes')} rules={[{ required: true }]}>
            <InputNumber min={1} max={600} />
          </Form.Item>
          <Form.Item name="credits" label={t('homeschool.courses.credits')} rules={[{ required: true }]}>
            <InputNumber min={1} max={20} data-testid="hs-course-credits" />
          </Form.Item>
          <Form.Item name="year" label={t('homeschool.common.year')} rules={[{ required: true }]}>
            <InputNumber min={2020} max={2100} />
          </Form.Item>
        </Space>
        <Form.Item name="targetGrades" label={t('homeschool.courses.grades')} extra={t('homeschool.courses.gradesHint')}>
          <Select mode="multiple" allowClear options={GRADES.map((n) => ({ value: n, label: gradeName(n) }))} />
        </Form.Item>
        <Form.Item name="published" label={t('homeschool.courses.published')} valuePropName="checked">
          <Switch data-testid="hs-course-published" />
        </Form.Item>
        {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
        <Space>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="hs-course-save">
            {t('homeschool.common.save')}
          </Button>
          <Button onClick={onClose}>{t('homeschool.common.cancel')}</Button>
        </Space>
      </Form>
    </Drawer>
  );
}

function StandardCard({ year }: { year: number }) {
  const { t } = useTranslation();
  const { data, reload } = useAsync((signal) => api.get<HsStandard>('/homeschool/standard', { year }, { signal }), [year]);
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState<number | null>(null);
  const { busy, problem, send } = useSendOnce();
  if (!data) return null;
  return (
    <Card size="small">
      <Space wrap>
        <strong>{t('homeschool.courses.standard')}</strong>
        <span data-testid="hs-standard">
          {t('homeschool.courses.standardNote', { credits: data.credits })}
          {data.isDefault && t('homeschool.courses.standardDefault')}
        </span>
        {data.canManage && <Button size="small" onClick={() => { setValue(data.credits); setOpen(true); }}>{t('homeschool.courses.standardSet')}</Button>}
      </Space>
      <Modal open={open} title={`${t('homeschool.courses.standardSet')}（${year}）`} onCancel={() => setOpen(false)} confirmLoading={busy} width={360}
        onOk={() => void send(async () => { await api.put('/homeschool/standard', { year, credits: value ?? 0 }); setOpen(false); reload(); })}>
        <InputNumber min={0} max={200} value={value} onChange={(v) => setValue(v)} addonAfter={t('homeschool.courses.credits')} />
        {problem && <Alert type="error" showIcon title={problem} style={{ marginTop: 8 }} />}
      </Modal>
    </Card>
  );
}

/** 家长学校: the micro-courses that reach the caller's schools, with completions; create, edit, publish. */
export default function CoursesPage() {
  const { t } = useTranslation();
  const [year, setYear] = useState<number | undefined>(thisYear());
  const [page, setPage] = useState(1);
  const [editing, setEditing] = useState<HsCourse | null | 'new'>(null);
  const gradeName = useGradeName();
  const { data, error, loading, reload } = useAsync((signal) => api.get<HsCourseList>('/homeschool/courses', { year, page, pageSize: 50 }, { signal }), [year, page]);
  const units = useAsync((signal) => api.get<HsUnits>('/homeschool/units', undefined, { signal }), []);
  const canCreate = (units.data?.courseOwners.length ?? 0) > 0;
  const { send, busy } = useSendOnce();
  const togglePublish = (c: HsCourse) => send(async () => { await api.put(`/homeschool/courses/${c.id}`, { published: !c.published }); reload(); });
  const years = Array.from({ length: 5 }, (_, i) => thisYear() + 1 - i);
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="hs-courses-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t('homeschool.courses.title')}</Typography.Title>
      <Typography.Text type="secondary">{t('homeschool.courses.intro')}</Typography.Text>
      <StandardCard year={year ?? thisYear()} />
      <Space wrap>
        {t('homeschool.common.year')}
        <Select style={{ width: 120 }} value={year ?? 0} onChange={(v) => { setYear(v || undefined); setPage(1); }} options={[{ value: 0, label: t('homeschool.common.all') }, ...years.map((y) => ({ value: y, label: String(y) }))]} />
        {canCreate && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="hs-course-new">
            {t('homeschool.courses.new')}
          </Button>
        )}
      </Space>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<HsCourse>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={data?.items ?? []}
        pagination={{ current: page, pageSize: 50, total: data?.total ?? 0, onChange: setPage }}
        locale={{ emptyText: <Empty description={t('homeschool.courses.none')} /> }}
        data-testid="hs-courses"
        columns={[
          { title: t('homeschool.courses.name'), render: (_, c) => <span data-testid="hs-course-row">{c.title}</span> },
          { title: t('homeschool.courses.owner'), dataIndex: 'ownerName' },
          { title: t('homeschool.courses.kind'), render: (_, c) => (c.kind === 'video' ? t('homeschool.courses.kindVideo') : t('homeschool.courses.kindText')) },
          { title: t('homeschool.courses.minutes'), dataIndex: 'minutes' },
          { title: t('homeschool.courses.credits'), dataIndex: 'credits' },
          { title: t('homeschool.courses.grades'), render: (_, c) => (c.targetGrades.length ? c.targetGrades.map((n) => gradeName(n)).join('、') : t('homeschool.common.all')) },
          { title: t('homeschool.common.year'), dataIndex: 'year' },
          { title: t('homeschool.courses.published'), render: (_, c) => (c.published ? <Tag color="green">{t('homeschool.courses.published')}</Tag> : <Tag>{t('homeschool.courses.draft')}</Tag>) },
          { title: t('homeschool.courses.completions'), dataIndex: 'completions' },
          {
            title: '',
            render: (_, c) =>
              c.canManage && (
                <Space>
                  <Button size="small" onClick={() => setEditing(c)}>{t('homeschool.common.edit')}</Button>
                  <Button size="small" disabled={busy} onClick={() => void togglePublish(c)} data-testid="hs-course-publish">
                    {c.published ? t('homeschool.courses.unpublish') : t('homeschool.courses.publish')}
                  </Button>
                </Space>
              ),
          },
        ]}
      />
      <CourseDrawer
        key={editing === 'new' ? 'new' : (editing?.id ?? 'none')}
        open={editing !== null}
        course={editing === 'new' ? null : editing}
        units={units.data}
        onClose={() => setEditing(null)}
        onSaved={() => { setEditing(null); reload(); }}
      />
    </Space>
  );
}
