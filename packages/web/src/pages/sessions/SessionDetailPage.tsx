import { type ReactNode, useState } from 'react';
import { Alert, App, Button, Card, Collapse, Descriptions, Form, Input, Popconfirm, Radio, Space, Typography } from 'antd';
import { AuditOutlined, LockOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, ApiError, errorMessage } from '../../api/client';
import { useCan } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { fmtTime, RiskTag, SESSION_RISK_LEVELS } from './shared';
import type { SessionMeta, SessionNotes, SessionNotesOut } from './types';

/** The notes as read: the text fields, and the risk level when it is not shown elsewhere (earlier versions). */
function NotesView({ notes, withRisk, title, testId }: { notes: SessionNotes; withRisk?: boolean; title?: ReactNode; testId?: string }) {
  const { t } = useTranslation();
  const text = (f: 'presentingConcern' | 'assessment' | 'intervention' | 'nextStep') => (
    <Descriptions.Item key={f} label={t(`counselingRecords.form.${f}`)}><span style={{ whiteSpace: 'pre-wrap' }}>{notes[f]}</span></Descriptions.Item>
  );
  return (
    <Descriptions size="small" column={1} bordered title={title} data-testid={testId}>
      {text('presentingConcern')}
      {text('assessment')}
      {text('intervention')}
      {withRisk ? <Descriptions.Item label={t('counselingRecords.form.riskLevel')}><RiskTag risk={notes.riskLevel} /></Descriptions.Item> : null}
      {text('nextStep')}
    </Descriptions>
  );
}

/** One record: its notes for the author and the supervisors (each opening of this page is audited), amend, escalate. */
export default function SessionDetailPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const can = useCan();
  const { id = '' } = useParams();
  const { data, error, loading, reload } = useAsync((signal) => api.get<SessionNotesOut>(`/counseling/sessions/${id}/notes`, undefined, { signal }), [id]);
  const [saved, setSaved] = useState<SessionNotesOut | null>(null);
  const [editing, setEditing] = useState(false);
  const [form] = Form.useForm<SessionNotes>();
  const { busy, problem, send } = useSendOnce();
  const out = saved ?? data;

  if (loading && !out) return <Loading />;
  if (error && !out) {
    if (error instanceof ApiError && error.status === 404) return <Alert type="warning" showIcon icon={<LockOutlined />} title={t('counselingRecords.detail.noAccess')} data-testid="session-no-access" />;
    return <ErrorBox error={error} onRetry={reload} />;
  }
  if (!out) return null;
  const s = out.session;
  const n = out.notes;

  const amend = (v: SessionNotes) =>
    send(async () => {
      setSaved(await api.put<SessionNotesOut>(`/counseling/sessions/${id}/notes`, { notes: { ...v, assessment: v.assessment ?? '', intervention: v.intervention ?? '', nextStep: v.nextStep ?? '' } }));
      setEditing(false);
      void message.success(t('counselingRecords.detail.amended'));
    });
  const escalate = (kind: 'alert' | 'crisis') =>
    send(async () => {
      const meta = await api.post<SessionMeta>(`/counseling/sessions/${id}/escalate`, { escalate: kind });
      setSaved({ ...out, session: meta });
    }, errorMessage);

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%', maxWidth: 900 }} data-testid="session-detail-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t('counselingRecords.detail.title')}</Typography.Title>
      <Alert type="info" showIcon icon={<AuditOutlined />} title={t('counselingRecords.detail.audited')} data-testid="session-audited" />
      <Card size="small">
        <Descriptions size="small" column={2} bordered>
          <Descriptions.Item label={t('counselingRecords.sessions.student')}>{s.studentName}（{s.className}）</Descriptions.Item>
          <Descriptions.Item label={t('counselingRecords.sessions.date')}>{s.date}</Descriptions.Item>
          <Descriptions.Item label={t('counselingRecords.sessions.kind')}>{t(`counselingRecords.kind.${s.kind}`)}</Descriptions.Item>
          <Descriptions.Item label={t('counselingRecords.sessions.duration')}>{s.durationMinutes}</Descriptions.Item>
          <Descriptions.Item label={t('counselingRecords.sessions.counselor')}>{s.counselorName}</Descriptions.Item>
          <Descriptions.Item label={t('counselingRecords.detail.updatedAt')}>{fmtTime(s.updatedAt)}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card
        size="small"
        title={<><LockOutlined /> {t('counselingRecords.form.riskLevel')}：<RiskTag risk={n.riskLevel} /></>}
        extra={s.mine && can('session.write') && !editing && <Button onClick={() => { form.setFieldsValue(n); setEditing(true); }} data-testid="session-amend">{t('counselingRecords.detail.amend')}</Button>}
      >
        {editing ? (
          <Form<SessionNotes> form={form} layout="vertical" disabled={busy} onFinish={(v) => void amend(v)} data-testid="session-amend-form">
            <Form.Item name="presentingConcern" label={t('counselingRecords.form.presentingConcern')} rules={[{ required: true, whitespace: true, message: t('counselingRecords.form.required') }]}><Input.TextArea rows={3} /></Form.Item>
            <Form.Item name="assessment" label={t('counselingRecords.form.assessment')}><Input.TextArea rows={3} /></Form.Item>
            <Form.Item name="intervention" label={t('counselingRecords.form.intervention')}><Input.TextArea rows={3} /></Form.Item>
            <Form.Item name="riskLevel" label={t('counselingRecords.form.riskLevel')}>
              <Radio.Group optionType="button" options={SESSION_RISK_LEVELS.map((r) => ({ value: r, label: t(`counselingRecords.risk.${r}`) }))} />
            </Form.Item>
            <Form.Item name="nextStep" label={t('counselingRecords.form.nextStep')}><Input.TextArea rows={2} /></Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" loading={busy} data-testid="session-amend-save">{t('counselingRecords.detail.amendSave')}</Button>
              <Button onClick={() => setEditing(false)}>{t('counselingRecords.detail.cancel')}</Button>
            </Space>
          </Form>
        ) : (
          <NotesView notes={n} testId="session-notes" />
        )}
      </Card>
      {out.earlierVersions.length > 0 && (
        <Collapse
          size="small"
          data-testid="session-earlier"
          items={[{
            key: 'earlier',
            label: t('counselingRecords.detail.earlier', { n: out.earlierVersions.length }),
            children: (
              <Space orientation="vertical" style={{ width: '100%' }}>
                {out.earlierVersions.map((v) => (
                  <NotesView key={v.replacedAt} notes={v.notes} withRisk title={<Typography.Text type="secondary" style={{ fontWeight: 'normal' }}>{t('counselingRecords.detail.replaced', { time: fmtTime(v.replacedAt), name: v.replacedByName })}</Typography.Text>} />
                ))}
              </Space>
            ),
          }]}
        />
      )}
      <Card size="small" title={t('counselingRecords.detail.escalateTitle')}>
        <Space wrap>
          {s.alertId ? <Link to={`/alerts/${s.alertId}`} data-testid="session-alert-link">{t('counselingRecords.detail.alertLink')}</Link> : (
            <Popconfirm title={t('counselingRecords.form.escalateAlert')} onConfirm={() => void escalate('alert')} disabled={n.riskLevel === 'none'}>
              <Button disabled={n.riskLevel === 'none' || busy} data-testid="session-to-alert">{t('counselingRecords.detail.toAlert')}</Button>
            </Popconfirm>
          )}
          {s.crisisCaseId ? <Link to={`/crisis/${s.crisisCaseId}`} data-testid="session-crisis-link">{t('counselingRecords.detail.crisisLink')}</Link> : (
            <Popconfirm title={t('counselingRecords.form.escalateCrisis')} onConfirm={() => void escalate('crisis')} disabled={n.riskLevel === 'none'}>
              <Button danger disabled={n.riskLevel === 'none' || busy} data-testid="session-to-crisis">{t('counselingRecords.detail.toCrisis')}</Button>
            </Popconfirm>
          )}
        </Space>
        <div><Typography.Text type="secondary">{t('counselingRecords.form.escalateHint')}</Typography.Text></div>
        {problem && <Alert type="error" showIcon title={problem} style={{ marginTop: 8 }} data-testid="session-detail-error" />}
      </Card>
    </Space>
  );
}
