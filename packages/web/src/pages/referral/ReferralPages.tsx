// The school's desktop pages of the green channel: the list, a new referral (with the guardian's
// consent), and a referral's detail with its history, closing, re-sending and the return plan.
import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Checkbox, Col, Descriptions, Empty, Form, Input, Modal, Radio, Row, Select, Space, Table, Timeline, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api } from '../../api/client';
import { applyFormErrors } from '../../app/formErrors';
import { useCan } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { uuid as newUuid } from '../../app/uuid';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { StudentPicker } from '../warning/RaiseAlertModal';
import { DeadlineTags, fmt, SEVERITIES, SeverityTag, StatusTag } from './shared';
import type { Institution, Items, Paged, Referral, ReferralContext, ReferralDetail } from './types';

const STATUS_FILTERS = ['open', 'sent', 'accepted', 'declined', 'seen', 'feedback', 'closed'] as const;

export function useInstitutions(activeOnly = true) {
  const r = useAsync((signal) => api.get<Items<Institution>>('/institutions', undefined, { signal }), []);
  return { ...r, items: (r.data?.items ?? []).filter((i) => !activeOnly || i.active) };
}

export function referralColumns(t: TFunction): ColumnsType<Referral> {
  return [
    { title: t('referral.list.student'), key: 's', render: (_, r) => <Link to={`/referrals/${r.id}`} data-testid="referral-row-link">{r.studentName}<span style={{ color: '#888', marginLeft: 6 }}>{r.className}</span></Link> },
    { title: t('referral.list.institution'), dataIndex: 'institutionName' },
    { title: t('referral.list.severity'), key: 'sev', render: (_, r) => <SeverityTag severity={r.severity} /> },
    { title: t('referral.list.status'), key: 'st', render: (_, r) => <Space size={0} wrap><StatusTag status={r.status} /><DeadlineTags overdue={r.overdue} escalatedAt={r.escalatedAt} /></Space> },
    { title: t('referral.list.sentAt'), key: 'at', render: (_, r) => fmt(r.sentAt) },
    { title: t('referral.list.acceptBy'), key: 'by', render: (_, r) => (r.status === 'sent' ? fmt(r.acceptBy) : '—') },
  ];
}

export function ReferralListPage() {
  const { t } = useTranslation();
  const can = useCan();
  const [status, setStatus] = useState<(typeof STATUS_FILTERS)[number]>('open');
  const [overdue, setOverdue] = useState(false);
  const [page, setPage] = useState(1);
  const { data, error, loading, reload } = useAsync((signal) => api.get<Paged<Referral>>('/referrals', { status, overdue: overdue ? 'true' : undefined, page, pageSize: 20 }, { signal }), [status, overdue, page]);
  return (
    <Card title={t('referral.list.title')} extra={can('crisis.manage') && <Link to="/referrals/new"><Button type="primary" icon={<PlusOutlined />} data-testid="referral-new">{t('referral.list.new')}</Button></Link>}>
      <Space style={{ marginBottom: 12 }} wrap>
        <Select value={status} style={{ width: 140 }} onChange={(v) => { setStatus(v); setPage(1); }} options={STATUS_FILTERS.map((s) => ({ value: s, label: t(`referral.status.${s}`) }))} data-testid="referral-status-filter" />
        <Checkbox checked={overdue} onChange={(e) => { setOverdue(e.target.checked); setPage(1); }}>{t('referral.list.onlyOverdue')}</Checkbox>
      </Space>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<Referral> rowKey="id" size="middle" loading={loading} dataSource={data?.items ?? []} columns={referralColumns(t)} locale={{ emptyText: t('referral.list.empty') }}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false }} data-testid="referral-table" />
    </Card>
  );
}

interface FormValues {
  studentId: string;
  institutionId: string;
  severity: 'mild' | 'moderate' | 'severe';
  reason: string;
  guardianId: string;
  guardianName: string;
  relation: string;
  phone?: string;
  method: 'in_person' | 'phone' | 'paper' | 'online';
  at: string;
}
const OTHER = '__other';
const FIELD_ALIAS = (n: string) => ({ 'consent.at': 'at', consent: 'guardianId', 'consent.guardianId': 'guardianId', 'consent.guardianName': 'guardianName', 'consent.relation': 'relation' } as Record<string, string>)[n] ?? n;

export function NewReferralPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [form] = Form.useForm<FormValues>();
  const [clientId] = useState(newUuid);
  const { busy, problem, send } = useSendOnce();
  const institutions = useInstitutions();
  const studentId = Form.useWatch('studentId', form) ?? params.get('studentId') ?? undefined;
  const guardianId = Form.useWatch('guardianId', form);
  const [ctx, setCtx] = useState<ReferralContext | null>(null);
  const caseId = params.get('caseId') ?? ctx?.openCaseId ?? null;
  useEffect(() => {
    if (!studentId) return;
    const ctrl = new AbortController();
    api.get<ReferralContext>(`/referrals/students/${studentId}`, undefined, { signal: ctrl.signal }).then((c) => {
      setCtx(c);
      const g = c.guardians[0];
      if (g) form.setFieldsValue({ guardianId: g.id });
    }).catch(() => setCtx(null));
    return () => ctrl.abort();
  }, [studentId, form]);
  const submit = (v: FormValues) => {
    const g = ctx?.guardians.find((x) => x.id === v.guardianId);
    void send(async () => {
      const r = await api.post<ReferralDetail>('/referrals', {
        studentId: v.studentId,
        institutionId: v.institutionId,
        severity: v.severity,
        reason: v.reason.trim(),
        ...(caseId ? { caseId } : {}),
        consent: {
          ...(g ? { guardianId: g.id, guardianName: g.name, relation: g.relation } : { guardianName: v.guardianName, relation: v.relation, phone: v.phone || undefined }),
          method: v.method,
          at: new Date(v.at).toISOString(),
        },
        clientId,
      });
      void navigate(`/referrals/${r.id}`);
    }, (e) => applyFormErrors(form, e, ['studentId', 'institutionId', 'severity', 'reason', 'guardianId', 'guardianName', 'relation', 'at'], FIELD_ALIAS));
  };
  return (
    <Card title={t('referral.form.title')} style={{ maxWidth: 860 }}>
      <Form form={form} layout="vertical" onFinish={submit} disabled={busy} data-testid="referral-form"
        initialValues={{ studentId: params.get('studentId') ?? undefined, severity: 'moderate', method: 'in_person', at: dayjs().format('YYYY-MM-DDTHH:mm') }}>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="studentId" label={t('referral.form.student')} rules={[{ required: true, message: t('referral.form.required') }]}>
              <StudentPicker testId="referral-student" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="institutionId" label={t('referral.form.institution')} rules={[{ required: true, message: t('referral.form.required') }]}>
              <Select loading={institutions.loading} options={institutions.items.map((i) => ({ value: i.id, label: `${i.name}（${t(`referral.kind.${i.kind}`)} · ${i.acceptHours}h）` }))} data-testid="referral-institution" />
            </Form.Item>
          </Col>
        </Row>
        {caseId && <Alert type="info" showIcon style={{ marginBottom: 12 }} title={<span>{t('referral.form.caseLinked')}：<Link to={`/crisis/${caseId}`}>{caseId.slice(0, 8)}</Link></span>} />}
        <Form.Item name="severity" label={t('referral.form.severity')}>
          <Radio.Group>{SEVERITIES.map((s) => <Radio key={s} value={s} data-testid={`referral-severity-${s}`}>{t(`referral.severity.${s}`)}</Radio>)}</Radio.Group>
        </Form.Item>
        <Form.Item name="reason" label={t('referral.form.reason')} extra={t('referral.form.reasonHint')} rules={[{ required: true, whitespace: true, message: t('referral.form.required') }]}>
          <Input.TextArea rows={4} maxLength={2000} data-testid="referral-reason" />
        </Form.Item>
        <Card size="small" type="inner" title={t('referral.form.consent')} style={{ marginBottom: 16 }}>
          <Typography.Paragraph type="secondary">{t('referral.form.consentHint')}</Typography.Paragraph>
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Form.Item name="guardianId" label={t('referral.form.guardian')} rules={[{ required: true, message: t('referral.form.required') }]}>
                <Select options={[...(ctx?.guardians ?? []).map((g) => ({ value: g.id, label: `${g.name}（${g.relation}）${g.phone ?? ''}` })), { value: OTHER, label: t('referral.form.guardianOther') }]} data-testid="referral-guardian" />
              </Form.Item>
            </Col>
            {guardianId === OTHER && (
              <>
                <Col xs={12} md={4}><Form.Item name="guardianName" label={t('referral.form.guardianName')} rules={[{ required: true, whitespace: true, message: t('referral.form.required') }]}><Input maxLength={30} /></Form.Item></Col>
                <Col xs={12} md={4}><Form.Item name="relation" label={t('referral.form.relation')} rules={[{ required: true, whitespace: true, message: t('referral.form.required') }]}><Input maxLength={20} /></Form.Item></Col>
                <Col xs={24} md={4}><Form.Item name="phone" label={t('referral.form.phone')}><Input maxLength={40} /></Form.Item></Col>
              </>
            )}
          </Row>
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Form.Item name="method" label={t('referral.form.consentMethod')}>
                <Radio.Group>{(['in_person', 'phone', 'paper', 'online'] as const).map((m) => <Radio key={m} value={m}>{t(`referral.method.${m}`)}</Radio>)}</Radio.Group>
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name="at" label={t('referral.form.consentAt')} rules={[{ required: true, message: t('referral.form.required') }]}>
                <Input type="datetime-local" data-testid="referral-consent-at" />
              </Form.Item>
            </Col>
          </Row>
        </Card>
        {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
        <Button type="primary" htmlType="submit" loading={busy} data-testid="referral-submit">{t('referral.form.submit')}</Button>
      </Form>
    </Card>
  );
}

export function ReferralDetailPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { data, error, loading, reload } = useAsync((signal) => api.get<ReferralDetail>(`/referrals/${id}`, undefined, { signal }), [id]);
  const [current, setCurrent] = useState<ReferralDetail | null>(null);
  const [dialog, setDialog] = useState<'close' | 'resend' | null>(null);
  const [note, setNote] = useState('');
  const [target, setTarget] = useState<string | undefined>();
  const { busy, problem, send } = useSendOnce();
  const institutions = useInstitutions();
  const r = current?.id === id ? current : data;
  if (error !== undefined) return <ErrorBox error={error} onRetry={reload} />;
  if (loading && !r) return <Loading />;
  if (!r) return null;
  const act = () => void send(async () => {
    setCurrent(dialog === 'close' ? await api.post<ReferralDetail>(`/referrals/${id}/close`, { note: note.trim() }) : await api.post<ReferralDetail>(`/referrals/${id}/resend`, { institutionId: target }));
    setDialog(null);
  });
  const f = r.feedback;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="referral-detail">
      <Card
        title={<Space wrap><span>{t('referral.detail.title')}</span><span>{r.studentName}</span><StatusTag status={r.status} /><SeverityTag severity={r.severity} /><DeadlineTags overdue={r.overdue} escalatedAt={r.escalatedAt} /></Space>}
        extra={
          <Space wrap>
            {r.can.resend && <Button onClick={() => setDialog('resend')} data-testid="referral-resend">{t('referral.detail.resend')}</Button>}
            {r.can.close && <Button onClick={() => setDialog('close')} data-testid="referral-close">{t('referral.detail.close')}</Button>}
            {r.can.returnPlan && <Button type="primary" onClick={() => navigate(`/returns/new?referralId=${r.id}&studentId=${r.studentId}${r.caseId ? `&caseId=${r.caseId}` : ''}`)} data-testid="referral-return-plan">{t('referral.detail.returnPlan')}</Button>}
            {r.returnPlanId && <Link to={`/returns/${r.returnPlanId}`}>{t('referral.detail.viewPlan')}</Link>}
          </Space>
        }
      >
        <Descriptions size="small" column={{ xs: 1, md: 2 }} items={[
          { key: 'i', label: t('referral.list.institution'), children: r.institutionName },
          { key: 'c', label: t('referral.detail.clinician'), children: r.clinicianName ?? '—' },
          { key: 's', label: t('referral.list.sentAt'), children: `${fmt(r.sentAt)} · ${r.sentByName}` },
          { key: 'a', label: t('referral.deadline'), children: fmt(r.acceptBy) },
          ...(r.caseId ? [{ key: 'k', label: t('referral.detail.case'), children: <Link to={`/crisis/${r.caseId}`}>{r.caseId.slice(0, 8)}</Link> }] : []),
          ...(r.declineReason ? [{ key: 'd', label: t('referral.detail.declineReason'), children: r.declineReason }] : []),
        ]} />
      </Card>
      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('referral.detail.shared')} data-testid="referral-shared">
            <Descriptions size="small" column={1} items={[
              { key: 'n', label: t('referral.list.student'), children: `${r.shared.name} · ${t(`referral.gender.${r.shared.gender}`)} · ${r.shared.age}` },
              { key: 's', label: t('referral.detail.school'), children: `${r.shared.school} ${r.shared.className}` },
              { key: 'r', label: t('referral.clinic.reason'), children: <span style={{ whiteSpace: 'pre-wrap' }}>{r.shared.reason}</span> },
              { key: 'g', label: t('referral.clinic.guardian'), children: `${r.shared.guardian.name}（${r.shared.guardian.relation}）${r.shared.guardian.phone ?? ''}` },
            ]} />
          </Card>
          <Card size="small" title={t('referral.detail.consent')} style={{ marginTop: 16 }}>
            <Descriptions size="small" column={1} items={[
              { key: 'g', label: t('referral.form.guardian'), children: `${r.consent.guardianName}（${r.consent.relation}）` },
              { key: 'm', label: t('referral.form.consentMethod'), children: t(`referral.method.${r.consent.method}`) },
              { key: 'a', label: t('referral.form.consentAt'), children: fmt(r.consent.at) },
              { key: 'b', label: t('referral.detail.recordedBy'), children: r.consent.recordedByName },
            ]} />
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title={t('referral.detail.feedback')} data-testid="referral-feedback">
            {f ? (
              <Descriptions size="small" column={1} items={[
                { key: 'a', label: t('referral.detail.advice'), children: <span style={{ whiteSpace: 'pre-wrap' }}>{f.advice}</span> },
                { key: 'm', label: t('referral.detail.mayReturn'), children: f.mayReturn ? `${t('referral.detail.yes')}（${t('referral.detail.returnFrom')} ${f.returnFrom ?? '—'}）` : t('referral.detail.no') },
                { key: 'f', label: t('referral.detail.followUpDays'), children: f.followUpDays ?? '—' },
                ...(f.notes ? [{ key: 'n', label: t('referral.detail.notes'), children: f.notes }] : []),
              ]} />
            ) : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />}
          </Card>
          <Card size="small" title={t('referral.detail.events')} style={{ marginTop: 16 }}>
            <Timeline items={r.events.map((e) => ({ content: <span>{fmt(e.at)} · {t(`referral.events.${e.kind}` as never, { defaultValue: e.kind })}{e.actorName ? ` · ${e.actorName}` : ''}{typeof e.detail.reason === 'string' ? `：${e.detail.reason}` : ''}{typeof e.detail.institution === 'string' && e.kind !== 'sent' ? `：${e.detail.institution}` : ''}</span> }))} />
          </Card>
        </Col>
      </Row>
      {problem && <Alert type="error" showIcon title={problem} />}
      <Modal open={dialog !== null} title={dialog === 'close' ? t('referral.detail.close') : t('referral.detail.resend')} okText={t('referral.detail.confirm')} cancelText={t('referral.detail.cancel')}
        confirmLoading={busy} onCancel={() => setDialog(null)} onOk={act} okButtonProps={{ disabled: dialog === 'resend' && !target, 'data-testid': 'referral-dialog-ok' } as never}>
        {dialog === 'close' ? (
          <Input.TextArea rows={3} maxLength={1000} placeholder={t('referral.detail.closeNote')} value={note} onChange={(e) => setNote(e.target.value)} />
        ) : (
          <Select style={{ width: '100%' }} placeholder={t('referral.detail.resendTo')} value={target} onChange={setTarget} options={institutions.items.filter((i) => i.id !== r.institutionId).map((i) => ({ value: i.id, label: i.name }))} />
        )}
      </Modal>
    </Space>
  );
}
