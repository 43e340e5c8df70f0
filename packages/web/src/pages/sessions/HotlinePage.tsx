import { useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Typography } from 'antd';
import { AuditOutlined, LockOutlined, PhoneOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api, errorMessage, formErrors } from '../../api/client';
import { useCan } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useSendOnce, useSendOnceFor } from '../../app/useSendOnce';
import { uuid } from '../../app/uuid';
import { ErrorBox } from '../../components/ErrorBox';
import { fmtTime, HOTLINE_CALLER_KINDS, HOTLINE_RISKS, RiskTag, StudentPicker } from './shared';
import type { HotlineCall, HotlineSummaryOut, Paged } from './types';

interface Values {
  callerKind: HotlineCall['callerKind'];
  studentId?: string;
  startedAt: Dayjs;
  durationMinutes: number;
  risk: HotlineCall['risk'];
  summary: string;
}

function LogCallForm({ onSaved }: { onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [clientId, setClientId] = useState(uuid);
  const { busy, problem, send } = useSendOnce();
  const submit = (v: Values) => send(async () => {
    await api.post('/hotline/calls', { clientId, callerKind: v.callerKind, ...(v.studentId ? { studentId: v.studentId } : {}), startedAt: v.startedAt.toISOString(), durationMinutes: v.durationMinutes, risk: v.risk, summary: v.summary });
    void message.success(t('counselingRecords.hotline.saved'));
    form.resetFields();
    setClientId(uuid());
    onSaved();
  }, (e) => {
    form.setFields(formErrors(e) as never);
    return errorMessage(e);
  });
  return (
    <Card size="small" title={<><PhoneOutlined /> {t('counselingRecords.hotline.log')}</>}>
      <Form<Values> form={form} layout="vertical" disabled={busy} initialValues={{ callerKind: 'student', startedAt: dayjs(), durationMinutes: 15, risk: 'none' }} onFinish={(v) => void submit(v)} data-testid="hotline-form">
        <Space wrap size={16} align="start">
          <Form.Item name="callerKind" label={t('counselingRecords.hotline.callerKind')}>
            <Select style={{ width: 120 }} options={HOTLINE_CALLER_KINDS.map((k) => ({ value: k, label: t(`counselingRecords.hotline.callerKinds.${k}`) }))} data-testid="hotline-caller" />
          </Form.Item>
          <Form.Item name="startedAt" label={t('counselingRecords.hotline.startedAt')} rules={[{ required: true, message: t('counselingRecords.form.required') }]}>
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" disabledDate={(d) => d.isAfter(dayjs(), 'day')} data-testid="hotline-start" />
          </Form.Item>
          <Form.Item name="durationMinutes" label={t('counselingRecords.hotline.duration')} rules={[{ required: true, message: t('counselingRecords.form.required') }]}>
            <InputNumber min={1} max={600} precision={0} data-testid="hotline-duration" />
          </Form.Item>
          <Form.Item name="risk" label={t('counselingRecords.hotline.risk')}>
            <Select style={{ width: 100 }} options={HOTLINE_RISKS.map((r) => ({ value: r, label: t(`counselingRecords.risk.${r}`) }))} data-testid="hotline-risk" />
          </Form.Item>
        </Space>
        <Form.Item name="studentId" label={t('counselingRecords.hotline.student')}>
          <StudentPicker placeholder={t('counselingRecords.form.studentSearch')} testId="hotline-student" />
        </Form.Item>
        <Form.Item name="summary" label={<><LockOutlined /> {t('counselingRecords.hotline.summary')}</>} rules={[{ required: true, whitespace: true, message: t('counselingRecords.form.required') }]}>
          <Input.TextArea rows={3} maxLength={4000} data-testid="hotline-summary" />
        </Form.Item>
        {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 8 }} />}
        <Button type="primary" htmlType="submit" loading={busy} data-testid="hotline-submit">{t('counselingRecords.hotline.submit')}</Button>
      </Form>
    </Card>
  );
}

/** 热线记录: log a call one took; the school's calls as metadata; a summary for its author and the supervisors (audited). */
export default function HotlinePage() {
  const { t } = useTranslation();
  const can = useCan();
  const [mine, setMine] = useState(false);
  const [page, setPage] = useState(1);
  const { data, error, loading, reload } = useAsync((signal) => api.get<Paged<HotlineCall>>('/hotline/calls', { mine: mine ? 'true' : undefined, page, pageSize: 20 }, { signal }), [mine, page]);
  const [open, setOpen] = useState<HotlineSummaryOut | null>(null);
  const { busyKey, problem, send } = useSendOnceFor();
  const view = (id: string) => send(id, async () => setOpen(await api.get<HotlineSummaryOut>(`/hotline/calls/${id}/summary`)));
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="hotline-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t('counselingRecords.hotline.title')}</Typography.Title>
      <Alert type="info" showIcon icon={<LockOutlined />} title={t('counselingRecords.hotline.intro')} />
      {can('hotline.log') && <LogCallForm onSaved={reload} />}
      <Card size="small">
        <div style={{ marginBottom: 12 }}><Switch checked={mine} onChange={(v) => { setMine(v); setPage(1); }} /> {t('counselingRecords.sessions.mine')}</div>
        {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 8 }} />}
        {error ? <ErrorBox error={error} onRetry={reload} /> : (
          <Table<HotlineCall>
            rowKey="id"
            size="small"
            loading={loading}
            dataSource={data?.items ?? []}
            locale={{ emptyText: t('counselingRecords.hotline.empty') }}
            pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage }}
            data-testid="hotline-table"
            columns={[
              { title: t('counselingRecords.hotline.startedAt'), width: 170, render: (_, r) => fmtTime(r.startedAt) },
              { title: t('counselingRecords.hotline.callerKind'), width: 90, render: (_, r) => t(`counselingRecords.hotline.callerKinds.${r.callerKind}`) },
              { title: t('counselingRecords.sessions.student'), render: (_, r) => r.studentName ?? '—' },
              { title: t('counselingRecords.hotline.duration'), dataIndex: 'durationMinutes', width: 100 },
              { title: t('counselingRecords.hotline.risk'), width: 80, render: (_, r) => <RiskTag risk={r.risk} /> },
              { title: t('counselingRecords.hotline.counselor'), dataIndex: 'counselorName', width: 120 },
              {
                title: '',
                width: 150,
                render: (_, r) => (r.canReadSummary
                  ? <Button size="small" loading={busyKey === r.id} onClick={() => void view(r.id)} data-testid={`hotline-view-${r.id}`}>{t('counselingRecords.hotline.view')}</Button>
                  : <Typography.Text type="secondary"><LockOutlined /></Typography.Text>),
              },
            ]}
          />
        )}
      </Card>
      <Modal open={!!open} title={t('counselingRecords.hotline.summaryTitle')} footer={null} onCancel={() => setOpen(null)}>
        {open && (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Alert type="info" showIcon icon={<AuditOutlined />} title={t('counselingRecords.detail.audited')} />
            <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="hotline-summary-text">{open.summary}</Typography.Paragraph>
          </Space>
        )}
      </Modal>
    </Space>
  );
}
