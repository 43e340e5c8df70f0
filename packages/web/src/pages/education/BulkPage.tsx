import { useMemo, useState } from 'react';
import { Alert, App, Button, Card, Checkbox, DatePicker, Form, Input, InputNumber, Radio, Select, Space, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { applyFormErrors } from '../../app/formErrors';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { ErrorBox } from '../../components/ErrorBox';
import { SchoolSelect, TermLine, useSchoolChoice, type BulkResult, type SchoolClasses, type Teacher } from './shared';

interface BulkForm {
  classIds: number[];
  weekdays: number[];
  range: [Dayjs, Dayjs];
  teacherStaffId?: string;
  mode: 'one' | 'perWeek';
  topics: string;
  minutes: number;
}

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** 批量录入: classes × weekdays × a date range → one lesson per class per matching school day, previewed first. */
export default function BulkPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { schoolId, setSchoolId } = useSchoolChoice();
  const [form] = Form.useForm<BulkForm>();
  const [preview, setPreview] = useState<BulkResult | null>(null);
  const { busy, problem, send } = useSendOnce();
  const classes = useAsync((signal) => (schoolId ? api.get<SchoolClasses>('/education/classes', { schoolId }, { signal }) : Promise.resolve(undefined)), [schoolId]);
  const teachers = useAsync((signal) => (schoolId ? api.get<{ items: Teacher[] }>('/education/teachers', { schoolId }, { signal }) : Promise.resolve(undefined)), [schoolId]);
  const recordable = useMemo(() => (classes.data?.classes ?? []).filter((c) => c.canRecord), [classes.data]);
  const grades = useMemo(() => {
    const m = new Map<string, number[]>();
    for (const c of recordable) {
      const g = c.className.replace(/\d+班$/, '');
      m.set(g, [...(m.get(g) ?? []), c.classId]);
    }
    return [...m];
  }, [recordable]);
  const term = classes.data?.term;
  const body = (v: BulkForm, previewOnly: boolean) => ({
    classIds: v.classIds,
    weekdays: v.weekdays,
    from: v.range[0].format('YYYY-MM-DD'),
    to: v.range[1].format('YYYY-MM-DD'),
    topics: v.mode === 'one' ? [v.topics.split('\n')[0]!.trim()] : v.topics.split('\n').map((s) => s.trim()).filter(Boolean),
    minutes: v.minutes,
    preview: previewOnly,
    ...(v.teacherStaffId ? { teacherStaffId: v.teacherStaffId } : {}),
  });
  const run = (previewOnly: boolean) =>
    void form.validateFields().then((v) =>
      send(
        async () => {
          const r = await api.post<BulkResult>('/education/lessons/bulk', body(v, previewOnly));
          setPreview(r);
          if (!previewOnly) {
            void message.success(t('education.bulk.saved', r));
            classes.reload();
          }
        },
        (e) => applyFormErrors(form, e, ['classIds', 'weekdays', 'range', 'teacherStaffId', 'topics', 'minutes'], (n) => (n === 'from' || n === 'to' ? 'range' : n.startsWith('topics') ? 'topics' : n)),
      ),
    );
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="bulk-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t('education.bulk.title')}</Typography.Title>
      <Typography.Text type="secondary">{t('education.bulk.intro')}</Typography.Text>
      <SchoolSelect value={schoolId} onChange={(id) => (setSchoolId(id), form.setFieldValue('classIds', []), setPreview(null))} />
      {classes.error !== undefined && <ErrorBox error={classes.error} onRetry={classes.reload} />}
      {term && <TermLine term={term} />}
      {schoolId && term && (
        <Card>
          <Form
            form={form}
            layout="vertical"
            disabled={busy}
            style={{ maxWidth: 760 }}
            initialValues={{ classIds: [], weekdays: [], range: [dayjs(term.start), dayjs(term.asOf)], mode: 'one', topics: '', minutes: 40 }}
            onValuesChange={() => setPreview(null)}
          >
            <Form.Item label={t('education.bulk.classes')} required>
              <Space wrap style={{ marginBottom: 8 }}>
                {grades.map(([g, ids]) => (
                  <Button key={g} size="small" onClick={() => (form.setFieldValue('classIds', [...new Set([...(form.getFieldValue('classIds') as number[]), ...ids])]), setPreview(null))} data-testid={`bulk-grade-${g}`}>
                    {t('education.bulk.allOfGrade', { grade: g })}
                  </Button>
                ))}
                <Button size="small" type="link" onClick={() => (form.setFieldValue('classIds', []), setPreview(null))}>{t('education.bulk.clear')}</Button>
              </Space>
              <Form.Item name="classIds" noStyle rules={[{ required: true, type: 'array', min: 1, message: t('education.common.required') }]}>
                <Select mode="multiple" allowClear showSearch={{ optionFilterProp: 'label' }} options={recordable.map((c) => ({ value: c.classId, label: c.className }))} data-testid="bulk-classes" />
              </Form.Item>
            </Form.Item>
            <Form.Item name="weekdays" label={t('education.bulk.weekdays')} rules={[{ required: true, type: 'array', min: 1, message: t('education.common.required') }]}>
              <Checkbox.Group options={WEEKDAYS.map((d) => ({ value: d, label: t(`counseling.weekday.w${d}`) }))} data-testid="bulk-weekdays" />
            </Form.Item>
            <Form.Item name="range" label={t('education.bulk.range')} rules={[{ required: true, message: t('education.common.required') }]}>
              <DatePicker.RangePicker allowClear={false} disabledDate={(d) => d.isAfter(dayjs(), 'day')} data-testid="bulk-range" />
            </Form.Item>
            <Space wrap align="start">
              <Form.Item name="teacherStaffId" label={t('education.common.teacher')}>
                <Select allowClear showSearch={{ optionFilterProp: 'label' }} style={{ width: 200 }} options={(teachers.data?.items ?? []).map((s) => ({ value: s.id, label: `${s.name}${s.isMe ? t('education.common.me') : ''}` }))} />
              </Form.Item>
              <Form.Item name="minutes" label={t('education.common.minutes')}>
                <InputNumber min={10} max={240} />
              </Form.Item>
            </Space>
            <Form.Item name="mode" label={t('education.bulk.topicMode')}>
              <Radio.Group options={[{ value: 'one', label: t('education.bulk.oneTopic') }, { value: 'perWeek', label: t('education.bulk.perWeek') }]} />
            </Form.Item>
            <Form.Item name="topics" rules={[{ required: true, whitespace: true, message: t('education.common.required') }]}>
              <Input.TextArea rows={3} placeholder={t('education.bulk.topicsPlaceholder')} data-testid="bulk-topics" />
            </Form.Item>
            <Space wrap>
              <Button onClick={() => run(true)} loading={busy} data-testid="bulk-preview">{t('education.bulk.preview')}</Button>
              <Button type="primary" onClick={() => run(false)} loading={busy} disabled={busy || !preview || preview.planned === 0} data-testid="bulk-save">{t('education.bulk.save')}</Button>
            </Space>
            {preview && (
              <Alert
                style={{ marginTop: 12 }}
                type={preview.planned ? 'info' : 'warning'}
                showIcon
                data-testid="bulk-result"
                title={preview.planned ? t('education.bulk.previewResult', { classes: preview.classes, dates: preview.dates.length, planned: preview.planned, existing: preview.existing }) : t('education.bulk.noDates')}
                description={preview.dates.length ? preview.dates.map((d) => d.slice(5)).join('、') : undefined}
              />
            )}
            {problem && <Alert type="error" showIcon title={problem} style={{ marginTop: 12 }} />}
          </Form>
        </Card>
      )}
    </Space>
  );
}
