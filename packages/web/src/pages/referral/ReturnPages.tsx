// 愈后复学: the list of return plans, a new plan (from a referral's feedback or directly), and a plan
// with its weekly follow-ups and closure.
import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Checkbox, Col, Descriptions, Form, Input, InputNumber, Modal, Row, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api } from '../../api/client';
import { applyFormErrors } from '../../app/formErrors';
import { useAsync } from '../../app/useAsync';
import { useSendOnce, useSendOnceFor } from '../../app/useSendOnce';
import { uuid as newUuid } from '../../app/uuid';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { StudentPicker } from '../warning/RaiseAlertModal';
import { fmt } from './shared';
import type { Paged, ReferralDetail, ReturnPlan, ReturnPlanDetail } from './types';

export function ReturnStatusTag({ p }: { p: Pick<ReturnPlan, 'status' | 'overdue'> }) {
  const { t } = useTranslation();
  return (
    <>
      <Tag color={p.status === 'active' ? 'blue' : 'default'}>{t(`referral.returns.status.${p.status}`)}</Tag>
      {p.overdue && <Tag color="red">{t('referral.returns.overdue')}</Tag>}
    </>
  );
}

export function returnColumns(t: TFunction): ColumnsType<ReturnPlan> {
  return [
    { title: t('referral.returns.student'), key: 's', render: (_, p) => <Link to={`/returns/${p.id}`} data-testid="return-row-link">{p.studentName}<span style={{ color: '#888', marginLeft: 6 }}>{p.className}</span></Link> },
    { title: t('referral.returns.returnDate'), dataIndex: 'returnDate' },
    { title: t('referral.returns.progress'), key: 'p', render: (_, p) => `${p.done} / ${p.followUpWeeks}` },
    { title: t('referral.returns.nextDue'), key: 'n', render: (_, p) => p.nextDue ?? '—' },
    { title: '', key: 'st', render: (_, p) => <ReturnStatusTag p={p} /> },
  ];
}

export function ReturnListPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<'active' | 'closed'>('active');
  const [page, setPage] = useState(1);
  const { data, error, loading, reload } = useAsync((signal) => api.get<Paged<ReturnPlan>>('/returns', { status, page, pageSize: 20 }, { signal }), [status, page]);
  return (
    <Card title={t('referral.returns.title')} extra={<Link to="/returns/new"><Button type="primary" data-testid="return-new">{t('referral.returns.new')}</Button></Link>}>
      <Select value={status} onChange={(v) => { setStatus(v); setPage(1); }} style={{ width: 140, marginBottom: 12 }} options={(['active', 'closed'] as const).map((s) => ({ value: s, label: t(`referral.returns.status.${s}`) }))} />
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<ReturnPlan> rowKey="id" loading={loading} dataSource={data?.items ?? []} columns={returnColumns(t)} locale={{ emptyText: t('referral.returns.empty') }}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false }} data-testid="return-table" />
    </Card>
  );
}

interface PlanForm {
  studentId: string;
  certNumber?: string;
  certDate?: string;
  certText?: string;
  assessDate: string;
  assessBy: string;
  findings: string;
  ready: boolean;
  adjClass?: string;
  adjExams?: string;
  adjWorkload?: string;
  adjCareTeacher?: string;
  adjCounseling?: string;
  returnDate: string;
  followUpWeeks: number;
}
const ALIAS = (n: string) => ({ 'assessment.date': 'assessDate', 'assessment.by': 'assessBy', 'assessment.findings': 'findings', followUpWeeks: 'followUpWeeks', returnDate: 'returnDate', studentId: 'studentId' } as Record<string, string>)[n];

export function NewReturnPlanPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const referralId = params.get('referralId');
  const caseId = params.get('caseId');
  const [form] = Form.useForm<PlanForm>();
  const [clientId] = useState(newUuid);
  const { busy, problem, send } = useSendOnce();
  // prefill from the referral's feedback
  useEffect(() => {
    if (!referralId) return;
    const ctrl = new AbortController();
    api.get<ReferralDetail>(`/referrals/${referralId}`, undefined, { signal: ctrl.signal }).then((r) => {
      const f = r.feedback;
      form.setFieldsValue({
        studentId: r.studentId,
        certText: f ? `${r.institutionName}：${f.advice}${f.notes ? `；${f.notes}` : ''}` : '',
        certDate: r.feedbackAt ? dayjs(r.feedbackAt).format('YYYY-MM-DD') : undefined,
        ...(f?.returnFrom ? { returnDate: f.returnFrom } : {}),
        ...(f?.followUpDays ? { adjCounseling: `${f.followUpDays} 天复诊` } : {}),
      });
    }).catch(() => undefined);
    return () => ctrl.abort();
  }, [referralId, form]);
  const submit = (v: PlanForm) => void send(async () => {
    const cert = v.certNumber || v.certDate || v.certText ? { number: v.certNumber ?? '', date: v.certDate || null, text: v.certText ?? '' } : null;
    const p = await api.post<ReturnPlanDetail>('/returns', {
      studentId: v.studentId,
      ...(referralId ? { referralId } : {}),
      ...(caseId ? { caseId } : {}),
      certificate: cert,
      assessment: { date: v.assessDate, by: v.assessBy, findings: v.findings, ready: v.ready },
      adjustments: { class: v.adjClass ?? '', exams: v.adjExams ?? '', workload: v.adjWorkload ?? '', careTeacher: v.adjCareTeacher ?? '', counseling: v.adjCounseling ?? '' },
      returnDate: v.returnDate,
      followUpWeeks: v.followUpWeeks,
      clientId,
    });
    void navigate(`/returns/${p.id}`);
  }, (e) => applyFormErrors(form, e, ['studentId', 'assessDate', 'assessBy', 'findings', 'returnDate', 'followUpWeeks'], ALIAS));
  const req = [{ required: true, whitespace: true, message: t('referral.form.required') }];
  return (
    <Card title={t('referral.returns.new')} style={{ maxWidth: 900 }}>
      {referralId && <Alert type="info" style={{ marginBottom: 12 }} title={<span>{t('referral.returns.fromReferral')}：<Link to={`/referrals/${referralId}`}>{referralId.slice(0, 8)}</Link></span>} />}
      <Form form={form} layout="vertical" onFinish={submit} disabled={busy} data-testid="return-form"
        initialValues={{ studentId: params.get('studentId') ?? undefined, ready: true, followUpWeeks: 4, assessDate: dayjs().format('YYYY-MM-DD'), returnDate: dayjs().add(1, 'day').format('YYYY-MM-DD') }}>
        <Form.Item name="studentId" label={t('referral.returns.student')} rules={[{ required: true, message: t('referral.form.required') }]}>
          <StudentPicker testId="return-student" />
        </Form.Item>
        <Typography.Title level={5}>{t('referral.returns.certificate')}</Typography.Title>
        <Row gutter={16}>
          <Col xs={12} md={6}><Form.Item name="certNumber" label={t('referral.returns.certNumber')}><Input maxLength={60} /></Form.Item></Col>
          <Col xs={12} md={6}><Form.Item name="certDate" label={t('referral.returns.certDate')}><Input type="date" /></Form.Item></Col>
          <Col xs={24} md={12}><Form.Item name="certText" label={t('referral.returns.certText')}><Input.TextArea rows={2} maxLength={2000} /></Form.Item></Col>
        </Row>
        <Typography.Title level={5}>{t('referral.returns.assessment')}</Typography.Title>
        <Row gutter={16}>
          <Col xs={12} md={6}><Form.Item name="assessDate" label={t('referral.returns.assessDate')} rules={req}><Input type="date" data-testid="return-assess-date" /></Form.Item></Col>
          <Col xs={12} md={6}><Form.Item name="assessBy" label={t('referral.returns.assessBy')} rules={req}><Input maxLength={60} data-testid="return-assess-by" /></Form.Item></Col>
          <Col xs={24} md={12}><Form.Item name="findings" label={t('referral.returns.findings')} rules={req}><Input.TextArea rows={2} maxLength={2000} data-testid="return-findings" /></Form.Item></Col>
        </Row>
        <Form.Item name="ready" valuePropName="checked"><Checkbox>{t('referral.returns.ready')}</Checkbox></Form.Item>
        <Typography.Title level={5}>{t('referral.returns.adjustments')}</Typography.Title>
        <Row gutter={16}>
          {(['adjClass', 'adjExams', 'adjWorkload', 'adjCareTeacher', 'adjCounseling'] as const).map((k) => (
            <Col key={k} xs={24} md={12}><Form.Item name={k} label={t(`referral.returns.${k}`)}><Input maxLength={k === 'adjCareTeacher' ? 100 : 500} /></Form.Item></Col>
          ))}
        </Row>
        <Row gutter={16}>
          <Col xs={12} md={6}><Form.Item name="returnDate" label={t('referral.returns.returnDate')} rules={req}><Input type="date" data-testid="return-date" /></Form.Item></Col>
          <Col xs={12} md={6}><Form.Item name="followUpWeeks" label={t('referral.returns.weeks')} rules={[{ required: true, message: t('referral.form.required') }]}><InputNumber min={1} max={26} data-testid="return-weeks" /></Form.Item></Col>
        </Row>
        {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
        <Button type="primary" htmlType="submit" loading={busy} data-testid="return-submit">{t('referral.returns.submit')}</Button>
      </Form>
    </Card>
  );
}

export function ReturnPlanPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { data, error, loading, reload } = useAsync((signal) => api.get<ReturnPlanDetail>(`/returns/${id}`, undefined, { signal }), [id]);
  const [current, setCurrent] = useState<ReturnPlanDetail | null>(null);
  const [notes, setNotes] = useState<Record<number, string>>({});
  const [closing, setClosing] = useState(false);
  const [closeNote, setCloseNote] = useState('');
  const { busyKey, problem, send } = useSendOnceFor();
  const p = current?.id === id ? current : data;
  if (error !== undefined) return <ErrorBox error={error} onRetry={reload} />;
  if (loading && !p) return <Loading />;
  if (!p) return null;
  const a = p.adjustments;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="return-plan">
      <Card title={<Space wrap><span>{t('referral.returns.title')}</span><span>{p.studentName}</span><span style={{ color: '#888' }}>{p.className}</span><ReturnStatusTag p={p} /></Space>}
        extra={<Space>{p.referralId && <Link to={`/referrals/${p.referralId}`}>{t('referral.returns.fromReferral')}</Link>}{p.can.manage && <Button onClick={() => setClosing(true)} data-testid="return-close">{t('referral.returns.close')}</Button>}</Space>}>
        <Descriptions size="small" column={{ xs: 1, md: 2 }} items={[
          { key: 'r', label: t('referral.returns.returnDate'), children: p.returnDate },
          { key: 'w', label: t('referral.returns.weeks'), children: p.followUpWeeks },
          ...(p.certificate ? [{ key: 'c', label: t('referral.returns.certificate'), span: 2, children: <span style={{ whiteSpace: 'pre-wrap' }}>{[p.certificate.number, p.certificate.date, p.certificate.text].filter(Boolean).join(' · ')}</span> }] : []),
          { key: 'a', label: t('referral.returns.assessment'), span: 2, children: `${p.assessment.date} · ${p.assessment.by} · ${p.assessment.findings}${p.assessment.ready ? ` · ${t('referral.returns.ready')}` : ''}` },
          { key: 'ac', label: t('referral.returns.adjClass'), children: a.class || '—' },
          { key: 'ae', label: t('referral.returns.adjExams'), children: a.exams || '—' },
          { key: 'aw', label: t('referral.returns.adjWorkload'), children: a.workload || '—' },
          { key: 'at', label: t('referral.returns.adjCareTeacher'), children: a.careTeacher || '—' },
          { key: 'ao', label: t('referral.returns.adjCounseling'), children: a.counseling || '—' },
          ...(p.closedAt ? [{ key: 'x', label: t('referral.returns.closedBy'), span: 2, children: `${fmt(p.closedAt)} · ${p.closedByName ?? ''} · ${p.closureNote ?? ''}` }] : []),
        ]} />
      </Card>
      <Card size="small" title={t('referral.returns.followUps')}>
        {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
        <Table rowKey="id" size="small" pagination={false} dataSource={p.followUps} data-testid="return-follow-ups" columns={[
          { title: '', key: 'seq', width: 90, render: (_, f) => t('referral.returns.week', { n: f.seq }) },
          { title: t('referral.returns.due'), key: 'due', width: 150, render: (_, f) => <span>{f.dueDate}{f.overdue && <Tag color="red" style={{ marginLeft: 6 }}>{t('referral.returns.overdue')}</Tag>}</span> },
          { title: t('referral.returns.doneNote'), key: 'n', render: (_, f) => f.doneAt ? <span>{f.note}<span style={{ color: '#888' }}> · {f.doneByName} {fmt(f.doneAt)}</span></span> : p.can.manage ? (
            <Space.Compact style={{ width: '100%' }}>
              <Input value={notes[f.seq] ?? ''} maxLength={2000} onChange={(e) => setNotes({ ...notes, [f.seq]: e.target.value })} data-testid={`return-note-${f.seq}`} />
              <Button type="primary" disabled={!notes[f.seq]?.trim()} loading={busyKey === String(f.seq)} data-testid={`return-done-${f.seq}`}
                onClick={() => void send(String(f.seq), async () => setCurrent(await api.post<ReturnPlanDetail>(`/returns/${id}/follow-ups/${f.seq}`, { note: notes[f.seq]!.trim() })))}>{t('referral.returns.done')}</Button>
            </Space.Compact>
          ) : '—' },
        ]} />
      </Card>
      <Modal open={closing} title={t('referral.returns.close')} okText={t('referral.detail.confirm')} cancelText={t('referral.detail.cancel')} confirmLoading={busyKey === 'close'}
        okButtonProps={{ disabled: !closeNote.trim(), 'data-testid': 'return-close-ok' } as never} onCancel={() => setClosing(false)}
        onOk={() => void send('close', async () => { setCurrent(await api.post<ReturnPlanDetail>(`/returns/${id}/close`, { note: closeNote.trim() })); setClosing(false); })}>
        <Input.TextArea rows={3} maxLength={2000} placeholder={t('referral.returns.closeNote')} value={closeNote} onChange={(e) => setCloseNote(e.target.value)} />
      </Modal>
    </Space>
  );
}
