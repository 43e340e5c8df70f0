import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { applyFormErrors } from '../../app/formErrors';
import { useCan } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useSendOnce, useSendOnceFor } from '../../app/useSendOnce';
import { uuid } from '../../app/uuid';
import { ErrorBox } from '../../components/ErrorBox';
import { OrgUnitSelect } from '../../components/OrgUnitSelect';
import { ACTIVITY_KINDS, ACTIVITY_THEMES, ComplianceTag, SchoolSelect, TermLine, useSchoolChoice, type Activity, type ActivityKind, type ActivityList, type ActivityTheme, type Overview } from './shared';

interface ActivityForm {
  /** the district, when a bureau records the teaching research its district held */
  districtId?: number;
  kind: ActivityKind;
  theme?: ActivityTheme;
  title: string;
  date: Dayjs;
  participants: number;
  summary?: string;
  evidenceUrl?: string;
}

/** A school's activity, or (district) the teaching research a district held for its schools, recorded by the bureau. */
function AddActivity({ schoolId, district = false, onAdded }: { schoolId?: number; district?: boolean; onAdded: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [clientId, setClientId] = useState(uuid);
  const [form] = Form.useForm<ActivityForm>();
  const kind = Form.useWatch('kind', form);
  const { busy, problem, send } = useSendOnce();
  return (
    <>
      <Button type={district ? 'default' : 'primary'} icon={<PlusOutlined />} onClick={() => setOpen(true)} data-testid={district ? 'activity-add-district' : 'activity-add'}>{t(district ? 'education.activities.addDistrict' : 'education.activities.add')}</Button>
      <Modal open={open} title={t(district ? 'education.activities.addDistrict' : 'education.activities.add')} onCancel={() => setOpen(false)} onOk={() => form.submit()} confirmLoading={busy} destroyOnHidden okButtonProps={{ 'data-testid': 'activity-add-ok' }}>
        <Form
          form={form}
          layout="vertical"
          disabled={busy}
          initialValues={{ kind: district ? 'research' : 'infusion', date: dayjs(), participants: 0 }}
          onFinish={(v) =>
            void send(
              async () => {
                await api.post<Activity>('/education/activities', {
                  unitId: district ? v.districtId : schoolId, kind: v.kind, title: v.title.trim(), date: v.date.format('YYYY-MM-DD'), participants: v.participants, summary: (v.summary ?? '').trim(), clientId,
                  ...(v.kind === 'themed' && v.theme ? { theme: v.theme } : {}),
                  ...(v.evidenceUrl?.trim() ? { evidenceUrl: v.evidenceUrl.trim() } : {}),
                });
                setClientId(uuid());
                setOpen(false);
                form.resetFields();
                onAdded();
              },
              (e) => applyFormErrors(form, e, ['kind', 'theme', 'title', 'date', 'participants', 'summary', 'evidenceUrl']),
            )
          }
        >
          {district && (
            <Form.Item name="districtId" label={t('education.activities.district')} rules={[{ required: true, message: t('education.common.required') }]}>
              <OrgUnitSelect selectableKinds={['district']} maxKind="district" allowClear={false} testId="activity-district" />
            </Form.Item>
          )}
          <Form.Item name="kind" label={t('education.activities.kindLabel')}>
            <Select disabled={district} options={ACTIVITY_KINDS.map((k) => ({ value: k, label: t(`education.activities.kind.${k}`) }))} />
          </Form.Item>
          {kind === 'themed' && (
            <Form.Item name="theme" label={t('education.activities.themeLabel')} rules={[{ required: true, message: t('education.common.required') }]}>
              <Select options={ACTIVITY_THEMES.map((k) => ({ value: k, label: t(`education.activities.theme.${k}`) }))} />
            </Form.Item>
          )}
          <Form.Item name="title" label={t('education.activities.name')} rules={[{ required: true, whitespace: true, message: t('education.common.required') }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Space wrap>
            <Form.Item name="date" label={t('education.common.date')} rules={[{ required: true, message: t('education.common.required') }]}>
              <DatePicker allowClear={false} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
            </Form.Item>
            <Form.Item name="participants" label={t('education.activities.participants')}>
              <InputNumber min={0} max={100000} />
            </Form.Item>
          </Space>
          <Form.Item name="summary" label={t('education.activities.summary')}>
            <Input.TextArea rows={3} maxLength={1000} />
          </Form.Item>
          <Form.Item name="evidenceUrl" label={t('education.activities.evidence')}>
            <Input placeholder="https://" maxLength={500} />
          </Form.Item>
        </Form>
        {problem && <Alert type="error" showIcon title={problem} />}
      </Modal>
    </>
  );
}

/** Activity compliance per school this term (from the overview): infusion count, research months missing, themed events. */
function Compliance({ schoolId, tick }: { schoolId: number | undefined; tick: number }) {
  const { t } = useTranslation();
  const { data, error, reload, loading } = useAsync((signal) => api.get<Overview>('/education/overview', {}, { signal }), [tick]);
  const schools = (data?.schools ?? []).filter((s) => !schoolId || s.schoolId === schoolId);
  return (
    <Card size="small" title={t('education.activities.compliance')} extra={data && <TermLine term={data.term} />}>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table
        rowKey="schoolId"
        size="small"
        loading={loading}
        dataSource={schools}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 640 }}
        data-testid="activity-compliance"
        columns={[
          { title: t('education.common.school'), dataIndex: 'schoolName' },
          { title: t('education.activities.infusion'), render: (_, s) => <Space size={4}>{t('education.activities.times', { n: s.infusion })}<ComplianceTag ok={s.infusionOk} /></Space> },
          { title: t('education.activities.research'), render: (_, s) => <Space size={4}>{s.researchMissing.map((m) => m.slice(5)).join('、') || t('education.activities.none')}<ComplianceTag ok={s.researchOk} /></Space> },
          { title: t('education.activities.themed'), render: (_, s) => t('education.activities.times', { n: s.themed }) },
        ]}
      />
    </Card>
  );
}

/** 活动: subject-infusion research, teaching research (a school's or its district's) and themed events, with filters and compliance. */
export default function ActivitiesPage() {
  const { t } = useTranslation();
  const can = useCan();
  const { schoolId, setSchoolId } = useSchoolChoice();
  const [kind, setKind] = useState<ActivityKind | undefined>(undefined);
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(null);
  const [page, setPage] = useState(1);
  const [tick, setTick] = useState(0);
  const query = { unitId: schoolId, kind, from: range?.[0].format('YYYY-MM-DD'), to: range?.[1].format('YYYY-MM-DD'), page, pageSize: 20 };
  const { data, error, loading, reload } = useAsync((signal) => api.get<ActivityList>('/education/activities', query, { signal }), [JSON.stringify(query), tick]);
  const { busyKey, problem, send } = useSendOnceFor();
  const changed = () => setTick((x) => x + 1);
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="activities-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t('education.activities.title')}</Typography.Title>
      <Typography.Text type="secondary">{t('education.activities.intro')}</Typography.Text>
      <Compliance schoolId={schoolId} tick={tick} />
      <Space wrap>
        <SchoolSelect value={schoolId} onChange={(id) => (setSchoolId(id), setPage(1))} />
        <Select allowClear placeholder={t('education.activities.allKinds')} style={{ width: 160 }} value={kind} onChange={(k) => (setKind(k), setPage(1))} options={ACTIVITY_KINDS.map((k) => ({ value: k, label: t(`education.activities.kind.${k}`) }))} data-testid="activity-kind" />
        <DatePicker.RangePicker value={range} onChange={(v) => (setRange(v?.[0] && v[1] ? [v[0], v[1]] : null), setPage(1))} />
        {can('education.record') && schoolId && <AddActivity schoolId={schoolId} onAdded={changed} />}
        {can('education.research') && <AddActivity district onAdded={changed} />}
      </Space>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {problem && <Alert type="error" showIcon title={problem} />}
      <Table<Activity>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={data?.items ?? []}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage, hideOnSinglePage: true }}
        scroll={{ x: 820 }}
        data-testid="activities-table"
        expandable={{ expandedRowRender: (a) => <Typography.Paragraph style={{ margin: 0 }}>{a.summary || '—'}{a.evidenceUrl && <> · <a href={a.evidenceUrl} target="_blank" rel="noreferrer">{t('education.activities.evidence')}</a></>}</Typography.Paragraph> }}
        columns={[
          { title: t('education.common.date'), dataIndex: 'date', width: 110 },
          { title: t('education.activities.unit'), dataIndex: 'unitName', width: 140 },
          { title: '', width: 130, render: (_, a) => <Tag color={a.kind === 'infusion' ? 'blue' : a.kind === 'research' ? 'purple' : 'gold'}>{t(`education.activities.kind.${a.kind}`)}</Tag> },
          { title: t('education.activities.name'), render: (_, a) => <>{a.title}{a.theme && <Tag style={{ marginLeft: 6 }}>{t(`education.activities.theme.${a.theme}`)}</Tag>}</> },
          { title: t('education.activities.participants'), dataIndex: 'participants', width: 90 },
          {
            title: '',
            width: 70,
            render: (_, a) =>
              a.canEdit && (
                <Popconfirm title={t('education.common.delete')} onConfirm={() => void send(a.id, async () => (await api.del(`/education/activities/${a.id}`), changed()))}>
                  <Button size="small" type="link" danger loading={busyKey === a.id}>{t('education.common.delete')}</Button>
                </Popconfirm>
              ),
          },
        ]}
      />
    </Space>
  );
}
