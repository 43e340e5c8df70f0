import { useMemo, useState } from 'react';
import { Alert, Button, Checkbox, DatePicker, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { applyFormErrors } from '../../app/formErrors';
import { useAsync } from '../../app/useAsync';
import { useQueryState } from '../../app/useQueryState';
import { useSendOnce } from '../../app/useSendOnce';
import { uuid } from '../../app/uuid';
import { ErrorBox } from '../../components/ErrorBox';
import { MetricName, ProgressCell, thisYear, useFormatValue, YEARS, type MetricInfo, type Target, type TargetDetail, type TargetListOut, type TargetProgress } from './shared';

interface FormValues {
  list: number;
  task: string;
  metricKey?: string | null;
  comparator?: 'at_least' | 'at_most' | null;
  targetValue?: number | null;
  deadline?: Dayjs | null;
  responsibleUnit?: string;
  manualStatus?: 'not_started' | 'in_progress' | 'done' | null;
  milestones?: { title: string; due?: Dayjs | null; done?: boolean; evidence?: string }[];
  evidence?: string;
  overrides?: Record<string, number | null>;
}

const FIELDS = ['list', 'task', 'metricKey', 'comparator', 'targetValue', 'deadline', 'responsibleUnit', 'manualStatus', 'evidence'] as const;

function TargetModal({ year, list, target, metrics, onClose, onSaved }: { year: number; list: number; target: Target | null; metrics: MetricInfo[]; onClose: () => void; onSaved: () => void }) {
  const { t, i18n } = useTranslation();
  const en = i18n.language.startsWith('en');
  const [form] = Form.useForm<FormValues>();
  const [clientId] = useState(uuid);
  const { busy, problem, send } = useSendOnce();
  const metricKey = Form.useWatch('metricKey', form);
  const picked = metrics.find((m) => m.key === metricKey);
  // district target values: for a city target already bound to a metric, its districts come from its progress
  const districts = useAsync(
    (signal) => (target?.metric && target.ownerKind === 'city' ? api.get<TargetProgress>(`/supervision/targets/${target.id}/progress`, undefined, { signal }).then((p) => p.districts) : Promise.resolve([])),
    [target?.id],
  );
  const initial: FormValues = target
    ? {
        ...target,
        deadline: target.deadline ? dayjs(target.deadline) : null,
        milestones: target.milestones.map((m) => ({ ...m, due: m.due ? dayjs(m.due) : null })),
      }
    : { list, task: '', metricKey: null, comparator: 'at_least', targetValue: null, manualStatus: 'not_started', milestones: [], responsibleUnit: '', evidence: '' };
  const submit = (v: FormValues) =>
    send(
      async () => {
        const body = {
          list: v.list,
          task: v.task.trim(),
          metricKey: v.metricKey ?? null,
          comparator: v.metricKey ? (v.comparator ?? 'at_least') : null,
          targetValue: v.metricKey ? (v.targetValue ?? null) : null,
          deadline: v.deadline ? v.deadline.format('YYYY-MM-DD') : null,
          responsibleUnit: (v.responsibleUnit ?? '').trim(),
          manualStatus: v.metricKey ? null : (v.manualStatus ?? 'not_started'),
          milestones: v.metricKey ? [] : (v.milestones ?? []).map((m) => ({ title: m.title.trim(), due: m.due ? m.due.format('YYYY-MM-DD') : null, done: !!m.done, evidence: (m.evidence ?? '').trim() })),
          evidence: (v.evidence ?? '').trim(),
          ...(target && v.metricKey && districts.data?.length ? { overrides: Object.fromEntries(Object.entries(v.overrides ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number')) } : {}),
        };
        if (target) await api.put<TargetDetail>(`/supervision/targets/${target.id}`, body);
        else await api.post<TargetDetail>('/supervision/targets', { ...body, clientId, year });
        onSaved();
      },
      (e) => applyFormErrors(form, e, FIELDS),
    );
  return (
    <Modal open width={720} title={target ? t('supervision.targets.editTitle') : t('supervision.targets.addTitle')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okButtonProps={{ 'data-testid': 'target-save' } as never} destroyOnHidden>
      <Form<FormValues> form={form} layout="vertical" disabled={busy} initialValues={initial} onFinish={(v) => void submit(v)} data-testid="target-form">
        <Form.Item name="list" hidden>
          <InputNumber />
        </Form.Item>
        <Form.Item name="task" label={t('supervision.targets.task')} rules={[{ required: true, message: t('supervision.common.required') }]}>
          <Input.TextArea autoSize={{ minRows: 2 }} maxLength={500} data-testid="target-task" />
        </Form.Item>
        <Form.Item name="metricKey" label={t('supervision.targets.metric')} extra={picked ? `${t('supervision.targets.definition')}：${en ? picked.definition.en : picked.definition.zh}` : undefined}>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('supervision.targets.metricPick')}
            options={metrics.map((m) => ({ value: m.key, label: en ? m.label.en : m.label.zh }))}
            data-testid="target-metric"
          />
        </Form.Item>
        {metricKey ? (
          <Space align="start">
            <Form.Item name="comparator" label={t('supervision.targets.target')}>
              <Select style={{ width: 110 }} options={(['at_least', 'at_most'] as const).map((c) => ({ value: c, label: t(`supervision.comparator.${c}`) }))} />
            </Form.Item>
            <Form.Item name="targetValue" label={t('supervision.targets.targetValue')} rules={[{ required: true, message: t('supervision.common.required') }]}>
              <InputNumber style={{ width: 140 }} addonAfter={picked ? t(`supervision.unit.${picked.unit}`) || undefined : undefined} data-testid="target-value" />
            </Form.Item>
            {(districts.data?.length ?? 0) > 0 && (
              <Form.Item label={t('supervision.targets.overrides')}>
                <Space wrap>
                  {districts.data!.map((d) => (
                    <Form.Item key={d.id} name={['overrides', String(d.id)]} noStyle>
                      <InputNumber placeholder={d.name} style={{ width: 120 }} />
                    </Form.Item>
                  ))}
                </Space>
              </Form.Item>
            )}
          </Space>
        ) : (
          <>
            <Form.Item name="manualStatus" label={t('supervision.targets.manualStatus')}>
              <Select style={{ width: 160 }} options={(['not_started', 'in_progress', 'done'] as const).map((s) => ({ value: s, label: t(`supervision.manual.${s}`) }))} />
            </Form.Item>
            <Form.List name="milestones">
              {(fields, { add, remove }) => (
                <Form.Item label={t('supervision.targets.milestones')}>
                  {fields.map((f) => (
                    <Space key={f.key} align="baseline" wrap>
                      <Form.Item name={[f.name, 'title']} rules={[{ required: true, message: t('supervision.common.required') }]}>
                        <Input placeholder={t('supervision.targets.milestoneTitle')} style={{ width: 200 }} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'due']}>
                        <DatePicker placeholder={t('supervision.targets.milestoneDue')} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'done']} valuePropName="checked">
                        <Checkbox>{t('supervision.targets.milestoneDone')}</Checkbox>
                      </Form.Item>
                      <Form.Item name={[f.name, 'evidence']}>
                        <Input placeholder={t('supervision.targets.milestoneEvidence')} style={{ width: 160 }} />
                      </Form.Item>
                      <MinusCircleOutlined onClick={() => remove(f.name)} />
                    </Space>
                  ))}
                  <Button icon={<PlusOutlined />} onClick={() => add({ title: '', done: false })}>{t('supervision.targets.addMilestone')}</Button>
                </Form.Item>
              )}
            </Form.List>
          </>
        )}
        <Space align="start" wrap>
          <Form.Item name="deadline" label={t('supervision.targets.deadline')}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="responsibleUnit" label={t('supervision.targets.responsible')}>
            <Input style={{ width: 260 }} maxLength={200} />
          </Form.Item>
        </Space>
        <Form.Item name="evidence" label={t('supervision.targets.evidence')}>
          <Input.TextArea autoSize={{ minRows: 1 }} maxLength={4000} />
        </Form.Item>
      </Form>
      {problem && <Alert type="error" showIcon title={problem} />}
    </Modal>
  );
}

function ListTable({ items, canManage, onEdit, onRemove }: { items: Target[]; canManage: boolean; onEdit: (t: Target) => void; onRemove: (t: Target) => void }) {
  const { t } = useTranslation();
  const fmt = useFormatValue();
  return (
    <Table<Target>
      rowKey="id"
      size="small"
      dataSource={items}
      pagination={false}
      locale={{ emptyText: t('supervision.targets.empty') }}
      data-testid="targets-table"
      columns={[
        {
          title: t('supervision.targets.task'),
          render: (_, r) => (
            <Space orientation="vertical" size={2}>
              <span>
                {r.ownerKind === 'district' && <Tag color="blue">{r.ownerName}</Tag>}
                {r.task}
              </span>
              {r.milestones.length > 0 && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {r.milestones.map((m) => `${m.done ? '✓' : '○'} ${m.title}${m.due ? `（${m.due}）` : ''}`).join('　')}
                </Typography.Text>
              )}
            </Space>
          ),
        },
        { title: t('supervision.targets.metric'), width: 180, render: (_, r) => (r.metric ? <MetricName metric={r.metric} /> : <Tag>{r.manualStatus ? t(`supervision.manual.${r.manualStatus}`) : ''}</Tag>) },
        { title: t('supervision.targets.target'), width: 110, render: (_, r) => (r.metric && r.comparator ? `${t(`supervision.comparator.${r.comparator}`)} ${fmt(r.progress?.target ?? r.targetValue, r.metric.unit)}` : '') },
        { title: t('supervision.targets.current'), width: 90, render: (_, r) => (r.metric ? fmt(r.progress?.value, r.metric.unit) : '') },
        {
          title: t('supervision.targets.progress'),
          width: 190,
          render: (_, r) => (r.metric ? <Link to={`/supervision/targets/${r.id}`} data-testid={`target-progress-${r.id}`}><ProgressCell p={r.progress} /></Link> : null),
        },
        { title: t('supervision.targets.deadline'), dataIndex: 'deadline', width: 100 },
        { title: t('supervision.targets.responsible'), dataIndex: 'responsibleUnit', width: 120 },
        {
          title: '',
          width: 110,
          render: (_, r) => (
            <Space size={0} style={{ whiteSpace: 'nowrap' }}>
              {canManage && r.canEdit && <Button type="link" size="small" onClick={() => onEdit(r)}>{t('supervision.common.edit')}</Button>}
              {canManage && r.canEdit && (
                <Popconfirm title={t('supervision.targets.removeConfirm')} onConfirm={() => onRemove(r)}>
                  <Button type="link" size="small" danger>{t('supervision.targets.remove')}</Button>
                </Popconfirm>
              )}
            </Space>
          ),
        },
      ]}
    />
  );
}

/** 年度任务清单: the four lists of a year as tabs, each target with its live progress. */
export default function TargetsPage() {
  const { t } = useTranslation();
  const [q, setQ] = useQueryState(['year', 'list'] as const);
  const year = Number(q.year ?? thisYear());
  const list = Number(q.list ?? 1);
  const { data, error, reload, loading } = useAsync((signal) => api.get<TargetListOut>('/supervision/targets', { year }, { signal }), [year]);
  const metrics = useAsync((signal) => api.get<{ items: MetricInfo[] }>('/supervision/metrics', undefined, { signal }), []);
  const [editing, setEditing] = useState<Target | 'new' | null>(null);
  const { problem, send } = useSendOnce();
  const byList = useMemo(() => [1, 2, 3, 4].map((l) => (data?.items ?? []).filter((x) => x.list === l)), [data]);
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="targets-page">
      <Typography.Title level={3} style={{ margin: 0 }}>{t('supervision.menuTargets')}</Typography.Title>
      <Typography.Text type="secondary">{t('supervision.targets.intro')}</Typography.Text>
      <Space>
        {t('supervision.common.year')}
        <Select value={year} style={{ width: 100 }} onChange={(y) => setQ({ year: y })} options={YEARS.map((y) => ({ value: y, label: String(y) }))} data-testid="targets-year" />
        {data?.canManage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="target-add">
            {t('supervision.targets.add')}
          </Button>
        )}
      </Space>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {problem && <Alert type="error" showIcon title={problem} />}
      <Tabs
        activeKey={String(list)}
        onChange={(k) => setQ({ list: k })}
        items={([1, 2, 3, 4] as const).map((l) => ({
          key: String(l),
          label: `${t(`supervision.lists.l${l}`)}（${byList[l - 1]!.length}）`,
          children: loading && !data ? null : (
            <ListTable
              items={byList[l - 1]!}
              canManage={!!data?.canManage}
              onEdit={setEditing}
              onRemove={(x) => void send(async () => (await api.put(`/supervision/targets/${x.id}`, { active: false }), reload()))}
            />
          ),
        }))}
      />
      {editing && (
        <TargetModal
          year={year}
          list={list}
          target={editing === 'new' ? null : editing}
          metrics={metrics.data?.items ?? []}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
    </Space>
  );
}
