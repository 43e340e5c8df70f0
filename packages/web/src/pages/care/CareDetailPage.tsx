import { useState } from 'react';
import { Alert as AntAlert, App, Button, Card, DatePicker, Descriptions, Empty, Form, Input, Modal, Popconfirm, Radio, Space, Tag, Timeline, Typography } from 'antd';
import { ArrowLeftOutlined, EditOutlined, HistoryOutlined, UserSwitchOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { DIARY_KINDS, type DiaryKind } from '@xinyu/core';
import { api, errorMessage } from '../../api/client';
import type { CareCandidate, CareOffer, ClosureBody, DiaryEntry, Items, KeyStudentDetail } from '../../api/types';
import { applyFormErrors } from '../../app/formErrors';
import { useAsync } from '../../app/useAsync';
import { useSendOnce, useSendOnceFor } from '../../app/useSendOnce';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { AlertLevelTag, fmt } from '../warning/shared';
import { RecordTimeline, useRecordForm } from './records';
import { CategoryTags, CareStatusTag, CareTeacher, FollowUps } from './shared';

const KINDS = Object.keys(DIARY_KINDS) as DiaryKind[];
const TOPICS = ['study', 'relationships', 'family', 'social', 'wishes', 'plan'] as const;

/** 写成长日记: kind, date, mood, the six topics (folded away), the note. One client id per opened form. */
function DiaryForm({ id, onDone, onCancel }: { id: string; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [more, setMore] = useState(false);
  const { form, busy, problem, onFinish } = useRecordForm<DiaryKind, (typeof TOPICS)[number]>(TOPICS, async (body) => {
    await api.post(`/care/students/${id}/diary`, body);
    onDone();
  });
  return (
    <Card size="small" title={t('care.write')} data-testid="diary-form">
      <Form form={form} layout="vertical" disabled={busy} initialValues={{ kind: 'talk', date: dayjs() }} onFinish={onFinish} requiredMark="optional">
        <Form.Item name="kind" label={t('care.form.kind')} rules={[{ required: true, message: t('care.form.required') }]}>
          <Radio.Group optionType="button" buttonStyle="solid" style={{ display: 'flex', flexWrap: 'wrap', rowGap: 6 }}>
            {KINDS.map((k) => (
              <Radio.Button key={k} value={k}>
                <span data-testid={`diary-kind-${k}`}>{t(`care.kind.${k}`)}</span>
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item name="date" label={t('care.form.date')} rules={[{ required: true, message: t('care.form.required') }]}>
          <DatePicker allowClear={false} disabledDate={(d) => d.isAfter(dayjs(), 'day')} inputReadOnly style={{ width: 180 }} data-testid="diary-date" />
        </Form.Item>
        <Form.Item name="mood" label={t('care.form.mood')}>
          <Radio.Group style={{ display: 'flex', flexWrap: 'wrap', rowGap: 6 }}>
            {[1, 2, 3, 4, 5].map((m) => (
              <Radio key={m} value={m}>
                <span data-testid={`diary-mood-${m}`}>
                  {m} {t(`care.mood.m${m}` as 'care.mood.m1')}
                </span>
              </Radio>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item name="note" label={t('care.form.note')} rules={[{ required: true, whitespace: true, message: t('care.form.required') }]}>
          <Input.TextArea autoSize={{ minRows: 4, maxRows: 12 }} maxLength={4000} placeholder={t('care.form.notePlaceholder')} style={{ fontSize: 16 }} data-testid="diary-note" />
        </Form.Item>
        <Button type="link" style={{ padding: 0, marginBottom: 8 }} onClick={() => setMore(!more)} data-testid="diary-more">
          {t('care.form.more')} {more ? '▴' : '▾'}
        </Button>
        <div style={{ display: more ? 'block' : 'none' }}>
          {TOPICS.map((k) => (
            <Form.Item key={k} name={k} label={t(`care.form.${k}`)}>
              <Input.TextArea autoSize={{ minRows: 1, maxRows: 6 }} maxLength={1000} style={{ fontSize: 16 }} data-testid={`diary-${k}`} />
            </Form.Item>
          ))}
        </div>
        {problem && <AntAlert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
        <Space wrap>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="diary-submit">
            {t('care.form.submit')}
          </Button>
          <Button onClick={onCancel}>{t('care.form.cancel')}</Button>
        </Space>
      </Form>
    </Card>
  );
}

function DiaryTimeline({ diary }: { diary: DiaryEntry[] }) {
  const { t } = useTranslation();
  return (
    <RecordTimeline
      records={diary}
      topics={TOPICS}
      kindLabel={(k) => t(`care.kind.${k}`)}
      topicLabel={(k) => t(`care.form.${k}`)}
      moodText={(m) => `${t('care.form.mood').split('（')[0]!.split(' (')[0]} ${m}`}
      color={(d) => (d.kind === 'talk' || d.kind === 'home_visit' ? 'blue' : 'gray')}
      empty={t('care.diaryEmpty')}
      testId="care-diary"
      entryTestIdPrefix="diary-entry-"
    />
  );
}

/** 指派包保教师: the school's staff with how many students each already has, and why the policy refuses some. */
function AssignModal({ k, onClose, onDone }: { k: KeyStudentDetail; onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const { data, error, loading, reload } = useAsync((signal) => api.get<Items<CareCandidate>>(`/care/students/${k.id}/candidates`, undefined, { signal }), [k.id]);
  const [q, setQ] = useState('');
  const [reason, setReason] = useState('');
  const { busyKey: busy, problem, send } = useSendOnceFor();
  const assign = (c: CareCandidate) =>
    void send(c.accountId, async () => {
      await api.post(`/care/students/${k.id}/assign`, { accountId: c.accountId, ...(reason.trim() ? { reason: reason.trim() } : {}) });
      onDone();
    });
  const items = (data?.items ?? []).filter((c) => !q.trim() || c.name.includes(q.trim()));
  return (
    <Modal open title={k.careTeacher ? t('care.reassign') : t('care.assign')} onCancel={onClose} footer={null} width={560} destroyOnHidden>
      <Space orientation="vertical" size={8} style={{ width: '100%' }} data-testid="assign-modal">
        <Input.Search allowClear value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('care.candidates.name')} data-testid="assign-search" />
        {k.careTeacher && <Input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} placeholder={t('care.form.assignReason')} />}
        {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
        {problem && <AntAlert type="error" showIcon title={problem} />}
        {loading && <Loading />}
        {!loading && items.length === 0 && <Empty description={t('care.candidates.none')} image={Empty.PRESENTED_IMAGE_SIMPLE} />}
        <div style={{ maxHeight: 420, overflowY: 'auto' }}>
          {items.map((c) => (
            <div key={c.accountId} style={{ display: 'flex', alignItems: 'center', gap: 8, padding: '8px 0', borderBottom: '1px solid #f0f0f0' }} data-testid="assign-candidate" data-name={c.name}>
              <div style={{ flex: 1, minWidth: 0 }}>
                <Space size={4} wrap>
                  <strong>{c.name}</strong>
                  {c.isLeader && <Tag color="purple">{t('care.candidates.leader')}</Tag>}
                  {c.offer && <Tag color="gold" data-testid="assign-offered">{t('care.volunteer.offered')}</Tag>}
                  <Typography.Text type="secondary">
                    {t('care.candidates.load')} {c.load}
                  </Typography.Text>
                </Space>
                {c.offer && <div className="xy-break" style={{ fontSize: 13, color: '#595959' }}>{c.offer.note}</div>}
                {c.problems.length > 0 && <div style={{ color: '#cf1322', fontSize: 13 }}>{c.problems.join('；')}</div>}
              </div>
              <Button
                size="small"
                type="primary"
                disabled={c.problems.length > 0 || c.accountId === k.careTeacher?.accountId || (busy !== null && busy !== c.accountId)}
                loading={busy === c.accountId}
                onClick={() => assign(c)}
                data-testid="assign-choose"
              >
                {t('care.candidates.choose')}
              </Button>
            </div>
          ))}
        </div>
      </Space>
    </Modal>
  );
}

/**
 * 包保报名 (two-way choice): the teachers who offered to care for this student. 同意 assigns the
 * volunteer (the policy applies); 婉拒 needs a reason, which the volunteer is told.
 */
function OffersCard({ id, onAssigned }: { id: string; onAssigned: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { data, error, reload } = useAsync((signal) => api.get<Items<CareOffer>>(`/care/students/${id}/offers`, undefined, { signal }), [id]);
  const { busyKey: busy, send } = useSendOnceFor();
  const [declining, setDeclining] = useState<CareOffer | null>(null);
  const [reason, setReason] = useState('');
  const act = (o: CareOffer, action: 'approve' | 'decline') =>
    void send(
      o.id,
      async () => {
        await api.post(`/care/offers/${o.id}/${action}`, action === 'decline' ? { reason: reason.trim() } : undefined);
        setDeclining(null);
        if (action === 'approve') onAssigned();
        else {
          void message.success(t('care.saved'));
          reload();
        }
      },
      (e) => {
        void message.error(errorMessage(e));
        return null;
      },
    );
  if (error !== undefined) return <ErrorBox error={error} onRetry={reload} />;
  if (!data?.items.length) return null;
  return (
    <Card size="small" title={t('care.volunteer.offers')} data-testid="care-offers">
      {data.items.map((o) => (
        <div key={o.id} style={{ padding: '6px 0', borderBottom: '1px solid #f0f0f0' }} data-testid={`care-offer-${o.id}`} data-name={o.name} data-status={o.status}>
          <Space size={6} wrap>
            <strong>{o.name}</strong>
            <Tag color={o.status === 'pending' ? 'gold' : o.status === 'approved' ? 'green' : 'default'}>{t(`care.volunteer.status.${o.status}`)}</Tag>
            <Typography.Text type="secondary">{fmt(o.createdAt)}</Typography.Text>
          </Space>
          <div className="xy-break" style={{ fontSize: 13 }}>{o.note}</div>
          {o.declineReason && <div className="xy-break" style={{ fontSize: 13, color: '#8c8c8c' }}>{t('care.volunteer.declined', { reason: o.declineReason })}</div>}
          {o.problems.length > 0 && <div style={{ color: '#cf1322', fontSize: 13 }}>{o.problems.join('；')}</div>}
          {o.status === 'pending' && (
            <Space size={8} style={{ marginTop: 4 }}>
              <Popconfirm title={t('care.volunteer.approveConfirm', { name: o.name })} onConfirm={() => act(o, 'approve')} okButtonProps={{ 'data-testid': 'offer-approve-ok' } as never}>
                <Button size="small" type="primary" disabled={o.problems.length > 0} loading={busy === o.id} data-testid="offer-approve">
                  {t('care.volunteer.approve')}
                </Button>
              </Popconfirm>
              <Button size="small" onClick={() => { setReason(''); setDeclining(o); }} data-testid="offer-decline">
                {t('care.volunteer.decline')}
              </Button>
            </Space>
          )}
        </div>
      ))}
      {declining && (
        <Modal open title={`${t('care.volunteer.decline')} · ${declining.name}`} onCancel={() => setDeclining(null)} onOk={() => act(declining, 'decline')} okButtonProps={{ disabled: !reason.trim(), 'data-testid': 'offer-decline-ok' } as never} confirmLoading={busy === declining.id} okText={t('care.form.submit')} cancelText={t('care.form.cancel')} destroyOnHidden>
          <Input.TextArea value={reason} onChange={(e) => setReason(e.target.value)} maxLength={300} autoSize={{ minRows: 2, maxRows: 5 }} placeholder={t('care.volunteer.declineReason')} data-testid="offer-decline-reason" />
        </Modal>
      )}
    </Card>
  );
}

/** 申请销号 (summary) or 退回 (reason): one text and a submit. */
function ClosureForm({ id, action, onDone, onCancel }: { id: string; action: 'propose' | 'reject'; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ text: string }>();
  const { busy, problem, send } = useSendOnce();
  const submit = (v: { text: string }) =>
    void send(
      async () => {
        const body: ClosureBody = action === 'propose' ? { action, summary: v.text.trim() } : { action, reason: v.text.trim() };
        await api.post(`/care/students/${id}/closure`, body);
        onDone();
      },
      (e) => applyFormErrors(form, e, ['text'], (n) => (n === 'summary' || n === 'reason' ? 'text' : undefined)),
    );
  return (
    <Card size="small" title={action === 'propose' ? t('care.propose') : t('care.reject')} data-testid={`closure-form-${action}`}>
      <Form form={form} layout="vertical" disabled={busy} onFinish={submit}>
        <Form.Item name="text" label={action === 'propose' ? t('care.form.summary') : t('care.form.rejectReason')} rules={[{ required: true, whitespace: true, message: t('care.form.required') }]}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} maxLength={2000} placeholder={action === 'propose' ? t('care.form.summaryPlaceholder') : undefined} style={{ fontSize: 16 }} data-testid="closure-text" />
        </Form.Item>
        {problem && <AntAlert type="error" showIcon title={problem} style={{ marginBottom: 12 }} />}
        <Space wrap>
          <Button type="primary" htmlType="submit" loading={busy} danger={action === 'reject'} data-testid="closure-submit">
            {t('care.form.submit')}
          </Button>
          <Button onClick={onCancel}>{t('care.form.cancel')}</Button>
        </Space>
      </Form>
    </Card>
  );
}

function eventText(detail: Record<string, unknown>, t: (k: string) => string): string {
  const parts: string[] = [];
  if (typeof detail.name === 'string') parts.push(detail.name);
  if (typeof detail.source === 'string') parts.push(t(`care.source.${detail.source}`));
  if (typeof detail.reason === 'string') parts.push(detail.reason);
  if (typeof detail.summary === 'string') parts.push(detail.summary);
  return parts.join(' · ');
}

/**
 * One key student: the record, the care teachers over time, the growth diary and closure (销号).
 * Used on a desktop (/care/:id) and on a care teacher's phone (/m/care/:id): everything stacks at 375 px.
 */
export default function CareDetailPage({ base = '/care' }: { base?: string }) {
  const { t } = useTranslation();
  const id = useParams().id ?? '';
  const { message } = App.useApp();
  const { data: k, error, loading, reload } = useAsync((signal) => api.get<KeyStudentDetail>(`/care/students/${id}`, undefined, { signal }), [id]);
  const [form, setForm] = useState<'diary' | 'propose' | 'reject' | 'assign' | null>(null);
  const [approving, setApproving] = useState(false);

  if (loading && !k) return <Loading />;
  if (error !== undefined || !k) return error !== undefined ? <ErrorBox error={error} onRetry={reload} /> : <Empty description={t('care.notFound')} />;

  const done = () => {
    setForm(null);
    void message.success(t('care.saved'));
    reload();
  };
  async function approve() {
    setApproving(true);
    try {
      await api.post(`/care/students/${id}/closure`, { action: 'approve' } satisfies ClosureBody);
      done();
    } catch (e) {
      void message.error(errorMessage(e));
    } finally {
      setApproving(false);
    }
  }
  const open = k.status !== 'closed';
  const tt = t as unknown as (key: string) => string;

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="care-detail" data-status={k.status}>
      <Link to={base}>
        <ArrowLeftOutlined /> {t('care.back')}
      </Link>
      <Space size={8} wrap align="center">
        <Typography.Title level={4} style={{ margin: 0 }} data-testid="care-detail-name">
          {k.name}
        </Typography.Title>
        <AlertLevelTag level={k.level} />
        <CareStatusTag status={k.status} testId="care-detail-status" />
        <Typography.Text type="secondary">{k.className}</Typography.Text>
        {/* the student's record (一生一档) is a desktop page */}
        {base === '/care' && (
          <Link to={`/students/${k.studentId}#timeline`} data-testid="care-timeline-link">
            <HistoryOutlined /> {t('warning.timeline.link')}
          </Link>
        )}
      </Space>
      <Space wrap data-testid="care-actions">
        {k.can.writeDiary && open && (
          <Button type="primary" icon={<EditOutlined />} onClick={() => setForm('diary')} data-testid="care-write">
            {t('care.write')}
          </Button>
        )}
        {k.can.assign && open && (
          <Button icon={<UserSwitchOutlined />} onClick={() => setForm('assign')} data-testid="care-assign">
            {k.careTeacher ? t('care.reassign') : t('care.assign')}
          </Button>
        )}
        {k.can.propose && k.status === 'active' && (
          <Button onClick={() => setForm('propose')} data-testid="care-propose">
            {t('care.propose')}
          </Button>
        )}
        {k.can.approve && k.status === 'closure_proposed' && (
          <>
            <Popconfirm title={t('care.approve')} onConfirm={() => void approve()} okButtonProps={{ 'data-testid': 'care-approve-ok' } as never}>
              <Button type="primary" loading={approving} data-testid="care-approve">
                {t('care.approve')}
              </Button>
            </Popconfirm>
            <Button danger onClick={() => setForm('reject')} data-testid="care-reject">
              {t('care.reject')}
            </Button>
          </>
        )}
      </Space>
      {form === 'diary' && <DiaryForm id={id} onDone={done} onCancel={() => setForm(null)} />}
      {(form === 'propose' || form === 'reject') && <ClosureForm id={id} action={form} onDone={done} onCancel={() => setForm(null)} />}
      {form === 'assign' && <AssignModal k={k} onClose={() => setForm(null)} onDone={done} />}
      {k.can.assign && open && <OffersCard key={k.careTeacher?.accountId ?? 'none'} id={id} onAssigned={done} />}
      <Card size="small" title={t('care.record')} data-testid="care-record">
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 1, md: 2 }}
          items={[
            { key: 'c', label: t('care.col.categories'), children: <CategoryTags codes={k.categories} /> },
            { key: 't', label: t('care.col.careTeacher'), children: <span data-testid="care-detail-teacher"><CareTeacher k={k} /></span> },
            { key: 'r', label: t('care.reason'), children: <span className="xy-break">{k.reason}</span> },
            { key: 's', label: t('care.sources'), children: k.sources.map((s) => tt(`care.source.${s}`) || s).join('、') },
            { key: 'f', label: t('care.col.followUps'), children: open ? <FollowUps items={k.followUps} /> : '—' },
            { key: 'a', label: t('care.addedAt'), children: fmt(k.addedAt) },
            ...(k.closure.proposedByName
              ? [{ key: 'p', label: t('care.closure'), children: <span className="xy-break" data-testid="care-closure">{t('care.proposedBy', { name: k.closure.proposedByName, at: fmt(k.closure.proposedAt) })}：{k.closure.summary}</span> }]
              : []),
            ...(k.closedAt ? [{ key: 'x', label: t('care.closedAt'), children: `${fmt(k.closedAt)}${k.closure.approvedByName ? ` · ${t('care.approvedBy', { name: k.closure.approvedByName })}` : ''}` }] : []),
          ]}
        />
      </Card>
      <Card size="small" title={t('care.diary')}>
        {k.diary === null ? <Typography.Text type="secondary">{t('care.diaryHidden')}</Typography.Text> : <DiaryTimeline diary={k.diary} />}
      </Card>
      <Card size="small" title={t('care.assignments')} data-testid="care-assignments">
        {k.assignments.length === 0 ? (
          <Typography.Text type="secondary">{t('care.assignmentsEmpty')}</Typography.Text>
        ) : (
          k.assignments.map((a) => (
            <div key={`${a.accountId}-${a.startDate}`} style={{ padding: '4px 0' }}>
              <strong>{a.name}</strong>
              {a.asLeader && <Tag style={{ marginInlineStart: 4 }}>{t('care.asLeader')}</Tag>} {a.startDate} — {a.endedAt ? t('care.ended', { date: a.endedAt.slice(0, 10) }) : <Tag color="blue">{t('care.current')}</Tag>}
              {a.endReason && <Typography.Text type="secondary"> · {a.endReason}</Typography.Text>}
            </div>
          ))
        )}
      </Card>
      <Card size="small" title={t('care.history')}>
        <Timeline
          data-testid="care-events"
          items={k.events.map((e, i) => ({
            key: i,
            children: (
              <div data-testid={`care-event-${e.kind}`}>
                <Space size={6} wrap>
                  <strong>{tt(`care.event.${e.kind}`) || e.kind}</strong>
                  <Typography.Text type="secondary">
                    {fmt(e.at)} {e.actorName ?? ''}
                  </Typography.Text>
                </Space>
                {eventText(e.detail, tt) && <div className="xy-break" style={{ fontSize: 13, color: '#595959' }}>{eventText(e.detail, tt)}</div>}
              </div>
            ),
          }))}
        />
      </Card>
    </Space>
  );
}
