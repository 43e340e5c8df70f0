// The clinician's phone pages: the referrals sent to their institution (only what is shared), and one
// referral with its steps: accept or decline, 已就诊, and the feedback with return-to-school advice.
import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Empty, Form, Input, InputNumber, Modal, Radio, Segmented, Space, Typography } from 'antd';
import { LeftOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api } from '../../api/client';
import { applyFormErrors } from '../../app/formErrors';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { fmt, SeverityTag, StatusTag } from './shared';
import type { ClinicReferral, Items, ReferralFeedback } from './types';

type Tab = 'pending' | 'active' | 'done';

export function ClinicListPage() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>('pending');
  const { data, error, loading, reload } = useAsync((signal) => api.get<Items<ClinicReferral>>('/clinic/referrals', { status: tab }, { signal }), [tab]);
  return (
    <div data-testid="clinic-list">
      <Typography.Title level={4} style={{ marginTop: 0 }}>{t('referral.clinic.title')}</Typography.Title>
      <Segmented<Tab> block value={tab} onChange={setTab} options={(['pending', 'active', 'done'] as const).map((k) => ({ value: k, label: t(`referral.clinic.${k}`) }))} data-testid="clinic-tabs" />
      <div style={{ marginTop: 12 }}>
        {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
        {loading && !data && <Loading />}
        {data && data.items.length === 0 && <Empty description={t('referral.clinic.empty')} />}
        <Space orientation="vertical" size={10} style={{ width: '100%' }}>
          {data?.items.map((r) => (
            <Link key={r.id} to={`/m/referrals/${r.id}`} data-testid="clinic-item">
              <Card size="small" hoverable>
                <Space wrap size={4} style={{ marginBottom: 4 }}>
                  <strong>{r.shared.name}</strong>
                  <span>{t(`referral.gender.${r.shared.gender}`)} · {r.shared.age}</span>
                  <SeverityTag severity={r.severity} />
                  <StatusTag status={r.status} />
                </Space>
                <div className="xy-break" style={{ color: '#666', fontSize: 13 }}>{r.shared.school} {r.shared.className}</div>
                {r.status === 'sent' && <div style={{ fontSize: 12, color: '#cf1322' }}>{t('referral.clinic.acceptBy')} {fmt(r.acceptBy)}</div>}
              </Card>
            </Link>
          ))}
        </Space>
      </div>
    </div>
  );
}

function FeedbackForm({ id, onDone }: { id: string; onDone: (r: ClinicReferral) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ReferralFeedback & { returnFrom: string | null }>();
  const { busy, problem, send } = useSendOnce();
  const mayReturn = Form.useWatch('mayReturn', form);
  const submit = (v: ReferralFeedback) =>
    void send(async () => onDone(await api.post<ClinicReferral>(`/clinic/referrals/${id}/feedback`, {
      advice: v.advice,
      mayReturn: v.mayReturn,
      returnFrom: v.mayReturn ? v.returnFrom || null : null,
      followUpDays: v.followUpDays ?? null,
      notes: v.notes ?? '',
    })), (e) => applyFormErrors(form, e, ['advice', 'returnFrom', 'followUpDays', 'notes']));
  return (
    <Card size="small" title={t('referral.clinic.feedback')} data-testid="clinic-feedback-form">
      <Form form={form} layout="vertical" onFinish={submit} disabled={busy} initialValues={{ mayReturn: true }}>
        <Form.Item name="advice" label={t('referral.detail.advice')} rules={[{ required: true, whitespace: true, message: t('referral.form.required') }]}>
          <Input.TextArea rows={4} maxLength={2000} data-testid="clinic-advice" />
        </Form.Item>
        <Form.Item name="mayReturn" label={t('referral.detail.mayReturn')}>
          <Radio.Group>
            <Radio value={true} data-testid="clinic-may-return">{t('referral.clinic.mayReturnYes')}</Radio>
            <Radio value={false} data-testid="clinic-may-not-return">{t('referral.clinic.mayReturnNo')}</Radio>
          </Radio.Group>
        </Form.Item>
        {mayReturn !== false && (
          <Form.Item name="returnFrom" label={t('referral.detail.returnFrom')} rules={[{ required: true, message: t('referral.form.required') }]}>
            <Input type="date" data-testid="clinic-return-from" />
          </Form.Item>
        )}
        <Form.Item name="followUpDays" label={t('referral.detail.followUpDays')}>
          <InputNumber min={1} max={365} style={{ width: '100%' }} inputMode="numeric" data-testid="clinic-follow-up" />
        </Form.Item>
        <Form.Item name="notes" label={t('referral.detail.notes')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="clinic-feedback-submit">{t('referral.clinic.sendFeedback')}</Button>
      </Form>
    </Card>
  );
}

export function ClinicDetailPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { data, error, loading, reload } = useAsync((signal) => api.get<ClinicReferral>(`/clinic/referrals/${id}`, undefined, { signal }), [id]);
  const [current, setCurrent] = useState<ClinicReferral | null>(null);
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState('');
  const { busy, problem, send } = useSendOnce();
  const r = current?.id === id ? current : data;
  if (error !== undefined) return <ErrorBox error={error} onRetry={reload} />;
  if (loading && !r) return <Loading />;
  if (!r) return null;
  const step = (path: string, body?: unknown) => void send(async () => setCurrent(await api.post<ClinicReferral>(`/clinic/referrals/${id}/${path}`, body)));
  return (
    <div data-testid="clinic-detail">
      <Link to="/m/referrals"><LeftOutlined /> {t('referral.clinic.back')}</Link>
      <Card size="small" style={{ marginTop: 8 }} title={<Space wrap size={4}><span>{r.shared.name}</span><SeverityTag severity={r.severity} /><StatusTag status={r.status} /></Space>}>
        <Descriptions size="small" column={1} items={[
          { key: 'g', label: t('referral.detail.genderAge'), children: `${t(`referral.gender.${r.shared.gender}`)} · ${r.shared.age}` },
          { key: 's', label: t('referral.clinic.from'), children: <span className="xy-break">{r.shared.school} {r.shared.className}</span> },
          { key: 'r', label: t('referral.clinic.reason'), children: <span className="xy-break" style={{ whiteSpace: 'pre-wrap' }} data-testid="clinic-reason">{r.shared.reason}</span> },
          { key: 'p', label: t('referral.clinic.guardian'), children: <span>{r.shared.guardian.name}（{r.shared.guardian.relation}）{r.shared.guardian.phone && <a href={`tel:${r.shared.guardian.phone}`}> {r.shared.guardian.phone}</a>}</span> },
          { key: 't', label: t('referral.clinic.sentAt'), children: fmt(r.sentAt) },
          ...(r.status === 'sent' ? [{ key: 'a', label: t('referral.clinic.acceptBy'), children: fmt(r.acceptBy) }] : []),
          ...(r.clinicianName ? [{ key: 'c', label: t('referral.detail.clinician'), children: r.clinicianName }] : []),
          ...(r.declineReason ? [{ key: 'd', label: t('referral.detail.declineReason'), children: r.declineReason }] : []),
        ]} />
      </Card>
      {problem && <Alert type="error" showIcon title={problem} style={{ marginTop: 12 }} />}
      {(r.can.accept || r.can.decline) && (
        <Space style={{ width: '100%', marginTop: 12 }} orientation="vertical">
          <Button type="primary" block size="large" loading={busy} onClick={() => step('accept')} data-testid="clinic-accept">{t('referral.clinic.accept')}</Button>
          <Button block danger onClick={() => setDeclining(true)} data-testid="clinic-decline">{t('referral.clinic.decline')}</Button>
        </Space>
      )}
      {r.can.seen && (
        <Button type="primary" block size="large" style={{ marginTop: 12 }} loading={busy}
          onClick={() => Modal.confirm({ title: t('referral.clinic.seenConfirm'), okText: t('referral.detail.confirm'), cancelText: t('referral.detail.cancel'), onOk: () => step('seen', {}) })}
          data-testid="clinic-seen">{t('referral.clinic.seen')}</Button>
      )}
      {!r.mine && r.clinicianName && r.status !== 'sent' && r.status !== 'declined' && <Alert style={{ marginTop: 12 }} type="info" title={t('referral.clinic.byOther', { name: r.clinicianName })} />}
      {r.can.feedback && <div style={{ marginTop: 12 }}><FeedbackForm id={id} onDone={setCurrent} /></div>}
      {r.feedback && (
        <Card size="small" style={{ marginTop: 12 }} title={t('referral.clinic.yourFeedback')} data-testid="clinic-feedback-sent">
          <Descriptions size="small" column={1} items={[
            { key: 'a', label: t('referral.detail.advice'), children: <span style={{ whiteSpace: 'pre-wrap' }}>{r.feedback.advice}</span> },
            { key: 'm', label: t('referral.detail.mayReturn'), children: r.feedback.mayReturn ? `${t('referral.detail.yes')} · ${r.feedback.returnFrom ?? ''}` : t('referral.detail.no') },
            { key: 'f', label: t('referral.detail.followUpDays'), children: r.feedback.followUpDays ?? '—' },
            ...(r.feedback.notes ? [{ key: 'n', label: t('referral.detail.notes'), children: r.feedback.notes }] : []),
          ]} />
        </Card>
      )}
      <Modal open={declining} title={t('referral.clinic.decline')} okText={t('referral.detail.confirm')} cancelText={t('referral.detail.cancel')} confirmLoading={busy}
        okButtonProps={{ disabled: !reason.trim(), 'data-testid': 'clinic-decline-submit' } as never}
        onCancel={() => setDeclining(false)}
        onOk={() => void send(async () => { setCurrent(await api.post<ClinicReferral>(`/clinic/referrals/${id}/decline`, { reason: reason.trim() })); setDeclining(false); })}>
        <Input.TextArea rows={3} maxLength={1000} placeholder={t('referral.clinic.declineReason')} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="clinic-decline-reason" />
      </Modal>
    </div>
  );
}
