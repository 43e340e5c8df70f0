import { useState } from 'react';
import type { TFunction } from 'i18next';
import { Alert, Button, Card, Checkbox, Col, Descriptions, Form, Input, List, Modal, Popconfirm, Radio, Result, Row, Select, Space, Tag, Timeline, Typography } from 'antd';
import { ArrowLeftOutlined, PlusOutlined, PrinterOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, ApiError } from '../../api/client';
import type { Items } from '../../api/types';
import { applyFormErrors } from '../../app/formErrors';
import { useAsync } from '../../app/useAsync';
import { useSendOnce, useSendOnceFor } from '../../app/useSendOnce';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { CaseReferrals } from '../referral/CaseReferrals';
import { fmt } from '../warning/shared';
import { ConferencesCard, ContactsCard, NoticesCard, SafetyPlanCard, TasksCard } from './sections';
import { CaseStatusTag, RiskTag, RISKS, TEAM_ROLES } from './shared';
import type { CrisisCaseDetail, CrisisEvent, RiskLevel, TeamCandidate, TeamRole } from './types';

function RiskModal({ c, onClose, onDone }: { c: CrisisCaseDetail; onClose: () => void; onDone: (d: CrisisCaseDetail) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ riskLevel: RiskLevel; reason: string }>();
  const { busy, problem, send } = useSendOnce();
  return (
    <Modal open title={t('crisis.detail.changeRisk')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okButtonProps={{ 'data-testid': 'risk-submit' } as never} destroyOnHidden>
      <Form form={form} layout="vertical" disabled={busy} initialValues={{ riskLevel: c.riskLevel }}
        onFinish={(v) => void send(async () => onDone(await api.put<CrisisCaseDetail>(`/crisis/cases/${c.id}/risk`, { riskLevel: v.riskLevel, reason: v.reason.trim() })), (e) => applyFormErrors(form, e, ['riskLevel', 'reason']))}>
        <Form.Item name="riskLevel" label={t('crisis.list.risk')}>
          <Radio.Group optionType="button" options={RISKS.map((r) => ({ value: r, label: t(`crisis.risk.${r}`) }))} data-testid="risk-level" />
        </Form.Item>
        <Form.Item name="reason" label={t('crisis.detail.riskReason')} rules={[{ required: true, whitespace: true, message: t('crisis.required') }]}>
          <Input.TextArea autoSize={{ minRows: 2 }} maxLength={500} data-testid="risk-reason" />
        </Form.Item>
        {problem && <Alert type="error" showIcon title={problem} />}
      </Form>
    </Modal>
  );
}

function TeamCard({ c, onChange }: { c: CrisisCaseDetail; onChange: (d: CrisisCaseDetail) => void }) {
  const { t } = useTranslation();
  const [adding, setAdding] = useState(false);
  const [history, setHistory] = useState(false);
  const [pick, setPick] = useState<{ accountId?: string; teamRole: TeamRole }>({ teamRole: 'other' });
  const { busyKey, problem, send } = useSendOnceFor();
  const candidates = useAsync((signal) => (adding ? api.get<Items<TeamCandidate>>(`/crisis/cases/${c.id}/team-candidates`, undefined, { signal }) : Promise.resolve({ items: [] })), [adding, c.id]);
  const members = c.team.filter((m) => history || !m.removedAt);
  const live = new Set(c.team.filter((m) => !m.removedAt).map((m) => m.accountId));
  return (
    <Card title={t('crisis.team.title')} size="small" data-testid="crisis-team"
      extra={<Space>
        {c.team.some((m) => m.removedAt) && <Checkbox checked={history} onChange={(e) => setHistory(e.target.checked)}>{t('crisis.team.history')}</Checkbox>}
        {c.can.manage && <Button size="small" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="team-add">{t('crisis.team.add')}</Button>}
      </Space>}>
      {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 8 }} />}
      <List
        size="small"
        dataSource={members}
        renderItem={(m) => (
          <List.Item key={m.id} actions={c.can.manage && !m.removedAt ? [
            <Popconfirm key="rm" title={t('crisis.team.removeConfirm', { name: m.name })} onConfirm={() => void send(m.id, async () => onChange(await api.del<CrisisCaseDetail>(`/crisis/cases/${c.id}/team/${m.id}`)))}>
              <Button size="small" type="link" danger loading={busyKey === m.id}>{t('crisis.team.remove')}</Button>
            </Popconfirm>,
          ] : []}>
            <Space size={8} wrap>
              <strong style={m.removedAt ? { textDecoration: 'line-through', color: '#999' } : undefined}>{m.name}</strong>
              <Tag>{t(`crisis.teamRole.${m.teamRole}`)}</Tag>
              <Typography.Text type="secondary">{t('crisis.team.since', { at: fmt(m.addedAt) })}</Typography.Text>
              {m.removedAt && <Tag color="default">{t('crisis.team.removed')} {fmt(m.removedAt)}</Tag>}
            </Space>
          </List.Item>
        )}
      />
      {adding && (
        <Modal open title={t('crisis.team.add')} onCancel={() => setAdding(false)} okButtonProps={{ disabled: !pick.accountId, 'data-testid': 'team-submit' } as never} confirmLoading={busyKey === 'add'}
          onOk={() => void send('add', async () => { onChange(await api.post<CrisisCaseDetail>(`/crisis/cases/${c.id}/team`, pick)); setAdding(false); setPick({ teamRole: 'other' }); })}>
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Select style={{ width: '100%' }} showSearch={{ optionFilterProp: 'label' }} placeholder={t('crisis.team.person')} loading={candidates.loading} value={pick.accountId}
              onChange={(v: string) => {
                const cand = candidates.data?.items.find((x) => x.accountId === v);
                const role: TeamRole = cand?.roles.includes('school_leader') ? 'leader' : cand?.roles.includes('counselor') ? 'counselor' : cand?.roles.includes('head_teacher') ? 'head_teacher' : 'other';
                setPick({ accountId: v, teamRole: role });
              }}
              options={(candidates.data?.items ?? []).filter((x) => !live.has(x.accountId)).map((x) => ({ value: x.accountId, label: x.name }))} data-testid="team-person" />
            <Radio.Group optionType="button" value={pick.teamRole} onChange={(e) => setPick({ ...pick, teamRole: e.target.value as TeamRole })} options={TEAM_ROLES.map((r) => ({ value: r, label: t(`crisis.teamRole.${r}`) }))} />
          </Space>
        </Modal>
      )}
    </Card>
  );
}

function eventText(tf: TFunction, e: CrisisEvent): string {
  // the keys come from stored events: looked up loosely
  const t = tf as unknown as (k: string, o?: Record<string, unknown>) => string;
  const d = e.detail ?? {};
  const s = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : '');
  switch (e.kind) {
    case 'risk': return `${t(`crisis.risk.${s('from')}`)} → ${t(`crisis.risk.${s('to')}`)}：${s('reason')}`;
    case 'signal': return `${t(`crisis.source.${s('source')}`)}：${s('summary')}`;
    case 'team.added': case 'team.removed': return `${s('name')}（${t(`crisis.teamRole.${s('teamRole')}`)}）`;
    case 'safety_plan': return Array.isArray(d.changed) ? (d.changed as string[]).map((p) => t(`crisis.plan.parts.${p}`)).join('、') : '';
    case 'task.added': return `${s('title')}${s('assignee') ? ` · ${s('assignee')}` : ''} · ${fmt(s('dueAt'))}`;
    case 'task.assigned': return `${s('title')} → ${s('assignee') || t('crisis.tasks.assigneeNone')}`;
    case 'task.done': case 'task.cancelled': return `${s('title')}${s('note') ? `：${s('note')}` : ''}`;
    case 'guardian.contact': return `${s('guardianName')} · ${t(`crisis.contacts.channels.${s('channel')}`)}`;
    case 'guardian.notice': return s('title');
    case 'conference': return t(`crisis.conferences.kinds.${s('kind')}`);
    case 'opened': return Array.isArray(d.team) ? (d.team as string[]).join('、') : '';
    default: return '';
  }
}

export default function CaseDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [fresh, setFresh] = useState<CrisisCaseDetail | null>(null);
  const [riskOpen, setRiskOpen] = useState(false);
  const { data, error, reload } = useAsync((signal) => api.get<CrisisCaseDetail>(`/crisis/cases/${id}`, undefined, { signal }), [id]);
  const c = fresh && fresh.id === id && (!data || fresh.updatedAt >= data.updatedAt) ? fresh : data;
  const back = <Button icon={<ArrowLeftOutlined />} onClick={() => void navigate('/crisis')} data-testid="crisis-back">{t('crisis.detail.back')}</Button>;
  if (!c) {
    if (error instanceof ApiError && error.status === 404) return <Result status="404" subTitle={t('crisis.detail.notFound')} extra={back} />;
    return error ? <Space orientation="vertical" style={{ width: '100%' }}>{back}<ErrorBox error={error} onRetry={reload} /></Space> : <Loading />;
  }
  const refresh = () => { setFresh(null); reload(); };
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="crisis-detail" data-status={c.status}>
      {back}
      <Card
        title={<Space wrap size={8}><Typography.Title level={4} style={{ margin: 0 }}>{c.studentName}</Typography.Title><span>{c.className}</span><RiskTag risk={c.riskLevel} testId="crisis-risk" /><CaseStatusTag status={c.status} /></Space>}
        extra={<Space wrap>
          {c.can.manage && <Button onClick={() => setRiskOpen(true)} data-testid="crisis-change-risk">{t('crisis.detail.changeRisk')}</Button>}
          {c.can.close && <Link to={`/crisis/${c.id}/close`}><Button type="primary" icon={<SafetyCertificateOutlined />} data-testid="crisis-close">{t('crisis.detail.close')}</Button></Link>}
          {c.status === 'closed' && <Link to={`/crisis/${c.id}/analysis`}><Button icon={<PrinterOutlined />} data-testid="crisis-print">{t('crisis.detail.print')}</Button></Link>}
        </Space>}
      >
        {c.status === 'closed' && <Alert type="info" showIcon title={t('crisis.detail.readOnly')} style={{ marginBottom: 12 }} />}
        {c.status === 'open' && !c.can.manage && <Alert type="info" showIcon title={t('crisis.detail.headTeacherView')} style={{ marginBottom: 12 }} />}
        <Descriptions size="small" column={{ xs: 1, md: 3 }} items={[
          { key: 'source', label: t('crisis.detail.source'), children: <Space>{t(`crisis.source.${c.source}`)}{c.alertId && <Link to={`/alerts/${c.alertId}`}>{t('crisis.detail.alert')}</Link>}</Space> },
          { key: 'by', label: t('crisis.detail.openedBy'), children: c.openedByName },
          { key: 'at', label: t('crisis.detail.openedAt'), children: fmt(c.openedAt) },
          ...(c.status === 'closed' ? [{ key: 'cb', label: t('crisis.detail.closedBy'), children: c.closedByName ?? '—' }, { key: 'ca', label: t('crisis.detail.closedAt'), children: fmt(c.closedAt) }] : []),
          { key: 'summary', label: t('crisis.detail.summary'), span: 3, children: <span style={{ whiteSpace: 'pre-wrap' }}>{c.summary}</span> },
        ]} />
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <SafetyPlanCard c={c} onChange={setFresh} />
            <TasksCard c={c} onChange={setFresh} />
            <ContactsCard c={c} reload={refresh} />
            <NoticesCard c={c} reloadCase={refresh} />
            <ConferencesCard c={c} reload={refresh} />
            {/* the referral area's part of the case: its referrals and return plan */}
            <CaseReferrals caseId={c.id} studentId={c.studentId} />
          </Space>
        </Col>
        <Col xs={24} xl={10}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <TeamCard c={c} onChange={setFresh} />
            <Card title={t('crisis.events.title')} size="small" data-testid="crisis-events">
              <Timeline items={c.events.map((e) => ({
                key: e.id,
                content: (
                  <div>
                    <strong>{(t as unknown as (k: string, o: object) => string)(`crisis.events.kinds.${e.kind}`, { defaultValue: e.kind })}</strong>
                    <Typography.Text type="secondary"> · {e.actorName ?? ''} · {fmt(e.at)}</Typography.Text>
                    <div>{eventText(t, e)}</div>
                  </div>
                ),
              }))} />
            </Card>
          </Space>
        </Col>
      </Row>
      {riskOpen && <RiskModal c={c} onClose={() => setRiskOpen(false)} onDone={(d) => { setRiskOpen(false); setFresh(d); }} />}
    </Space>
  );
}
