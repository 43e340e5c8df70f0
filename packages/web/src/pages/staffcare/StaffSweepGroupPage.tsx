import { useMemo, useState, type HTMLAttributes } from 'react';
import { Alert, App, Button, Card, Checkbox, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { ArrowLeftOutlined, SendOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api } from '../../api/client';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { fmt } from '../warning/shared';
import { needsReason, useGroupReview, type ReviewRow } from '../sweep/review';
import { LEVELS, StaffStatusTag, useStaffCategories, type Level, type StaffSweepGroup, type StaffSweepReviewBody } from './shared';

type Person = StaffSweepGroup['people'][number];
type Action = StaffSweepReviewBody['entries'][number]['action'];
interface RowState extends ReviewRow {
  level: Level;
}

const BLANK: RowState = { none: false, categories: [], action: 'none', level: 'yellow', reason: '' };
const idOf = (p: Person) => p.subjectId;
const nameOf = (p: Person) => p.name;

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
  const people = useMemo(() => data?.people ?? [], [data]);
  const review = useGroupReview({ loaded: loaded?.people, subjects: people, sweep: data?.sweep, idOf, nameOf, initialRow, blank: BLANK });
  const { rowOf: stateOf, change, pending, rowErrors, problem, busy } = review;
  const blocked = review.block && t(`staffCare.review.blocked.${review.block.kind}`, review.block);

  function submit() {
    if (!data || blocked) return;
    const entries: StaffSweepReviewBody['entries'] = data.people.map((p) => {
      const r = stateOf(p.subjectId);
      return { subjectId: p.subjectId, categories: r.none ? [] : r.categories, action: r.action, ...(r.action === 'add' ? { level: r.level } : {}), ...(r.action !== 'none' && r.reason.trim() ? { reason: r.reason.trim() } : {}) };
    });
    review.submit(
      entries.map((e) => e.subjectId),
      async () => {
        const res = await api.put<StaffSweepGroup>(url, { entries });
        setSaved(res);
        review.reset(res.people);
        void message.success(t('staffCare.review.submitted', { n: entries.length }));
      },
    );
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
          <Button size="small" disabled={!pending.length} onClick={() => review.markNone(pending.map((p) => p.subjectId))} data-testid="staffsweep-rest-none">
            {t('staffCare.review.restNone')}
          </Button>
        </Space>
        <Table<Person> rowKey="subjectId" size="small" columns={columns} dataSource={people} pagination={false} onRow={(p) => ({ 'data-testid': 'staffsweep-row', 'data-name': p.name, 'data-case': String(p.case !== null) }) as HTMLAttributes<HTMLElement>} locale={{ emptyText: t('staffCare.review.empty') }} scroll={{ x: 900 }} data-testid="staffsweep-table" />
        {problem && <Alert type="error" showIcon title={problem} style={{ marginTop: 12 }} data-testid="staffsweep-error" />}
        <Space style={{ marginTop: 12 }} wrap>
          <Button type="primary" icon={<SendOutlined />} disabled={!!blocked} loading={busy} onClick={submit} data-testid="staffsweep-submit">
            {t('staffCare.review.submit')}
          </Button>
          {blocked && <Typography.Text type="secondary" data-testid="staffsweep-blocked">{blocked}</Typography.Text>}
        </Space>
      </Card>
    </Space>
  );
}
