import { Alert, Button, Card, Form, Input, Modal, Result, Space, Typography } from 'antd';
import { ArrowLeftOutlined, PrinterOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { api, ApiError } from '../../api/client';
import { applyFormErrors } from '../../app/formErrors';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { fmt } from '../warning/shared';
import { ANALYSIS_PARTS, RiskTag } from './shared';
import type { CrisisCaseDetail } from './types';

type Analysis = Record<(typeof ANALYSIS_PARTS)[number], string>;

function useCase(id: string) {
  return useAsync((signal) => api.get<CrisisCaseDetail>(`/crisis/cases/${id}`, undefined, { signal }), [id]);
}

/** 销号: the school leader writes the one-case-one-analysis and closes the case. */
export function ClosurePage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [form] = Form.useForm<Analysis>();
  const { busy, problem, send } = useSendOnce();
  const { data: c, error, reload } = useCase(id);
  const back = <Button icon={<ArrowLeftOutlined />} onClick={() => void navigate(`/crisis/${id}`)}>{t('crisis.detail.back')}</Button>;
  if (!c) {
    if (error instanceof ApiError && error.status === 404) return <Result status="404" subTitle={t('crisis.detail.notFound')} extra={back} />;
    return error ? <ErrorBox error={error} onRetry={reload} /> : <Loading />;
  }
  const openTasks = c.tasks.filter((k) => k.state === 'open' || k.state === 'overdue').length;
  function submit(v: Analysis) {
    Modal.confirm({
      title: t('crisis.closure.confirm'),
      okButtonProps: { 'data-testid': 'closure-confirm' } as never,
      onOk: () => send(async () => {
        await api.post(`/crisis/cases/${id}/close`, { analysis: Object.fromEntries(ANALYSIS_PARTS.map((p) => [p, (v[p] ?? '').trim()])) });
        void navigate(`/crisis/${id}`);
      }, (e) => applyFormErrors(form, e, [...ANALYSIS_PARTS], (n) => n.replace(/^analysis\./, ''))),
    });
  }
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%', maxWidth: 900 }}>
      {back}
      <Card title={<Space>{t('crisis.closure.title')}<span>· {c.studentName} {c.className}</span><RiskTag risk={c.riskLevel} /></Space>}>
        {c.status === 'closed' ? <Alert type="info" showIcon title={t('crisis.detail.readOnly')} /> : (
          <>
            <Alert type="info" showIcon title={t('crisis.closure.intro')} style={{ marginBottom: 16 }} />
            {openTasks > 0 && <Alert type="warning" showIcon title={t('crisis.closure.openTasks', { n: openTasks })} style={{ marginBottom: 16 }} data-testid="closure-open-tasks" />}
            <Form<Analysis> form={form} layout="vertical" disabled={busy || !c.can.close} onFinish={submit}>
              {ANALYSIS_PARTS.map((p) => (
                <Form.Item key={p} name={p} label={t(`crisis.closure.parts.${p}`)} rules={[{ required: true, whitespace: true, message: t('crisis.required') }]}>
                  <Input.TextArea autoSize={{ minRows: 3, maxRows: 12 }} maxLength={5000} data-testid={`analysis-${p}`} />
                </Form.Item>
              ))}
              {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
              <Button type="primary" htmlType="submit" loading={busy} disabled={!c.can.close} data-testid="closure-submit">{t('crisis.closure.submit')}</Button>
            </Form>
          </>
        )}
      </Card>
    </Space>
  );
}

/** The printable one-case-one-analysis of a closed case (print from the browser, or save as PDF). */
export function AnalysisPrintPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { data: c, error, reload } = useCase(id);
  if (!c) return error ? <ErrorBox error={error} onRetry={reload} /> : <Loading />;
  return (
    <div className="xy-crisis-print">
      <style>{`
        @media print {
          .ant-layout-sider, .ant-layout-header, .xy-no-print { display: none !important; }
          .ant-layout-content { margin: 0 !important; padding: 0 !important; }
          .xy-crisis-print { font-size: 12pt; }
          .xy-crisis-print section { break-inside: avoid; }
        }
        .xy-crisis-print { max-width: 800px; background: #fff; padding: 24px 32px; }
        .xy-crisis-print h1 { text-align: center; font-size: 20px; margin-bottom: 16px; }
        .xy-crisis-print table { width: 100%; border-collapse: collapse; margin-bottom: 16px; }
        .xy-crisis-print td { border: 1px solid #999; padding: 6px 8px; }
        .xy-crisis-print h2 { font-size: 15px; margin: 16px 0 6px; }
        .xy-crisis-print p { white-space: pre-wrap; margin: 0; line-height: 1.7; }
      `}</style>
      <Space className="xy-no-print" style={{ marginBottom: 16 }}>
        <Button icon={<ArrowLeftOutlined />} onClick={() => void navigate(`/crisis/${id}`)}>{t('crisis.detail.back')}</Button>
        <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()} data-testid="analysis-print">{t('crisis.detail.print')}</Button>
      </Space>
      <h1>{t('crisis.closure.printTitle')}</h1>
      <table>
        <tbody>
          <tr><td>{t('crisis.list.student')}</td><td>{c.studentName}</td><td>{t('crisis.list.className')}</td><td>{c.className}</td></tr>
          <tr><td>{t('crisis.detail.openedAt')}</td><td>{fmt(c.openedAt)}</td><td>{t('crisis.detail.closedAt')}</td><td>{fmt(c.closedAt)}</td></tr>
          <tr><td>{t('crisis.list.risk')}</td><td>{t(`crisis.risk.${c.riskLevel}`)}</td><td>{t('crisis.detail.closedBy')}</td><td>{c.closedByName ?? '—'}</td></tr>
          <tr><td>{t('crisis.team.title')}</td><td colSpan={3}>{c.team.filter((m) => !m.removedAt).map((m) => `${m.name}（${t(`crisis.teamRole.${m.teamRole}`)}）`).join('、')}</td></tr>
        </tbody>
      </table>
      {c.analysis ? ANALYSIS_PARTS.map((p) => (
        <section key={p}>
          <h2>{t(`crisis.closure.parts.${p}`)}</h2>
          <p data-testid={`print-${p}`}>{c.analysis![p]}</p>
        </section>
      )) : <Typography.Text type="secondary">—</Typography.Text>}
      <Typography.Text type="secondary" style={{ display: 'block', marginTop: 24 }}>{t('crisis.closure.printed')}：{fmt(new Date().toISOString())}</Typography.Text>
    </div>
  );
}
