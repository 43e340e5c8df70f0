import { useEffect, useMemo, useRef, useState, type HTMLAttributes } from 'react';
import { Alert, App, Button, Card, Checkbox, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { ArrowLeftOutlined, SendOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, ApiError, errorMessage } from '../../api/client';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { fmt } from '../warning/shared';
import { sweepState } from '../sweep/shared';
import { LEVELS, StaffStatusTag, useStaffCategories, type Level, type StaffSweepGroup, type StaffSweepReviewBody } from './shared';

type Person = StaffSweepGroup['people'][number];
type Action = StaffSweepReviewBody['entries'][number]['action'];
interface RowState {
  none: boolean;
  categories: string[];
  action: Action;
  level: Level;
  reason: string;
}

const reviewed = (r: RowState) => r.none || r.categories.length > 0;
const needsReason = (r: RowState) => r.action === 'add' || r.action === 'remove';

function initialRow(p: Person): RowState {
  const onRegister = p.case !== null;
  const e = p.review;
  if (!e) return { none: false, categories: [], action: onRegister ? 'keep' : 'none', level: 'yellow', reason: '' };
  const action: Action = onRegister ? (e.action === 'remove' ? 'remove' : 'keep') : 'none';
  return { none: e.categories.length === 0, categories: e.categories, action, level: 'yellow', reason: action === e.action ? (e.reason ?? '') : '' };
}

/**
 * The review of one group at once ("不漏一人"): a school's staff by its leaders, or a school's leaders
 * and a bureau's own staff by the bureau. Each person: 无 or the reasons found, and what it means for
 * the register (add with a level and a reason, keep, propose removal); submit once everyone is reviewed.
 */
export default function StaffSweepGroupPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { id = '', unitId = '', tier = 'staff' } = useParams();
  const { list, label } = useStaffCategories();
  const url = `/staffcare/sweeps/${id}/groups/${unitId}/${tier}`;
  const { data: loaded, error, loading, reload } = useAsync((signal) => api.get<StaffSweepGroup>(url, undefined, { signal }), [url]);
  const [saved, setSaved] = useState<StaffSweepGroup | null>(null);
  const data = saved ?? loaded;
  const [rows, setRows] = useState<Record<string, RowState>>({});
  const [busy, setBusy] = useState(false);
  const sending = useRef(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});

  useEffect(() => {
    if (loaded) setRows(Object.fromEntries(loaded.people.map((p) => [p.subjectId, initialRow(p)])));
  }, [loaded]);

  const people = useMemo(() => data?.people ?? [], [data]);
  const stateOf = (sid: string): RowState => rows[sid] ?? { none: false, categories: [], action: 'none', level: 'yellow', reason: '' };
  const change = (sid: string, patch: Partial<RowState>) => {
    setRows((prev) => ({ ...prev, [sid]: { ...stateOf(sid), ...prev[sid], ...patch } }));
    setRowErrors((prev) => Object.fromEntries(Object.entries(prev).filter(([k]) => k !== sid)));
  };
  const pending = people.filter((p) => !reviewed(stateOf(p.subjectId)));
  const names = (ps: Person[]) => ps.slice(0, 5).map((p) => p.name).join('、') + (ps.length > 5 ? ' …' : '');
  const missingReason = people.filter((p) => needsReason(stateOf(p.subjectId)) && !stateOf(p.subjectId).reason.trim());
  const addWithout = people.filter((p) => stateOf(p.subjectId).action === 'add' && stateOf(p.subjectId).categories.length === 0);
  const blocked = !data
    ? null
    : sweepState(data.sweep) !== 'open'
      ? t('staffCare.review.blocked.period', { start: data.sweep.start, end: data.sweep.end })
      : pending.length
        ? t('staffCare.review.blocked.pending', { n: pending.length })
        : addWithout.length
          ? t('staffCare.review.blocked.categories', { names: names(addWithout) })
          : missingReason.length
            ? t('staffCare.review.blocked.reason', { names: names(missingReason) })
            : null;

  async function submit() {
    if (!data || blocked || sending.current) return;
    sending.current = true;
    setBusy(true);
    setProblem(null);
    setRowErrors({});
    const entries: StaffSweepReviewBody['entries'] = data.people.map((p) => {
      const r = stateOf(p.subjectId);
      return { subjectId: p.subjectId, categories: r.none ? [] : r.categories, action: r.action, ...(r.action === 'add' ? { level: r.level } : {}), ...(r.action !== 'none' && r.reason.trim() ? { reason: r.reason.trim() } : {}) };
    });
    try {
      const res = await api.put<StaffSweepGroup>(url, { entries });
      setSaved(res);
      setRows(Object.fromEntries(res.people.map((p) => [p.subjectId, initialRow(p)])));
      void message.success(t('staffCare.review.submitted', { n: entries.length }));
    } catch (e) {
      const fields = e instanceof ApiError && e.fields ? e.fields : {};
      const byRow: Record<string, string> = {};
      const rest: string[] = [];
      for (const [name, msg] of Object.entries(fields)) {
        const m = /^entries\.(\d+)\./.exec(name);
        const sid = m ? entries[Number(m[1])]?.subjectId : undefined;
        if (sid) byRow[sid] = msg;
        else rest.push(msg);
      }
      setRowErrors(byRow);
      setProblem([errorMessage(e), ...rest].join('：'));
    } finally {
      sending.current = false;
      setBusy(false);
    }
  }

  if (loading && !data) return <Loading />;
  if (!data) return <ErrorBox error={error} onRetry={reload} />;
  const tierLabel = t(`staffCare.tier.${data.tier}`);
  const last = people.map((p) => p.review).filter((e) => e !== null).sort((a, b) => b.reviewedAt.localeCompare(a.reviewedAt))[0];
  const postLabel = (p: string) => (p.startsWith('bureau_') ? t(`role.${p}` as 'role.bureau_admin') : t(`staffPost.${p}` as 'staffPost.leader'));

  const columns: ColumnsType<Person> = [
    {
      title: t('staffCare.review.person'),
      key: 'name',
      width: 200,
      render: (_v, p) => (
        <Space orientation="vertical" size={2}>
          <Space size={4} wrap>
            <strong data-testid="staffsweep-person">{p.name}</strong>
            {p.case && <Tag color="red" style={{ marginInlineEnd: 0 }}>{t('staffCare.review.onRegister')}</Tag>}
            {p.case && p.case.status !== 'active' && <StaffStatusTag status={p.case.status as 'closure_proposed'} />}
          </Space>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{p.posts.map(postLabel).join('、')}</Typography.Text>
        </Space>
      ),
    },
    {
      title: t('staffCare.review.categories'),
      key: 'categories',
      width: 360,
      render: (_v, p) => {
        const r = stateOf(p.subjectId);
        return (
          <Space size={8} style={{ width: '100%' }}>
            <Checkbox checked={r.none} onChange={(e) => change(p.subjectId, e.target.checked ? { none: true, categories: [] } : { none: false })} data-testid="staffsweep-none">
              {t('staffCare.review.none')}
            </Checkbox>
            <Select
              mode="multiple"
              size="small"
              value={r.categories}
              options={list.map((c) => ({ value: c.code, label: label(c.code) }))}
              onChange={(v: string[]) => change(p.subjectId, { categories: v, none: false })}
              showSearch={{ optionFilterProp: 'label' }}
              maxTagCount="responsive"
              style={{ width: 260 }}
              data-testid="staffsweep-categories"
            />
          </Space>
        );
      },
    },
    {
      title: t('staffCare.review.action'),
      key: 'action',
      render: (_v, p) => {
        const r = stateOf(p.subjectId);
        const options: Action[] = p.case ? ['keep', 'remove'] : ['none', 'add'];
        return (
          <Space orientation="vertical" size={4} style={{ width: '100%' }}>
            <Space wrap>
              <Select<Action> size="small" value={r.action} style={{ width: 120 }} onChange={(v) => change(p.subjectId, { action: v })} options={options.map((a) => ({ value: a, label: t(`staffCare.review.actions.${a}`) }))} data-testid="staffsweep-action" />
              {r.action === 'add' && (
                <Select<Level> size="small" value={r.level} style={{ width: 110 }} onChange={(v) => change(p.subjectId, { level: v })} options={LEVELS.map((l) => ({ value: l, label: t(`staffCare.level.${l}`) }))} data-testid="staffsweep-level" />
              )}
            </Space>
            {r.action !== 'none' && (
              <Input size="small" value={r.reason} maxLength={500} placeholder={t('staffCare.review.reasonPlaceholder')} onChange={(e) => change(p.subjectId, { reason: e.target.value })} status={needsReason(r) && !r.reason.trim() ? 'warning' : undefined} data-testid="staffsweep-reason" />
            )}
            {rowErrors[p.subjectId] && <Typography.Text type="danger">{rowErrors[p.subjectId]}</Typography.Text>}
          </Space>
        );
      },
    },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Link to={`/staffcare/sweeps/${id}`}>
        <ArrowLeftOutlined /> {data.sweep.name}
      </Link>
      <div>
        <Typography.Title level={3} style={{ marginTop: 0 }}>{t('staffCare.review.title', { unit: data.unit.name, tier: tierLabel })}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('staffCare.review.hint')}</Typography.Paragraph>
        {last && <Typography.Text type="secondary">{t('staffCare.review.lastBy', { name: last.reviewedByName ?? '', at: fmt(last.reviewedAt) })}</Typography.Text>}
      </div>
      <Card size="small">
        <Space wrap style={{ marginBottom: 12 }}>
          <span data-testid="staffsweep-progress" data-done={people.length - pending.length}>{t('staffCare.review.progress', { done: people.length - pending.length, total: people.length })}</span>
          <Button size="small" disabled={!pending.length} onClick={() => setRows((prev) => ({ ...prev, ...Object.fromEntries(pending.map((p) => [p.subjectId, { ...stateOf(p.subjectId), none: true, categories: [] }])) }))} data-testid="staffsweep-rest-none">
            {t('staffCare.review.restNone')}
          </Button>
        </Space>
        <Table<Person> rowKey="subjectId" size="small" columns={columns} dataSource={people} pagination={false} onRow={(p) => ({ 'data-testid': 'staffsweep-row', 'data-name': p.name, 'data-case': String(p.case !== null) }) as HTMLAttributes<HTMLElement>} locale={{ emptyText: t('staffCare.review.empty') }} scroll={{ x: 900 }} data-testid="staffsweep-table" />
        {problem && <Alert type="error" showIcon title={problem} style={{ marginTop: 12 }} data-testid="staffsweep-error" />}
        <Space style={{ marginTop: 12 }} wrap>
          <Button type="primary" icon={<SendOutlined />} disabled={!!blocked} loading={busy} onClick={() => void submit()} data-testid="staffsweep-submit">
            {t('staffCare.review.submit')}
          </Button>
          {blocked && <Typography.Text type="secondary" data-testid="staffsweep-blocked">{blocked}</Typography.Text>}
        </Space>
      </Card>
    </Space>
  );
}
