import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Drawer, Empty, Form, Input, InputNumber, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client';
import { useCan, useMe } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useQueryState } from '../../app/useQueryState';
import { useSendOnce } from '../../app/useSendOnce';
import { ErrorBox } from '../../components/ErrorBox';
import { unitsWith } from '../care/schools';
import { thisYear, useFormatValue, YEARS, type MetricInfo, type RatingEvaluation, type RatingQueue, type RatingScheme } from './shared';

const DIMENSIONS = ['staffing', 'courses', 'services', 'homeschool', 'activities'] as const;
type Criterion = RatingScheme['criteria'][number];
type Status = RatingEvaluation['status'];
type Result = NonNullable<RatingEvaluation['result']>;

function StatusTag({ status }: { status: Status }) {
  const { t } = useTranslation();
  const color = { none: 'default', draft: 'default', submitted: 'blue', returned: 'orange', approved: 'green' }[status];
  return <Tag color={color}>{t(`supervision.ratings.statuses.${status}`)}</Tag>;
}
function ResultTag({ result }: { result: Result | null }) {
  const { t } = useTranslation();
  if (!result) return null;
  return <Tag color={{ model: 'gold', qualified: 'green', failed: 'red' }[result]}>{t(`supervision.ratings.results.${result}`)}</Tag>;
}

const isNotFound = (e: unknown) => e instanceof ApiError && e.status === 404;

function SchemeTab({ year }: { year: number }) {
  const { t, i18n } = useTranslation();
  const en = i18n.language.startsWith('en');
  const can = useCan();
  const { data, error, reload } = useAsync((signal) => api.get<RatingScheme>(`/supervision/rating-schemes/${year}`, undefined, { signal }), [year]);
  const metrics = useAsync((signal) => api.get<{ items: MetricInfo[] }>('/supervision/metrics', undefined, { signal }), []);
  const [form] = Form.useForm<Omit<RatingScheme, 'id' | 'year' | 'updatedAt' | 'updatedByName' | 'canManage'>>();
  const { busy, problem, send } = useSendOnce();
  const missing = isNotFound(error);
  const editable = can('supervision.manage') && (data ? data.canManage : missing);
  if (error !== undefined && !missing) return <ErrorBox error={error} onRetry={reload} />;
  const initial = data ?? { title: t('supervision.ratings.defaultTitle', { year }), modelThreshold: 90, qualifiedThreshold: 75, criteria: [] };
  if (!editable) {
    if (!data) return <Empty description={t('supervision.ratings.noScheme')} />;
    return (
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Title level={5}>{data.title}</Typography.Title>
        <Typography.Text>{`${t('supervision.ratings.modelThreshold')} ${data.modelThreshold} · ${t('supervision.ratings.qualifiedThreshold')} ${data.qualifiedThreshold}`}</Typography.Text>
        <Table<Criterion>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={data.criteria}
          columns={[
            { title: t('supervision.ratings.dimension'), dataIndex: 'dimension', render: (d: Criterion['dimension']) => t(`supervision.ratings.dims.${d}`) },
            { title: t('supervision.ratings.criterion'), dataIndex: 'title' },
            { title: t('supervision.ratings.weight'), dataIndex: 'weight' },
            { title: t('supervision.ratings.maxScore'), dataIndex: 'maxScore' },
            { title: t('supervision.ratings.metricBound'), render: (_, c) => { const m = metrics.data?.items.find((x) => x.key === c.metricKey); return m ? `${en ? m.label.en : m.label.zh} ≥ ${c.metricTarget}` : ''; } },
          ]}
        />
      </Space>
    );
  }
  return (
    <Form
      form={form}
      layout="vertical"
      disabled={busy}
      initialValues={initial}
      key={data?.id ?? 'new'}
      onFinish={(v) =>
        void send(
          async () => {
            await api.put(`/supervision/rating-schemes/${year}`, { ...v, criteria: v.criteria.map((c, i) => ({ ...c, id: c.id || `c${i + 1}`, metricKey: c.metricKey ?? null, metricTarget: c.metricKey ? (c.metricTarget ?? null) : null })) });
            reload();
          },
          (e) => {
            if (e instanceof ApiError && e.fields) form.setFields(Object.entries(e.fields).map(([k, msg]) => ({ name: k.split('.').map((x) => (/^\d+$/.test(x) ? Number(x) : x)) as never, errors: [msg] })));
            return e instanceof Error ? e.message : String(e);
          },
        )
      }
      data-testid="scheme-form"
    >
      <Space align="start" wrap>
        <Form.Item name="title" label={t('supervision.ratings.schemeTitle')} rules={[{ required: true, message: t('supervision.common.required') }]}>
          <Input style={{ width: 360 }} />
        </Form.Item>
        <Form.Item name="modelThreshold" label={t('supervision.ratings.modelThreshold')}>
          <InputNumber min={0} max={100} />
        </Form.Item>
        <Form.Item name="qualifiedThreshold" label={t('supervision.ratings.qualifiedThreshold')}>
          <InputNumber min={0} max={100} />
        </Form.Item>
      </Space>
      <Form.List name="criteria">
        {(fields, { add, remove }) => (
          <>
            <Typography.Text type="secondary">{[t('supervision.ratings.dimension'), t('supervision.ratings.criterion'), t('supervision.ratings.weight'), t('supervision.ratings.maxScore'), t('supervision.ratings.metricBound'), t('supervision.ratings.metricTarget')].join(' · ')}</Typography.Text>
            {fields.map((f) => (
              <div key={f.key}>
              <Space align="baseline" wrap>
                <Form.Item name={[f.name, 'id']} hidden>
                  <Input />
                </Form.Item>
                <Form.Item name={[f.name, 'dimension']} rules={[{ required: true, message: t('supervision.common.required') }]}>
                  <Select style={{ width: 110 }} options={DIMENSIONS.map((d) => ({ value: d, label: t(`supervision.ratings.dims.${d}`) }))} />
                </Form.Item>
                <Form.Item name={[f.name, 'title']} rules={[{ required: true, message: t('supervision.common.required') }]}>
                  <Input placeholder={t('supervision.ratings.criterion')} style={{ width: 220 }} />
                </Form.Item>
                <Form.Item name={[f.name, 'weight']} rules={[{ required: true, message: t('supervision.common.required') }]}>
                  <InputNumber placeholder={t('supervision.ratings.weight')} min={0} style={{ width: 90 }} />
                </Form.Item>
                <Form.Item name={[f.name, 'maxScore']} rules={[{ required: true, message: t('supervision.common.required') }]}>
                  <InputNumber placeholder={t('supervision.ratings.maxScore')} min={0} style={{ width: 90 }} />
                </Form.Item>
                <Form.Item name={[f.name, 'metricKey']}>
                  <Select allowClear placeholder={t('supervision.ratings.metricBound')} style={{ width: 200 }} options={(metrics.data?.items ?? []).map((m) => ({ value: m.key, label: en ? m.label.en : m.label.zh }))} />
                </Form.Item>
                <Form.Item name={[f.name, 'metricTarget']}>
                  <InputNumber placeholder={t('supervision.ratings.metricTarget')} style={{ width: 120 }} />
                </Form.Item>
                <MinusCircleOutlined onClick={() => remove(f.name)} />
              </Space>
              </div>
            ))}
            <Space style={{ display: 'flex' }}>
              <Button icon={<PlusOutlined />} onClick={() => add({ id: `c${Date.now().toString(36)}`, dimension: 'staffing', title: '', weight: 10, maxScore: 10, metricKey: null, metricTarget: null })}>{t('supervision.ratings.addCriterion')}</Button>
              <Button type="primary" htmlType="submit" loading={busy} data-testid="scheme-save">{t('supervision.common.save')}</Button>
            </Space>
          </>
        )}
      </Form.List>
      {problem && <Alert type="error" showIcon title={problem} style={{ marginTop: 8 }} />}
    </Form>
  );
}

/** One school's evaluation: the criteria with live values, the self-evaluation form (school) or the review form (district). */
function EvaluationView({ schoolId, year, onChanged }: { schoolId: number; year: number; onChanged?: () => void }) {
  const { t, i18n } = useTranslation();
  const en = i18n.language.startsWith('en');
  const fmt = useFormatValue();
  const { data, error, reload } = useAsync((signal) => api.get<RatingEvaluation>(`/supervision/ratings/schools/${schoolId}`, { year }, { signal }), [schoolId, year]);
  const metrics = useAsync((signal) => api.get<{ items: MetricInfo[] }>('/supervision/metrics', undefined, { signal }), []);
  const [self, setSelf] = useState<Record<string, { score: number | null; evidence: string; links: string }>>({});
  const [review, setReview] = useState<Record<string, { score: number | null; comment: string }>>({});
  const [comment, setComment] = useState('');
  const { busy, problem, send } = useSendOnce();
  if (error !== undefined) return isNotFound(error) ? <Empty description={t('supervision.ratings.noScheme')} /> : <ErrorBox error={error} onRetry={reload} />;
  if (!data) return null;
  const selfOf = (id: string) => self[id] ?? { score: data.self[id]?.score ?? null, evidence: data.self[id]?.evidence ?? '', links: (data.self[id]?.links ?? []).join('\n') };
  const reviewOf = (id: string) => review[id] ?? { score: data.review[id]?.score ?? data.self[id]?.score ?? null, comment: data.review[id]?.comment ?? '' };
  const saveSelf = (submit: boolean) =>
    send(async () => {
      const body = Object.fromEntries(data.scheme.criteria.map((c) => { const s = selfOf(c.id); return [c.id, { score: s.score, evidence: s.evidence.trim(), links: s.links.split('\n').map((l) => l.trim()).filter(Boolean) }]; }));
      await api.put(`/supervision/ratings/schools/${schoolId}`, { year, self: body, submit });
      setSelf({});
      reload();
      onChanged?.();
    });
  const decide = (decision: 'approve' | 'return') =>
    send(async () => {
      await api.post(`/supervision/ratings/${data.id}/review`, { decision, comment: comment.trim(), review: Object.fromEntries(data.scheme.criteria.map((c) => [c.id, reviewOf(c.id)])) });
      setReview({});
      reload();
      onChanged?.();
    });
  const metricLabel = (k: string | null) => { const m = metrics.data?.items.find((x) => x.key === k); return m ? (en ? m.label.en : m.label.zh) : ''; };
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="evaluation">
      <Descriptions size="small" column={{ xs: 1, md: 4 }}>
        <Descriptions.Item label={t('supervision.common.school')}>{data.schoolName}</Descriptions.Item>
        <Descriptions.Item label={t('supervision.ratings.status')}><StatusTag status={data.status} /></Descriptions.Item>
        <Descriptions.Item label={t('supervision.ratings.selfTotal')}>{data.selfTotal}</Descriptions.Item>
        <Descriptions.Item label={t('supervision.ratings.result')}>{data.total !== null ? <>{data.total} <ResultTag result={data.result} /></> : '—'}</Descriptions.Item>
        {data.reviewComment && <Descriptions.Item label={t('supervision.ratings.reviewComment')} span={4}>{data.reviewComment}</Descriptions.Item>}
      </Descriptions>
      <Table<Criterion>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={data.scheme.criteria}
        columns={[
          { title: t('supervision.ratings.dimension'), dataIndex: 'dimension', width: 90, render: (d: Criterion['dimension']) => t(`supervision.ratings.dims.${d}`) },
          { title: t('supervision.ratings.criterion'), render: (_, c) => <Space orientation="vertical" size={0}><span>{c.title}</span><Typography.Text type="secondary" style={{ fontSize: 12 }}>{`${t('supervision.ratings.weight')} ${c.weight} · ${t('supervision.ratings.maxScore')} ${c.maxScore}`}</Typography.Text></Space> },
          { title: t('supervision.ratings.liveValue'), width: 140, render: (_, c) => (c.metricKey ? <Space orientation="vertical" size={0}><span>{metricLabel(c.metricKey)}</span><b>{fmt(data.metricValues[c.metricKey], metrics.data?.items.find((m) => m.key === c.metricKey)?.unit)}</b></Space> : '') },
          {
            title: t('supervision.ratings.score'),
            width: 110,
            render: (_, c) => (data.canSubmit ? <InputNumber min={0} max={c.maxScore} value={selfOf(c.id).score} onChange={(v) => setSelf({ ...self, [c.id]: { ...selfOf(c.id), score: v } })} style={{ width: 90 }} data-testid={`self-score-${c.id}`} /> : (data.self[c.id]?.score ?? '—')),
          },
          {
            title: t('supervision.ratings.evidence'),
            render: (_, c) =>
              data.canSubmit ? (
                <Space orientation="vertical" style={{ width: '100%' }} size={4}>
                  <Input.TextArea autoSize value={selfOf(c.id).evidence} onChange={(e) => setSelf({ ...self, [c.id]: { ...selfOf(c.id), evidence: e.target.value } })} placeholder={t('supervision.ratings.evidence')} />
                  <Input.TextArea autoSize value={selfOf(c.id).links} onChange={(e) => setSelf({ ...self, [c.id]: { ...selfOf(c.id), links: e.target.value } })} placeholder={t('supervision.ratings.links')} />
                </Space>
              ) : (
                <Space orientation="vertical" size={0}>
                  <span>{data.self[c.id]?.evidence}</span>
                  {(data.self[c.id]?.links ?? []).map((l) => <a key={l} href={l} target="_blank" rel="noreferrer">{l}</a>)}
                </Space>
              ),
          },
          ...(data.canReview || data.status === 'approved' || data.status === 'returned'
            ? [{
                title: t('supervision.ratings.reviewScore'),
                width: 220,
                render: (_: unknown, c: Criterion) =>
                  data.canReview ? (
                    <Space orientation="vertical" size={4}>
                      <InputNumber min={0} max={c.maxScore} value={reviewOf(c.id).score} onChange={(v) => setReview({ ...review, [c.id]: { ...reviewOf(c.id), score: v } })} style={{ width: 90 }} data-testid={`review-score-${c.id}`} />
                      <Input value={reviewOf(c.id).comment} onChange={(e) => setReview({ ...review, [c.id]: { ...reviewOf(c.id), comment: e.target.value } })} placeholder={t('supervision.ratings.reviewComment')} />
                    </Space>
                  ) : (
                    <span>{data.review[c.id]?.score ?? '—'} {data.review[c.id]?.comment}</span>
                  ),
              }]
            : []),
        ]}
      />
      {data.canSubmit && (
        <Space>
          <Button onClick={() => void saveSelf(false)} loading={busy} data-testid="self-draft">{t('supervision.ratings.saveDraft')}</Button>
          <Button type="primary" onClick={() => void saveSelf(true)} loading={busy} data-testid="self-submit">{t('supervision.ratings.submit')}</Button>
        </Space>
      )}
      {data.canReview && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Input.TextArea value={comment} onChange={(e) => setComment(e.target.value)} placeholder={t('supervision.ratings.comment')} autoSize={{ minRows: 2 }} />
          <Space>
            <Button type="primary" onClick={() => void decide('approve')} loading={busy} data-testid="review-approve">{t('supervision.ratings.approve')}</Button>
            <Button danger onClick={() => void decide('return')} loading={busy} data-testid="review-return">{t('supervision.ratings.returnIt')}</Button>
          </Space>
        </Space>
      )}
      {problem && <Alert type="error" showIcon title={problem} />}
    </Space>
  );
}

function SelfTab({ year }: { year: number }) {
  const me = useMe();
  const schools = unitsWith(me, 'rating.submit');
  const [schoolId, setSchoolId] = useState<number | undefined>(schools[0]?.id);
  if (!schoolId) return <Empty />;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {schools.length > 1 && <Select value={schoolId} onChange={setSchoolId} options={schools.map((s) => ({ value: s.id, label: s.name }))} style={{ width: 260 }} />}
      <EvaluationView schoolId={schoolId} year={year} />
    </Space>
  );
}

function QueueTab({ year }: { year: number }) {
  const { t } = useTranslation();
  const { data, error, reload, loading } = useAsync((signal) => api.get<RatingQueue>('/supervision/ratings', { year }, { signal }), [year]);
  const [open, setOpen] = useState<number | null>(null);
  return (
    <>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={data?.items ?? []}
        pagination={{ pageSize: 50 }}
        data-testid="rating-queue"
        onRow={(r) => ({ onClick: () => setOpen(r.schoolId), style: { cursor: 'pointer' } })}
        columns={[
          { title: t('supervision.common.district'), dataIndex: 'districtName', width: 120 },
          { title: t('supervision.common.school'), dataIndex: 'schoolName', render: (v: string) => <a>{v}</a> },
          { title: t('supervision.ratings.status'), dataIndex: 'status', width: 100, render: (s: Status) => <StatusTag status={s} /> },
          { title: t('supervision.ratings.selfTotal'), dataIndex: 'selfTotal', width: 100 },
          { title: t('supervision.ratings.total'), dataIndex: 'total', width: 100, render: (v: number | null) => v ?? '—' },
          { title: t('supervision.ratings.result'), dataIndex: 'result', width: 100, render: (r: Result | null) => <ResultTag result={r} /> },
          { title: t('supervision.ratings.submittedAt'), dataIndex: 'submittedAt', width: 120, render: (v: string | null) => v?.slice(0, 10) ?? '' },
        ]}
      />
      {open !== null && (
        <Drawer open size={1000} onClose={() => setOpen(null)} title={t('supervision.ratings.review')}>
          <EvaluationView schoolId={open} year={year} onChanged={reload} />
        </Drawer>
      )}
    </>
  );
}

/** 示范校评估: the scheme (the city bureau edits it), a school's self-evaluation, the district's review queue. */
export default function RatingsPage() {
  const { t } = useTranslation();
  const can = useCan();
  const [q, setQ] = useQueryState(['year', 'tab'] as const);
  const year = Number(q.year ?? thisYear());
  const items = [
    ...(can('rating.submit') ? [{ key: 'self', label: t('supervision.ratings.self'), children: <SelfTab year={year} /> }] : []),
    ...(can('rating.review') ? [{ key: 'queue', label: t('supervision.ratings.queue'), children: <QueueTab year={year} /> }] : []),
    { key: 'scheme', label: t('supervision.ratings.scheme'), children: <Card size="small"><SchemeTab year={year} /></Card> },
  ];
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="ratings-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t('supervision.menuRatings')}</Typography.Title>
      <Typography.Text type="secondary">{t('supervision.ratings.intro')}</Typography.Text>
      <Space>
        {t('supervision.common.year')}
        <Select value={year} style={{ width: 100 }} onChange={(y) => setQ({ year: y })} options={YEARS.map((y) => ({ value: y, label: String(y) }))} />
      </Space>
      <Tabs activeKey={q.tab ?? items[0]!.key} onChange={(k) => setQ({ tab: k })} items={items} />
    </Space>
  );
}
