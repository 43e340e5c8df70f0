import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Input, Popconfirm, Progress, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { ArrowLeftOutlined, CheckOutlined, SendOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { DEFAULT_CIRCUMSTANCES } from '@xinyu/core';
import { Link, useParams } from 'react-router-dom';
import { api } from '../../api/client';
import type { SweepAction, SweepClass, SweepReviewBody, SweepStudent } from '../../api/types';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { CareStatusTag } from '../care/shared';
import { fmt } from '../warning/shared';
import { needsReason, reviewed, useGroupReview, type ReviewRow } from './review';

/** What the head teacher has said about one student so far. */
interface RowState extends ReviewRow {
  note: string;
}

const BLANK: RowState = { none: false, categories: [], action: 'none', reason: '', note: '' };
const idOf = (s: SweepStudent) => s.studentId;
const nameOf = (s: SweepStudent) => s.name;

/** A student's row as stored, or a fresh one: a student on the register is kept unless the teacher says otherwise. */
function initialRow(s: SweepStudent): RowState {
  const onRegister = s.key !== null;
  const e = s.entry;
  if (!e) return { none: false, categories: [], action: onRegister ? 'keep' : 'none', reason: '', note: '' };
  // what the stored action means now: one added last time is on the register, one no longer on it cannot be kept
  const action: SweepAction = onRegister ? (e.action === 'remove' ? 'remove' : 'keep') : e.action === 'add' ? 'add' : 'none';
  return { none: e.categories.length === 0, categories: e.categories, action, reason: action === e.action ? (e.reason ?? '') : '', note: e.note };
}

interface Outcome {
  added: { name: string; reason: string }[];
  kept: { name: string; reason: string }[];
  removed: { name: string; reason: string }[];
  total: number;
}

function OutcomeCard({ outcome }: { outcome: Outcome }) {
  const { t } = useTranslation();
  const list = (items: Outcome['added'], testId: string, label: string, color: string) =>
    items.length > 0 && (
      <div data-testid={testId}>
        <Tag color={color}>{label}</Tag>
        {items.map((i) => (
          <span key={i.name} style={{ marginInlineEnd: 12 }}>
            <strong>{i.name}</strong>
            {i.reason && <Typography.Text type="secondary">（{i.reason}）</Typography.Text>}
          </span>
        ))}
      </div>
    );
  const changed = outcome.added.length + outcome.kept.length + outcome.removed.length > 0;
  return (
    <Alert
      type="success"
      showIcon
      data-testid="sweep-outcome"
      title={t('sweep.review.submitted', { n: outcome.total })}
      description={
        <Space orientation="vertical" size={6} style={{ width: '100%' }}>
          <Typography.Text strong>{t('sweep.review.outcome.title')}</Typography.Text>
          {!changed && <span data-testid="sweep-outcome-unchanged">{t('sweep.review.outcome.unchanged')}</span>}
          {list(outcome.added, 'sweep-outcome-added', t('sweep.review.outcome.added', { n: outcome.added.length }), 'red')}
          {list(outcome.kept, 'sweep-outcome-kept', t('sweep.review.outcome.kept', { n: outcome.kept.length }), 'blue')}
          {list(outcome.removed, 'sweep-outcome-removed', t('sweep.review.outcome.removed', { n: outcome.removed.length }), 'gold')}
          {changed && <Link to="/care">{t('sweep.review.outcome.open')}</Link>}
        </Space>
      }
    />
  );
}

/**
 * The head teacher's review of the whole class ("不漏一人"): one row per student with the categories
 * that apply or 无, what it means for the key-student register, and a reason where the register
 * changes. Bulk 无 for the rest, a filter for those not yet reviewed, and submit only once every
 * student is reviewed; the result says who was added, kept or proposed for removal.
 */
export default function SweepClassPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { id = '', classId = '' } = useParams();
  const { data: loaded, error, loading, reload } = useAsync((signal) => api.get<SweepClass>(`/sweeps/${id}/classes/${classId}`, undefined, { signal }), [id, classId]);
  const [saved, setSaved] = useState<SweepClass | null>(null);
  const data = saved ?? loaded;
  const [dirty, setDirty] = useState(false);
  const [pendingOnly, setPendingOnly] = useState<Set<string> | null>(null);
  const [q, setQ] = useState('');
  const [selected, setSelected] = useState<string[]>([]);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const labels = useMemo(() => Object.fromEntries((data?.categories ?? []).map((c) => [c.code, c.label])), [data]);
  // the document's seven first (留守, 单亲 …), then the region's own, then the behaviours, as the server lists them after
  const options = useMemo(() => {
    const rank = (code: string) => {
      const i = DEFAULT_CIRCUMSTANCES.findIndex((c) => c.code === code);
      return i >= 0 ? i : DEFAULT_CIRCUMSTANCES.length;
    };
    return [...(data?.categories ?? [])].sort((a, b) => rank(a.code) - rank(b.code)).map((c) => ({ value: c.code, label: c.label }));
  }, [data]);
  const students = useMemo(() => data?.students ?? [], [data]);
  const review = useGroupReview({ loaded: loaded?.students, subjects: students, sweep: data?.sweep, idOf, nameOf, initialRow, blank: BLANK });
  const { rowOf: stateOf, pending, done, rowErrors, problem, busy } = review;

  function change(sid: string, patch: Partial<RowState>) {
    review.change(sid, patch);
    setDirty(true);
  }

  function markNone(ids: readonly string[]) {
    review.markNone(ids);
    setDirty(true);
    setSelected([]);
  }

  const pendingKeys = pending.filter((s) => s.key).length;
  const blocked = review.block && t(`sweep.review.blocked.${review.block.kind}`, review.block);

  function submit() {
    if (!data || blocked) return;
    const entries: SweepReviewBody['entries'] = data.students.map((s) => {
      const r = stateOf(s.studentId);
      return { studentId: s.studentId, categories: r.none ? [] : r.categories, note: r.note.trim(), action: r.action, reason: r.action !== 'none' && r.reason.trim() ? r.reason.trim() : undefined };
    });
    // the server names each problem by entry (entries.3.reason …) and the missing students under `entries`
    review.submit(
      entries.map((e) => e.studentId),
      async () => {
        const res = await api.put<SweepClass>(`/sweeps/${id}/classes/${classId}`, { entries });
        const names = new Map(data.students.map((s) => [s.studentId, s.name]));
        const pick = (a: SweepAction) => entries.filter((e) => e.action === a).map((e) => ({ name: names.get(e.studentId) ?? '', reason: e.reason ?? '' }));
        setOutcome({ added: pick('add'), kept: pick('keep'), removed: pick('remove'), total: entries.length });
        setSaved(res);
        review.reset(res.students);
        setDirty(false);
        setPendingOnly(null);
        void message.success(t('sweep.review.submitted', { n: entries.length }));
        window.scrollTo({ top: 0 });
      },
    );
  }

  if (loading && !data) return <Loading />;
  if (!data) return <ErrorBox error={error} onRetry={reload} />;

  const last = students.map((s) => s.entry).filter((e) => e !== null).sort((a, b) => b.reviewedAt.localeCompare(a.reviewedAt))[0];
  const visible = students.filter((s) => (!pendingOnly || pendingOnly.has(s.studentId)) && (!q.trim() || s.name.includes(q.trim())));

  const columns: ColumnsType<SweepStudent> = [
    {
      title: t('sweep.review.col.student'),
      key: 'student',
      width: 180,
      render: (_v, s) => {
        const r = stateOf(s.studentId);
        const fromRecord = s.circumstances.filter((c) => !r.categories.includes(c));
        return (
          <Space orientation="vertical" size={2}>
            <Space size={4} wrap>
              <strong data-testid="sweep-student-name">{s.name}</strong>
              {s.key && (
                <Tag color="red" style={{ marginInlineEnd: 0 }} data-testid="sweep-on-register">
                  {t('sweep.review.onRegister')}
                </Tag>
              )}
              {s.key && s.key.status !== 'active' && <CareStatusTag status={s.key.status as 'closure_proposed'} />}
            </Space>
            {s.circumstances.length > 0 && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('sweep.review.record')}：{s.circumstances.map((c) => labels[c] ?? c).join('、')}
                {fromRecord.length > 0 && (
                  <a style={{ marginInlineStart: 6 }} onClick={() => change(s.studentId, { none: false, categories: [...new Set([...r.categories, ...s.circumstances])] })} data-testid="sweep-use-record">
                    {t('sweep.review.useRecord')}
                  </a>
                )}
              </Typography.Text>
            )}
          </Space>
        );
      },
    },
    {
      title: t('sweep.review.col.categories'),
      key: 'categories',
      width: 330,
      render: (_v, s) => {
        const r = stateOf(s.studentId);
        return (
          <Space size={8} align="center" style={{ width: '100%' }}>
            <Checkbox checked={r.none} onChange={(e) => change(s.studentId, e.target.checked ? { none: true, categories: [] } : { none: false })} data-testid="sweep-none">
              {t('sweep.review.none')}
            </Checkbox>
            <Select
              mode="multiple"
              size="small"
              value={r.categories}
              options={options}
              onChange={(v: string[]) => change(s.studentId, { categories: v, none: false })}
              placeholder={t('sweep.review.categoriesPlaceholder')}
              showSearch={{ optionFilterProp: 'label' }}
              style={{ width: 240 }}
              maxTagCount="responsive"
              data-testid="sweep-categories"
            />
          </Space>
        );
      },
    },
    {
      title: t('sweep.review.col.action'),
      key: 'action',
      width: 120,
      render: (_v, s) => (
        <Select<SweepAction>
          size="small"
          value={stateOf(s.studentId).action}
          onChange={(v) => change(s.studentId, { action: v })}
          options={(s.key ? (['keep', 'remove'] as const) : (['none', 'add'] as const)).map((a) => ({ value: a, label: t(`sweep.review.action.${a}`) }))}
          style={{ width: 108 }}
          data-testid="sweep-action"
        />
      ),
    },
    {
      title: t('sweep.review.col.reason'),
      key: 'reason',
      width: 180,
      render: (_v, s) => {
        const r = stateOf(s.studentId);
        if (r.action === 'none') return <Typography.Text type="secondary">—</Typography.Text>;
        return (
          <Input
            size="small"
            value={r.reason}
            maxLength={500}
            status={needsReason(r) && !r.reason.trim() ? 'warning' : undefined}
            placeholder={t(`sweep.review.reasonFor.${r.action}`)}
            onChange={(e) => change(s.studentId, { reason: e.target.value })}
            data-testid="sweep-reason"
          />
        );
      },
    },
    {
      title: t('sweep.review.col.note'),
      key: 'note',
      width: 150,
      render: (_v, s) => <Input size="small" value={stateOf(s.studentId).note} maxLength={500} placeholder={t('sweep.review.notePlaceholder')} onChange={(e) => change(s.studentId, { note: e.target.value })} data-testid="sweep-note" />,
    },
    {
      title: t('sweep.review.col.state'),
      key: 'state',
      width: 100,
      render: (_v, s) => (
        <Space orientation="vertical" size={2}>
          {reviewed(stateOf(s.studentId)) ? <Tag color="success">{t('sweep.review.reviewed')}</Tag> : <Tag color="warning">{t('sweep.review.pending')}</Tag>}
          {rowErrors[s.studentId] && (
            <Typography.Text type="danger" style={{ fontSize: 12 }} data-testid="sweep-row-error">
              {rowErrors[s.studentId]}
            </Typography.Text>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="sweep-class-page">
      <Link to="/sweeps">
        <ArrowLeftOutlined /> {t('sweep.review.back')}
      </Link>
      <h1 className="xy-page-title" style={{ margin: 0 }} data-testid="sweep-class-title">
        {t('sweep.review.title', { name: data.className })}
      </h1>
      <Typography.Text type="secondary">
        {data.sweep.name} · {data.sweep.term} · {data.sweep.start} ~ {data.sweep.end}
        {last && <> · {t('sweep.review.lastReviewed', { by: last.reviewedByName ?? '—', at: fmt(last.reviewedAt) })}</>}
      </Typography.Text>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('sweep.review.hint')}
      </Typography.Paragraph>
      {outcome && !dirty && <OutcomeCard outcome={outcome} />}
      <Card size="small">
        <Space orientation="vertical" size={8} style={{ width: '100%' }}>
          <Space wrap size={16} style={{ width: '100%', justifyContent: 'space-between' }}>
            <Space size={12} align="center">
              <Progress type="circle" size={44} percent={students.length ? Math.round((done / students.length) * 100) : 0} status={done === students.length ? 'success' : 'active'} />
              <Typography.Text strong data-testid="sweep-progress" data-done={done} data-total={students.length}>
                {t('sweep.review.progress', { done, total: students.length })}
              </Typography.Text>
            </Space>
            <Space wrap>
              <Input.Search allowClear placeholder={t('sweep.review.search')} onChange={(e) => setQ(e.target.value)} style={{ width: 180 }} data-testid="sweep-search" />
              <Space size={6}>
                <Switch checked={pendingOnly !== null} onChange={(on) => setPendingOnly(on ? new Set(pending.map((s) => s.studentId)) : null)} data-testid="sweep-pending-only" />
                <span>{t('sweep.review.onlyPending')}</span>
              </Space>
              <Button disabled={!selected.length} icon={<CheckOutlined />} onClick={() => markNone(selected)} data-testid="sweep-none-selected">
                {t('sweep.review.noneSelected', { n: selected.length })}
              </Button>
              <Popconfirm
                title={t('sweep.review.noneRestConfirm', { n: pending.length })}
                description={pendingKeys ? <div style={{ maxWidth: 320 }}>{t('sweep.review.noneRestKeyNote', { n: pendingKeys })}</div> : undefined}
                onConfirm={() => markNone(pending.map((s) => s.studentId))}
                okButtonProps={{ 'data-testid': 'sweep-none-rest-ok' } as never}
                disabled={!pending.length}
              >
                <Button disabled={!pending.length} data-testid="sweep-none-rest">
                  {t('sweep.review.noneRest', { n: pending.length })}
                </Button>
              </Popconfirm>
            </Space>
          </Space>
        </Space>
      </Card>
      <Table<SweepStudent>
        rowKey="studentId"
        size="small"
        columns={columns}
        dataSource={visible}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('sweep.review.empty') }}
        rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) }}
        onRow={(s) =>
          ({
            'data-testid': 'sweep-student',
            'data-student': s.studentId,
            'data-name': s.name,
            'data-reviewed': reviewed(stateOf(s.studentId)),
            'data-key': s.key !== null,
            style: rowErrors[s.studentId] ? { background: '#fff1f0' } : undefined,
          }) as never
        }
        data-testid="sweep-students"
      />
      <Card size="small" style={{ position: 'sticky', bottom: 0, zIndex: 2 }}>
        <Space orientation="vertical" size={8} style={{ width: '100%' }}>
          {problem && <Alert type="error" showIcon title={problem} description={Object.keys(rowErrors).length ? t('sweep.review.rowErrors') : undefined} data-testid="sweep-error" />}
          <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
            <Typography.Text type={blocked ? 'warning' : 'success'} data-testid="sweep-blocked" data-blocked={blocked !== null}>
              {blocked ?? t('sweep.review.ready', { n: students.length })}
            </Typography.Text>
            <Button type="primary" icon={<SendOutlined />} disabled={blocked !== null} loading={busy} onClick={submit} data-testid="sweep-submit">
              {t('sweep.review.submit')}
            </Button>
          </Space>
        </Space>
      </Card>
    </Space>
  );
}
