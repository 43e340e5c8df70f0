import { useState, type ReactNode } from 'react';
import { Alert as AntAlert, App, Button, Card, Col, Descriptions, Empty, Form, Input, Modal, Radio, Result, Row, Select, Space, Tag, Timeline, Typography } from 'antd';
import { ArrowLeftOutlined, HistoryOutlined, UserAddOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { ALERT_OUTCOMES, ESCALATION_TIERS } from '@xinyu/core';
import { api, ApiError } from '../../api/client';
import type { AlertAction, AlertActionBody, AlertAssignee, AlertDetail, AlertEvent, AlertLevel, AlertOutcome, Items } from '../../api/types';
import { applyFormErrors } from '../../app/formErrors';
import { useCan } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { ErrorBox } from '../../components/ErrorBox';
import { ToCrisisCaseButton } from '../crisis/ToCrisisCaseButton';
import { Loading } from '../../components/Loading';
import { AlertLevelTag, DeadlineCell, EvidenceView, fmt, isLevel, isSource, LEVEL_TEXT, LEVELS, SourceTags, StatusTag } from './shared';

const isOutcome = (v: unknown): v is AlertOutcome => typeof v === 'string' && (ALERT_OUTCOMES as readonly string[]).includes(v);
const isTier = (v: unknown): v is (typeof ESCALATION_TIERS)[number] => typeof v === 'string' && (ESCALATION_TIERS as readonly string[]).includes(v);
const EVENT_KINDS = ['created', 'signal', 'level_raised', 'acknowledged', 'assessing', 'confirmed', 'dismissed', 'closed', 'assigned', 'escalated', 'recheck'] as const;
type EventKind = (typeof EVENT_KINDS)[number];
const isEventKind = (k: string): k is EventKind => (EVENT_KINDS as readonly string[]).includes(k);
const DECISIONS = ['confirm', 'lower', 'raise', 'clear'] as const;
const isDecision = (v: unknown): v is (typeof DECISIONS)[number] => typeof v === 'string' && (DECISIONS as readonly string[]).includes(v);
const EVENT_COLOR: Partial<Record<EventKind, string>> = { created: 'red', level_raised: 'red', escalated: 'red', confirmed: 'purple', dismissed: 'gray', closed: 'green' };

/** One line of an event's detail: a label and what it says. */
function DetailLine({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Typography.Text type="secondary">{label}：</Typography.Text>
      {children}
    </div>
  );
}

/** An event's detail, read defensively: the keys each kind writes, anything else as plain text. */
function EventDetail({ e }: { e: AlertEvent }) {
  const { t } = useTranslation();
  const d = e.detail;
  const lines: ReactNode[] = [];
  const used = new Set<string>();
  const text = (k: string) => (typeof d[k] === 'string' && (d[k] as string).trim() ? (d[k] as string) : undefined);
  const take = (k: string, node: ReactNode) => {
    used.add(k);
    lines.push(<div key={k}>{node}</div>);
  };
  if (isSource(d.source)) take('source', <DetailLine label={t('warning.detail.source')}>{t(`warning.source.${d.source}`)}</DetailLine>);
  if (isOutcome(d.outcome)) take('outcome', <DetailLine label={t('warning.detail.outcome')}>{t(`warning.outcome.${d.outcome}`)}</DetailLine>);
  if (isLevel(d.levelFrom) && isLevel(d.levelTo)) {
    used.add('level');
    take(
      'levelFrom',
      <DetailLine label={t('warning.detail.levelChange')}>
        <AlertLevelTag level={d.levelFrom} /> → <AlertLevelTag level={d.levelTo} />
      </DetailLine>,
    );
    used.add('levelTo');
  } else if (isLevel(d.level) && e.kind !== 'confirmed') {
    take('level', <DetailLine label={t('warning.detail.level')}><AlertLevelTag level={d.level} /></DetailLine>);
  } else used.add('level');
  if (d.critical === true) take('critical', <Tag color="red">{t('warning.critical')}</Tag>);
  else used.add('critical');
  if (e.kind === 'escalated') {
    if (isTier(d.tier)) take('tier', <DetailLine label={t('warning.detail.tier')}>{t(`warning.tier.${d.tier}`)}</DetailLine>);
    if (d.reason === 'ack' || d.reason === 'assess') take('reason', t(`warning.overdueReason.${d.reason}`));
  }
  if (text('note')) take('note', <DetailLine label={t('warning.detail.note')}><span className="xy-pre">{text('note')}</span></DetailLine>);
  if (text('reason')) take('reason', <DetailLine label={t('warning.detail.reason')}><span className="xy-pre">{text('reason')}</span></DetailLine>);
  if (text('summary')) take('summary', <DetailLine label={t('warning.detail.summary')}><span className="xy-pre">{text('summary')}</span></DetailLine>);
  if (text('ownerName')) take('ownerName', <DetailLine label={t('warning.detail.owner')}>{text('ownerName')}</DetailLine>);
  used.add('ownerId');
  if (isDecision(d.decision)) take('decision', <DetailLine label={t('warning.detail.decision')}>{t(`warning.decision.${d.decision}`)}</DetailLine>);
  if (typeof d.finalLevel === 'string') take('finalLevel', <DetailLine label={t('warning.detail.finalLevel')}>{isLevel(d.finalLevel) ? <AlertLevelTag level={d.finalLevel} /> : t('results.level.none')}</DetailLine>);
  for (const [k, v] of Object.entries(d)) {
    if (used.has(k) || v === null || v === undefined || v === '') continue;
    lines.push(
      <DetailLine key={`x-${k}`} label={k}>
        {typeof v === 'object' ? JSON.stringify(v) : String(v)}
      </DetailLine>,
    );
  }
  return lines.length ? <div style={{ marginTop: 4 }}>{lines}</div> : null;
}

interface ActionValues {
  note?: string;
  outcome?: AlertOutcome;
  level?: AlertLevel;
  reason?: string;
  summary?: string;
}

/** The form of one step: a note for acknowledge and assess, outcome/level/note to confirm, a reason to dismiss, a summary to close. */
function ActionModal({ alert, action, onClose, onDone, onStale }: { alert: AlertDetail; action: AlertAction; onClose: () => void; onDone: (a: AlertDetail) => void; onStale: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ActionValues>();
  const { busy, problem, send } = useSendOnce();
  const required = [{ required: true, whitespace: true, message: t('warning.form.required') }];

  function body(v: ActionValues): AlertActionBody {
    const trim = (s?: string) => s?.trim() || undefined;
    switch (action) {
      case 'acknowledge':
        return { action, ...(trim(v.note) ? { note: trim(v.note) } : {}) };
      case 'assess':
        return { action, ...(trim(v.note) ? { note: trim(v.note) } : {}) };
      case 'confirm':
        return { action, outcome: v.outcome!, level: v.level, note: (v.note ?? '').trim() };
      case 'dismiss':
        return { action, reason: (v.reason ?? '').trim() };
      case 'close':
        return { action, summary: (v.summary ?? '').trim() };
    }
  }

  // a double click reaches here twice before the button shows it is busy: sent once
  const submit = (v: ActionValues) =>
    void send(
      async () => {
        const a = await api.post<AlertDetail>(`/alerts/${alert.id}/actions`, body(v));
        void message.success(t('warning.done', { action: t(`warning.action.${action}`) }));
        onDone(a);
      },
      (e) => {
        // someone else moved it on: show what it is now behind the message
        if (e instanceof ApiError && e.status === 409) onStale();
        return applyFormErrors(form, e, ['note', 'outcome', 'level', 'reason', 'summary']);
      },
    );

  return (
    <Modal
      open
      width={560}
      title={`${t(`warning.action.${action}`)} · ${alert.name}`}
      onCancel={onClose}
      okText={t(`warning.action.${action}`)}
      okButtonProps={{ 'data-testid': 'action-submit', danger: action === 'dismiss' }}
      confirmLoading={busy}
      destroyOnHidden
      maskClosable={false}
      onOk={() =>
        void form
          .validateFields()
          .then(submit)
          .catch(() => undefined)
      }
    >
      <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid={`action-form-${action}`}>
        {problem && <AntAlert type="error" showIcon title={problem} data-testid="action-error" />}
        <Form form={form} layout="vertical" initialValues={{ level: alert.level }} disabled={busy} requiredMark="optional">
          {action === 'confirm' && (
            <>
              <Form.Item name="outcome" label={t('warning.form.outcome')} rules={[{ required: true, message: t('warning.form.required') }]}>
                <Radio.Group style={{ display: 'flex', flexDirection: 'column', gap: 6 }} data-testid="action-outcome">
                  {ALERT_OUTCOMES.map((o) => (
                    <Radio key={o} value={o} data-testid={`action-outcome-${o}`}>
                      {t(`warning.outcome.${o}`)}
                    </Radio>
                  ))}
                </Radio.Group>
              </Form.Item>
              <Form.Item name="level" label={t('warning.form.levelAfter')}>
                <Radio.Group data-testid="action-level">
                  {LEVELS.map((l) => (
                    <Radio key={l} value={l} data-testid={`action-level-${l}`}>
                      <span style={{ color: LEVEL_TEXT[l] }}>{t(`warning.level.${l}`)}</span>
                    </Radio>
                  ))}
                </Radio.Group>
              </Form.Item>
              <Form.Item name="note" label={t('warning.form.confirmNote')} rules={required}>
                <Input.TextArea rows={4} maxLength={2000} showCount placeholder={t('warning.form.confirmNotePlaceholder')} data-testid="action-note" />
              </Form.Item>
            </>
          )}
          {(action === 'acknowledge' || action === 'assess') && (
            <Form.Item name="note" label={t('warning.form.note')}>
              <Input.TextArea rows={3} maxLength={action === 'acknowledge' ? 1000 : 2000} showCount placeholder={t('warning.form.notePlaceholder')} data-testid="action-note" />
            </Form.Item>
          )}
          {action === 'dismiss' && (
            <Form.Item name="reason" label={t('warning.form.reason')} rules={required}>
              <Input.TextArea rows={4} maxLength={1000} showCount placeholder={t('warning.form.reasonPlaceholder')} data-testid="action-reason" />
            </Form.Item>
          )}
          {action === 'close' && (
            <Form.Item name="summary" label={t('warning.form.summary')} rules={required}>
              <Input.TextArea rows={4} maxLength={2000} showCount placeholder={t('warning.form.summaryPlaceholder')} data-testid="action-summary" />
            </Form.Item>
          )}
        </Form>
      </Space>
    </Modal>
  );
}

function AssignModal({ alert, onClose, onDone }: { alert: AlertDetail; onClose: () => void; onDone: (a: AlertDetail) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const list = useAsync((signal) => api.get<Items<AlertAssignee>>(`/alerts/${alert.id}/assignees`, undefined, { signal }), [alert.id]);
  const [accountId, setAccountId] = useState<string | undefined>(alert.ownerId ?? undefined);
  const { busy, problem, send } = useSendOnce();
  const roleLabel = (r: string) => (r === 'counselor' || r === 'school_leader' ? t(`warning.role.${r}`) : r);

  function submit() {
    if (!accountId) return;
    void send(async () => {
      const a = await api.post<AlertDetail>(`/alerts/${alert.id}/assign`, { accountId });
      void message.success(t('warning.assigned', { name: a.ownerName ?? '' }));
      onDone(a);
    });
  }

  return (
    <Modal
      open
      title={t('warning.assignTitle')}
      onCancel={onClose}
      onOk={submit}
      okButtonProps={{ disabled: !accountId, 'data-testid': 'assign-submit' }}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <Typography.Text type="secondary">{t('warning.assignHint')}</Typography.Text>
        {list.error !== undefined && <ErrorBox error={list.error} onRetry={list.reload} />}
        {problem && <AntAlert type="error" showIcon title={problem} data-testid="assign-error" />}
        <Select
          value={accountId}
          onChange={setAccountId}
          loading={list.loading}
          placeholder={t('warning.assignee')}
          style={{ width: '100%' }}
          showSearch={{ optionFilterProp: 'label' }}
          options={(list.data?.items ?? []).map((a) => ({ value: a.accountId, label: `${a.name}（${roleLabel(a.role)}）` }))}
          data-testid="assign-select"
        />
      </Space>
    </Modal>
  );
}

const ACTION_ORDER: readonly AlertAction[] = ['acknowledge', 'assess', 'confirm', 'dismiss', 'close'];

/** One warning: who and how urgent, each report that came in, what was done, and the next steps the caller may take. */
export default function AlertDetailPage() {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const location = useLocation();
  const id = useParams().id ?? '';
  const { data, error, loading, reload } = useAsync((signal) => api.get<AlertDetail>(`/alerts/${id}`, undefined, { signal }), [id]);
  // the answer of an action or assignment, newer than what was loaded
  const [fresh, setFresh] = useState<AlertDetail | null>(null);
  const [acting, setActing] = useState<AlertAction | null>(null);
  const [assigning, setAssigning] = useState(false);
  const a = fresh && fresh.id === id && (!data || fresh.updatedAt >= data.updatedAt) ? fresh : data;
  const back = (location.state as { back?: string } | null)?.back ?? '';

  const backButton = (
    <Button icon={<ArrowLeftOutlined />} onClick={() => void navigate(`/alerts${back}`)} data-testid="alert-back">
      {t('warning.back')}
    </Button>
  );

  if (loading && !a) return <Loading />;
  if (!a) {
    if (error instanceof ApiError && error.status === 404) return <Result status="404" subTitle={t('warning.notFound')} extra={backButton} />;
    return (
      <Space orientation="vertical" style={{ width: '100%' }}>
        {backButton}
        <ErrorBox error={error} onRetry={reload} />
      </Space>
    );
  }

  const done = (next: AlertDetail) => {
    setFresh(next);
    setActing(null);
    setAssigning(false);
  };
  const closeModal = () => {
    setActing(null);
    setAssigning(false);
    // a refused step (409: someone else handled it) leaves the page out of date
    reload();
  };
  const actions = ACTION_ORDER.filter((x) => a.actions.includes(x));
  const sources = a.sources.length ? a.sources : [a.source];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="alert-detail" data-status={a.status}>
      {backButton}
      <Card
        title={
          <Space wrap size={8}>
            <span style={{ fontSize: 18 }} data-testid="alert-detail-name">
              {a.name}
            </span>
            <AlertLevelTag level={a.level} testId="alert-detail-level" />
            <StatusTag status={a.status} testId="alert-detail-status" />
            {a.critical && <Tag color="red">{t('warning.critical')}</Tag>}
            {a.overdue && <Tag color="red">{t(`warning.overdueReason.${a.overdue}`)}</Tag>}
          </Space>
        }
        extra={
          can('student.read') && (
            <Space size={0}>
              <Link to={`/students/${a.studentId}`}>
                <Button size="small" type="link" icon={<UserOutlined />}>
                  {t('warning.openStudent')}
                </Button>
              </Link>
              <Link to={`/students/${a.studentId}#timeline`} data-testid="alert-timeline-link">
                <Button size="small" type="link" icon={<HistoryOutlined />}>
                  {t('warning.timeline.link')}
                </Button>
              </Link>
            </Space>
          )
        }
      >
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Descriptions
            size="small"
            column={{ xs: 1, sm: 2, lg: 3 }}
            data-testid="alert-info"
            items={[
              { key: 'class', label: t('warning.info.className'), children: a.className || '—' },
              { key: 'school', label: t('warning.info.school'), children: a.schoolName || '—' },
              { key: 'sources', label: t('warning.info.sources'), children: <SourceTags sources={sources} count={a.signalCount} /> },
              { key: 'tier', label: t('warning.info.tier'), children: <span data-testid="alert-detail-tier">{t(`warning.tier.${a.tier}`)}</span> },
              { key: 'owner', label: t('warning.info.owner'), children: <span data-testid="alert-detail-owner">{a.ownerName ?? t('warning.noOwner')}</span> },
              { key: 'due', label: t('warning.col.deadline'), children: <DeadlineCell a={a} testId="alert-detail-deadline" /> },
              ...(a.outcome ? [{ key: 'outcome', label: t('warning.info.outcome'), children: <span data-testid="alert-detail-outcome">{t(`warning.outcome.${a.outcome}`)}</span> }] : []),
              { key: 'created', label: t('warning.info.createdAt'), children: fmt(a.createdAt) },
            ]}
          />
          <div data-testid="alert-actions">
            {actions.length === 0 && !a.canAssign ? (
              <Typography.Text type="secondary">{t('warning.noActions')}</Typography.Text>
            ) : (
              <Space wrap>
                {actions.map((x) => (
                  <Button
                    key={x}
                    type={x === actions[0] ? 'primary' : 'default'}
                    danger={x === 'dismiss'}
                    onClick={() => setActing(x)}
                    data-testid={`alert-action-${x}`}
                  >
                    {t(`warning.action.${x}`)}
                  </Button>
                ))}
                {a.canAssign && (
                  <Button icon={<UserAddOutlined />} onClick={() => setAssigning(true)} data-testid="alert-assign">
                    {t('warning.assign')}
                  </Button>
                )}
              </Space>
            )}
          </div>
          {can('crisis.manage') && <div><ToCrisisCaseButton alertId={a.id} studentId={a.studentId} /></div>}
        </Space>
      </Card>
      {sources.includes('screening') && <AntAlert type="warning" showIcon title={t('results.disclaimerShort')} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card title={t('warning.signals')} size="small" data-testid="alert-signals">
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
              {t('warning.signalsHint')}
            </Typography.Paragraph>
            {a.signals.length === 0 ? (
              <Empty description={t('warning.noEvents')} />
            ) : (
              <Timeline
                items={a.signals.map((s, i) => ({
                  key: i,
                  color: s.level === 'red' ? 'red' : s.level === 'orange' ? 'orange' : 'gold',
                  content: (
                    <div data-testid={`alert-signal-${s.source}`}>
                      <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
                        {fmt(s.at)}
                      </Typography.Text>
                      <Space wrap size={6} style={{ marginBottom: 6 }}>
                        <Tag style={{ marginInlineEnd: 0 }}>{t(`warning.source.${s.source}`)}</Tag>
                        <AlertLevelTag level={s.level} />
                        {s.critical && <Tag color="red">{t('warning.critical')}</Tag>}
                        {s.reporterName && (
                          <Typography.Text type="secondary">
                            {t('warning.evidence.reporter')}：{s.reporterName}
                          </Typography.Text>
                        )}
                      </Space>
                      <EvidenceView evidence={s.evidence} />
                    </div>
                  ),
                }))}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('warning.events')} size="small" data-testid="alert-events">
            {a.events.length === 0 ? (
              <Empty description={t('warning.noEvents')} />
            ) : (
              <Timeline
                items={a.events.map((e, i) => ({
                  key: i,
                  color: (isEventKind(e.kind) && EVENT_COLOR[e.kind]) || 'blue',
                  content: (
                    <div data-testid={`alert-event-${e.kind}`}>
                      <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
                        {fmt(e.at)}
                      </Typography.Text>
                      <Space wrap size={6}>
                        <Typography.Text strong>{isEventKind(e.kind) ? t(`warning.event.${e.kind}`) : e.kind}</Typography.Text>
                        <Typography.Text type="secondary">{e.actorName ?? (e.kind === 'escalated' ? t('warning.system') : '')}</Typography.Text>
                      </Space>
                      <EventDetail e={e} />
                    </div>
                  ),
                }))}
              />
            )}
          </Card>
        </Col>
      </Row>
      {acting && <ActionModal alert={a} action={acting} onClose={closeModal} onDone={done} onStale={reload} />}
      {assigning && <AssignModal alert={a} onClose={closeModal} onDone={done} />}
    </Space>
  );
}
