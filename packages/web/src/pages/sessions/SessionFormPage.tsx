import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Form, Input, InputNumber, Radio, Select, Space, Typography } from 'antd';
import { LockOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api, errorMessage, formErrors } from '../../api/client';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { uuid } from '../../app/uuid';
import { SESSION_KINDS, SESSION_RISK_LEVELS, StudentPicker } from './shared';
import type { AppointmentDetail, CreateSessionBody, SessionMeta } from './types';

interface Values {
  studentId: string;
  kind: CreateSessionBody['kind'];
  date: Dayjs;
  durationMinutes: number;
  presentingConcern: string;
  assessment?: string;
  intervention?: string;
  riskLevel: CreateSessionBody['notes']['riskLevel'];
  nextStep?: string;
  escalate: 'none' | 'alert' | 'crisis';
}

/**
 * 填写咨询记录表: pick a student of the school (or come from an appointment:
 * /sessions/new?appointmentId=…, its student, day and length filled in), the structured notes, and in one step
 * an alert or a crisis case from the risk assessment. One client id per form, sent once.
 */
export default function SessionFormPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const appointmentId = params.get('appointmentId') ?? undefined;
  const fromStudent = params.get('studentId') ?? undefined;
  const [form] = Form.useForm<Values>();
  const [clientId] = useState(uuid);
  const { busy, problem, send } = useSendOnce();
  const risk = Form.useWatch('riskLevel', form);
  // from the register (/sessions/new?appointmentId=…): the appointment's student, day and length
  const appointment = useAsync((signal) => (appointmentId ? api.get<AppointmentDetail>(`/counseling/appointments/${appointmentId}`, undefined, { signal }) : Promise.resolve(null)), [appointmentId]);
  const appt = appointment.data;
  useEffect(() => {
    if (!appt) return;
    const minutes = Math.round((Date.parse(appt.endsAt) - Date.parse(appt.startsAt)) / 60_000);
    form.setFieldsValue({ studentId: appt.studentId, date: dayjs(appt.startsAt), ...(minutes >= 5 && minutes <= 480 ? { durationMinutes: minutes } : {}) });
  }, [appt, form]);
  const initialStudent = appt ? { id: appt.studentId, label: `${appt.studentName}（${appt.className}）` } : fromStudent ? { id: fromStudent, label: params.get('studentName') ?? fromStudent } : undefined;

  const submit = (v: Values) =>
    send(async () => {
      const body: CreateSessionBody = {
        clientId, studentId: v.studentId, kind: v.kind, date: v.date.format('YYYY-MM-DD'), durationMinutes: v.durationMinutes,
        ...(appointmentId ? { appointmentId } : {}),
        notes: { presentingConcern: v.presentingConcern, assessment: v.assessment ?? '', intervention: v.intervention ?? '', riskLevel: v.riskLevel, nextStep: v.nextStep ?? '' },
        ...(v.escalate !== 'none' ? { escalate: v.escalate } : {}),
      };
      const out = await api.post<SessionMeta>('/counseling/sessions', body);
      void message.success(t('counselingRecords.form.saved'));
      void navigate(`/sessions/${out.id}`);
    }, (e) => {
      const fields = formErrors(e).map((f) => ({ ...f, name: f.name.replace(/^notes\./, '') as keyof Values }));
      if (fields.length) form.setFields(fields);
      return errorMessage(e);
    });

  const req = [{ required: true, whitespace: true, message: t('counselingRecords.form.required') }];
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%', maxWidth: 860 }} data-testid="session-form-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t('counselingRecords.form.title')}</Typography.Title>
      <Alert type="info" showIcon icon={<LockOutlined />} title={t('counselingRecords.form.sealedNote')} />
      <Card size="small">
        <Form<Values>
          form={form}
          layout="vertical"
          disabled={busy}
          initialValues={{ studentId: fromStudent, kind: 'individual', date: dayjs(), durationMinutes: 45, riskLevel: 'none', escalate: 'none' }}
          onFinish={(v) => void submit(v)}
          data-testid="session-form"
        >
          {appointmentId && (
            <Alert
              type={appointment.error ? 'error' : 'success'}
              style={{ marginBottom: 12 }}
              title={appt ? t('counselingRecords.form.fromAppointment', { id: `${appt.studentName} ${dayjs(appt.startsAt).format('YYYY-MM-DD HH:mm')}` }) : appointment.error ? errorMessage(appointment.error) : t('counselingRecords.form.fromAppointment', { id: '…' })}
              data-testid="session-from-appointment"
            />
          )}
          <Form.Item name="studentId" label={t('counselingRecords.form.student')} rules={[{ required: true, message: t('counselingRecords.form.required') }]}>
            <StudentPicker key={initialStudent?.id ?? 'none'} placeholder={t('counselingRecords.form.studentSearch')} testId="session-student" initial={initialStudent} />
          </Form.Item>
          <Space wrap size={16}>
            <Form.Item name="kind" label={t('counselingRecords.sessions.kind')} rules={req.slice(0, 1)}>
              <Select style={{ width: 140 }} options={SESSION_KINDS.map((k) => ({ value: k, label: t(`counselingRecords.kind.${k}`) }))} data-testid="session-kind" />
            </Form.Item>
            <Form.Item name="date" label={t('counselingRecords.sessions.date')} rules={[{ required: true, message: t('counselingRecords.form.required') }]}>
              <DatePicker disabledDate={(d) => d.isAfter(dayjs(), 'day')} data-testid="session-date" />
            </Form.Item>
            <Form.Item name="durationMinutes" label={t('counselingRecords.sessions.duration')} rules={[{ required: true, message: t('counselingRecords.form.required') }]}>
              <InputNumber min={5} max={480} precision={0} data-testid="session-duration" />
            </Form.Item>
          </Space>
          <Form.Item name="presentingConcern" label={t('counselingRecords.form.presentingConcern')} rules={req}>
            <Input.TextArea rows={3} maxLength={4000} data-testid="session-concern" />
          </Form.Item>
          <Form.Item name="assessment" label={t('counselingRecords.form.assessment')}>
            <Input.TextArea rows={3} maxLength={4000} data-testid="session-assessment" />
          </Form.Item>
          <Form.Item name="intervention" label={t('counselingRecords.form.intervention')}>
            <Input.TextArea rows={3} maxLength={4000} data-testid="session-intervention" />
          </Form.Item>
          <Form.Item name="riskLevel" label={t('counselingRecords.form.riskLevel')} rules={[{ required: true }]}>
            <Radio.Group optionType="button" options={SESSION_RISK_LEVELS.map((r) => ({ value: r, label: t(`counselingRecords.risk.${r}`) }))} data-testid="session-risk" />
          </Form.Item>
          <Form.Item name="nextStep" label={t('counselingRecords.form.nextStep')}>
            <Input.TextArea rows={2} maxLength={2000} data-testid="session-next" />
          </Form.Item>
          <Card size="small" title={t('counselingRecords.form.escalate')} style={{ marginBottom: 16, borderColor: risk && risk !== 'none' ? '#fa8c16' : undefined }}>
            <Form.Item name="escalate" style={{ marginBottom: 8 }}>
              <Radio.Group data-testid="session-escalate">
                <Space orientation="vertical">
                  <Radio value="none">{t('counselingRecords.form.escalateNone')}</Radio>
                  <Radio value="alert" disabled={risk === 'none'} data-testid="session-escalate-alert">{t('counselingRecords.form.escalateAlert')}</Radio>
                  <Radio value="crisis" disabled={risk === 'none'} data-testid="session-escalate-crisis">{t('counselingRecords.form.escalateCrisis')}</Radio>
                </Space>
              </Radio.Group>
            </Form.Item>
            <Typography.Text type="secondary">{t('counselingRecords.form.escalateHint')}</Typography.Text>
          </Card>
          {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} data-testid="session-error" />}
          <Button type="primary" htmlType="submit" loading={busy} data-testid="session-submit">{t('counselingRecords.form.submit')}</Button>
        </Form>
      </Card>
    </Space>
  );
}
