import { useState } from 'react';
import { Alert, Button, Card, Col, DatePicker, Descriptions, Empty, Form, Input, Modal, Popconfirm, Radio, Row, Space, Tag, Timeline, Typography } from 'antd';
import { ArrowLeftOutlined, EditOutlined, UserSwitchOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { STAFF_CARE_RECORD_KINDS, type StaffCareRecordKind } from '@xinyu/core';
import { api } from '../../api/client';
import type { Items } from '../../api/types';
import { useAsync } from '../../app/useAsync';
import { useSendOnce, useSendOnceFor } from '../../app/useSendOnce';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { RecordTimeline, useRecordForm } from '../care/records';
import { fmt } from '../warning/shared';
import { CategoryTags, StaffFollowUps, StaffLevelTag, StaffStatusTag, useStaffCategories, type StaffCareRecord, type StaffCarerCandidate, type StaffCaseDetail } from './shared';

const KINDS = Object.keys(STAFF_CARE_RECORD_KINDS) as StaffCareRecordKind[];
const TOPICS = ['situation', 'needs', 'support', 'plan'] as const;

/** 记录关爱情况: how, when, mood, the situation, needs, support given and the plan, and the note. One client id per opened form. */
function RecordForm({ id, onDone, onCancel }: { id: string; onDone: (c: StaffCaseDetail) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const { form, busy, problem, onFinish } = useRecordForm<StaffCareRecordKind, (typeof TOPICS)[number]>(TOPICS, async (body) => onDone(await api.post<StaffCaseDetail>(`/staffcare/cases/${id}/records`, body)));
  return (
    <Card size="small" title={t('staffCare.detail.write')} data-testid="staffcare-record-form">
      <Form form={form} layout="vertical" disabled={busy} initialValues={{ kind: 'talk', date: dayjs() }} onFinish={onFinish} requiredMark="optional">
        <Form.Item name="kind" label={t('staffCare.form.kind')} rules={[{ required: true, message: t('staffCare.form.required') }]}>
          <Radio.Group optionType="button" buttonStyle="solid">
            {KINDS.map((k) => (
              <Radio.Button key={k} value={k}>
                <span data-testid={`staffcare-kind-${k}`}>{t(`staffCare.kind.${k}`)}</span>
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item name="date" label={t('staffCare.form.date')} rules={[{ required: true, message: t('staffCare.form.required') }]}>
          <DatePicker allowClear={false} disabledDate={(d) => d.isAfter(dayjs(), 'day')} style={{ width: 180 }} />
        </Form.Item>
        <Form.Item name="mood" label={t('staffCare.form.mood')}>
          <Radio.Group options={[1, 2, 3, 4, 5].map((m) => ({ value: m, label: String(m) }))} />
        </Form.Item>
        <Row gutter={12}>
          {TOPICS.map((k) => (
            <Col key={k} xs={24} md={12}>
              <Form.Item name={k} label={t(`staffCare.form.${k}`)}>
                <Input.TextArea autoSize={{ minRows: 1, maxRows: 6 }} maxLength={1000} data-testid={`staffcare-${k}`} />
              </Form.Item>
            </Col>
          ))}
        </Row>
        <Form.Item name="note" label={t('staffCare.form.note')} rules={[{ required: true, whitespace: true, message: t('staffCare.form.required') }]}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 12 }} maxLength={4000} placeholder={t('staffCare.form.notePlaceholder')} data-testid="staffcare-note" />
        </Form.Item>
        {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
        <Space>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="staffcare-record-submit">{t('staffCare.form.submit')}</Button>
          <Button onClick={onCancel}>{t('staffCare.form.cancel')}</Button>
        </Space>
      </Form>
    </Card>
  );
}

function Records({ records }: { records: StaffCareRecord[] }) {
  const { t } = useTranslation();
  return (
    <RecordTimeline
      records={records}
      topics={TOPICS}
      kindLabel={(k) => t(`staffCare.kind.${k}`)}
      topicLabel={(k) => t(`staffCare.form.${k}`)}
      moodText={(m) => m}
      empty={t('staffCare.detail.recordsEmpty')}
      testId="staffcare-records"
      entryTestIdPrefix="staffcare-record-"
    />
  );
}

function AssignModal({ c, onClose, onDone }: { c: StaffCaseDetail; onClose: () => void; onDone: (c: StaffCaseDetail) => void }) {
  const { t } = useTranslation();
  const { data, error, loading, reload } = useAsync((signal) => api.get<Items<StaffCarerCandidate>>(`/staffcare/cases/${c.id}/carers`, undefined, { signal }), [c.id]);
  const [reason, setReason] = useState('');
  const { busyKey: busy, problem, send } = useSendOnceFor();
  const assign = (accountId: string) => void send(accountId, async () => onDone(await api.post<StaffCaseDetail>(`/staffcare/cases/${c.id}/carer`, { accountId, ...(reason.trim() ? { reason: reason.trim() } : {}) })));
  return (
    <Modal open title={c.carer ? t('staffCare.detail.reassign') : t('staffCare.detail.assign')} onCancel={onClose} footer={null} destroyOnHidden>
      <Space orientation="vertical" style={{ width: '100%' }} data-testid="staffcare-assign-modal">
        {c.carer && <Input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} placeholder={t('staffCare.detail.assignReason')} />}
        {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
        {problem && <Alert type="error" showIcon title={problem} />}
        {loading && <Loading />}
        {!loading && !data?.items.length && <Empty description={t('staffCare.detail.noCandidates')} image={Empty.PRESENTED_IMAGE_SIMPLE} />}
        {data?.items.map((x) => (
          <div key={x.accountId} style={{ display: 'flex', alignItems: 'center', gap: 8, padding: '6px 0', borderBottom: '1px solid #f0f0f0' }} data-testid="staffcare-candidate" data-name={x.name}>
            <div style={{ flex: 1 }}>
              <strong>{x.name}</strong> <Typography.Text type="secondary">{x.unitName} · {t('staffCare.detail.load', { n: x.load })}</Typography.Text>
            </div>
            <Button size="small" type="primary" disabled={x.accountId === c.carer?.accountId || (busy !== null && busy !== x.accountId)} loading={busy === x.accountId} onClick={() => assign(x.accountId)} data-testid="staffcare-choose">
              {t('staffCare.detail.choose')}
            </Button>
          </div>
        ))}
      </Space>
    </Modal>
  );
}

function ClosureCard({ c, onDone }: { c: StaffCaseDetail; onDone: (c: StaffCaseDetail) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const { busy, problem, send: sendOnce } = useSendOnce();
  const send = (body: { action: 'propose'; summary: string } | { action: 'approve' } | { action: 'reject'; reason: string }) =>
    void sendOnce(async () => {
      onDone(await api.post<StaffCaseDetail>(`/staffcare/cases/${c.id}/closure`, body));
      setText('');
    });
  return (
    <Card size="small" title={t('staffCare.closure.title')} data-testid="staffcare-closure">
      <Space orientation="vertical" style={{ width: '100%' }}>
        {c.closure.proposedByName && c.closure.proposedAt && (
          <Typography.Text>{t('staffCare.closure.proposedBy', { name: c.closure.proposedByName, at: fmt(c.closure.proposedAt) })}</Typography.Text>
        )}
        {c.closure.summary && <Typography.Paragraph className="xy-break" style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{c.closure.summary}</Typography.Paragraph>}
        {c.closure.approvedByName && <Typography.Text type="success">{t('staffCare.closure.approvedBy', { name: c.closure.approvedByName })}</Typography.Text>}
        {c.status === 'closure_proposed' && !c.can.approve && c.can.record && <Typography.Text type="secondary">{t('staffCare.closure.ownProposal')}</Typography.Text>}
        {(c.can.propose || c.can.approve) && (
          <Input.TextArea value={text} onChange={(e) => setText(e.target.value)} autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} placeholder={c.can.propose ? t('staffCare.closure.summaryPlaceholder') : t('staffCare.closure.rejectReason')} data-testid="staffcare-closure-text" />
        )}
        {problem && <Alert type="error" showIcon title={problem} />}
        <Space wrap>
          {c.can.propose && (
            <Button disabled={!text.trim()} loading={busy} onClick={() => send({ action: 'propose', summary: text.trim() })} data-testid="staffcare-propose">
              {t('staffCare.closure.propose')}
            </Button>
          )}
          {c.can.approve && (
            <>
              <Popconfirm title={t('staffCare.closure.confirmApprove')} onConfirm={() => send({ action: 'approve' })}>
                <Button type="primary" loading={busy} data-testid="staffcare-approve">{t('staffCare.closure.approve')}</Button>
              </Popconfirm>
              <Button danger disabled={!text.trim()} loading={busy} onClick={() => send({ action: 'reject', reason: text.trim() })} data-testid="staffcare-reject">
                {t('staffCare.closure.reject')}
              </Button>
            </>
          )}
        </Space>
      </Space>
    </Card>
  );
}

/** One person's care: the record, the carers (history kept), the care records, closure and the history of changes. */
export default function StaffCaseDetailPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const { label } = useStaffCategories();
  const { data: loaded, error, loading, reload } = useAsync((signal) => api.get<StaffCaseDetail>(`/staffcare/cases/${id}`, undefined, { signal }), [id]);
  const [saved, setSaved] = useState<StaffCaseDetail | null>(null);
  const c = saved?.id === id ? saved : loaded;
  const [writing, setWriting] = useState(false);
  const [assigning, setAssigning] = useState(false);
  if (loading && !c) return <Loading />;
  if (!c) return <ErrorBox error={error} onRetry={reload} />;
  const update = (next: StaffCaseDetail) => {
    setSaved(next);
    setWriting(false);
    setAssigning(false);
  };
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Link to="/staffcare">
        <ArrowLeftOutlined /> {t('staffCare.detail.back')}
      </Link>
      <Space size={8} wrap>
        <Typography.Title level={3} style={{ margin: 0 }} data-testid="staffcare-name">{c.name}</Typography.Title>
        <Typography.Text type="secondary">{c.unitName}</Typography.Text>
        <StaffLevelTag level={c.level} />
        <StaffStatusTag status={c.status} testId="staffcare-status" />
        <Tag color={c.tier === 'leaders' ? 'purple' : 'default'}>{t(`staffCare.tier.${c.tier}`)}</Tag>
      </Space>
      <Row gutter={16}>
        <Col xs={24} lg={14}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Card size="small" title={t('staffCare.detail.basics')}>
              <Descriptions column={1} size="small">
                <Descriptions.Item label={t('staffCare.col.categories')}><CategoryTags codes={c.categories} label={label} /></Descriptions.Item>
                <Descriptions.Item label={t('staffCare.detail.reason')}><span className="xy-break" style={{ whiteSpace: 'pre-wrap' }}>{c.reason}</span></Descriptions.Item>
                <Descriptions.Item label={t('staffCare.detail.sources')}>{c.sources.map((s) => t(`staffCare.detail.source.${s}` as 'staffCare.detail.source.sweep', { defaultValue: s })).join('、')}</Descriptions.Item>
                {c.status !== 'closed' && (
                  <Descriptions.Item label={t('staffCare.col.followUps')}>
                    {c.carer ? <Space orientation="vertical" size={4}><StaffFollowUps items={c.followUps} /><Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('staffCare.followUpHint')}</Typography.Text></Space> : <Typography.Text type="secondary">{t('staffCare.noCarer')}</Typography.Text>}
                  </Descriptions.Item>
                )}
                <Descriptions.Item label={t('staffCare.detail.addedAt')}>{fmt(c.addedAt)}</Descriptions.Item>
                {c.closedAt && <Descriptions.Item label={t('staffCare.detail.closedAt')}>{fmt(c.closedAt)}</Descriptions.Item>}
              </Descriptions>
            </Card>
            <Card
              size="small"
              title={t('staffCare.detail.records')}
              extra={c.can.record && !writing && <Button size="small" type="primary" icon={<EditOutlined />} onClick={() => setWriting(true)} data-testid="staffcare-write">{t('staffCare.detail.write')}</Button>}
            >
              {writing && <div style={{ marginBottom: 12 }}><RecordForm id={c.id} onDone={update} onCancel={() => setWriting(false)} /></div>}
              <Records records={c.records} />
            </Card>
          </Space>
        </Col>
        <Col xs={24} lg={10}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Card
              size="small"
              title={t('staffCare.detail.carers')}
              extra={c.can.assign && <Button size="small" icon={<UserSwitchOutlined />} onClick={() => setAssigning(true)} data-testid="staffcare-assign">{c.carer ? t('staffCare.detail.reassign') : t('staffCare.detail.assign')}</Button>}
            >
              {!c.carers.length && <Typography.Text type="secondary">{t('staffCare.detail.carersEmpty')}</Typography.Text>}
              {c.carers.map((x) => (
                <div key={`${x.accountId}-${x.startDate}`} data-testid="staffcare-carer">
                  <strong>{x.name}</strong>{' '}
                  <Typography.Text type="secondary">
                    {x.endedAt ? t('staffCare.detail.ended', { date: fmt(x.endedAt).slice(0, 10), reason: x.endReason ?? '' }) : t('staffCare.detail.since', { date: x.startDate })}
                  </Typography.Text>
                </div>
              ))}
            </Card>
            <ClosureCard c={c} onDone={update} />
            <Card size="small" title={t('staffCare.detail.history')}>
              <Timeline
                items={c.events.map((e, i) => ({
                  key: i,
                  children: (
                    <span>
                      {fmt(e.at)} {t(`staffCare.detail.event.${e.kind}` as 'staffCare.detail.event.added', { defaultValue: e.kind })} {e.actorName && <Typography.Text type="secondary">· {e.actorName}</Typography.Text>}
                    </span>
                  ),
                }))}
              />
            </Card>
          </Space>
        </Col>
      </Row>
      {assigning && <AssignModal c={c} onClose={() => setAssigning(false)} onDone={update} />}
    </Space>
  );
}
