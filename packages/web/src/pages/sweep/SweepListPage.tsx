import { useMemo, useState } from 'react';
import { Alert, App, Button, DatePicker, Form, Input, Modal, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { BarChartOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import type { Items, Sweep } from '../../api/types';
import { useOrgTree } from '../../app/orgTree';
import { useCan, useMe } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { OrgUnitSelect } from '../../components/OrgUnitSelect';
import { boundUnits, className, classesToReview, SweepStateTag } from './shared';
import { useSweepForm, type SweepFormValues } from './sweepForm';

function CreateModal({ onClose, onCreated }: { onClose: () => void; onCreated: (s: Sweep) => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const { form, busy, problem, onFinish, term, period } = useSweepForm<Sweep>('/sweeps', onCreated);
  // the units the caller may open a sweep for: their own (a school for a leader, a district or the city for a bureau)
  const own = useMemo(() => boundUnits(me, 'sweep.manage'), [me]);

  return (
    <Modal open title={t('sweep.create')} onCancel={onClose} onOk={() => form.submit()} okText={t('sweep.form.submit')} cancelText={t('sweep.form.cancel')} confirmLoading={busy} okButtonProps={{ 'data-testid': 'sweep-create-submit' } as never} destroyOnHidden>
      <Form<SweepFormValues>
        form={form}
        layout="vertical"
        onFinish={onFinish}
        disabled={busy}
        initialValues={{ ownerUnitId: own.length === 1 ? own[0]!.id : undefined, term, name: t('sweep.form.defaultName', { term }), period }}
        data-testid="sweep-create-form"
      >
        <Form.Item name="ownerUnitId" label={t('sweep.form.owner')} extra={t('sweep.form.ownerHint')} rules={[{ required: true, message: t('sweep.form.required') }]}>
          <OrgUnitSelect selectableKinds={['city', 'district', 'school']} maxKind="school" allowClear={false} testId="sweep-create-owner" style={{ width: '100%' }} withinId={own.length === 1 ? own[0]!.id : undefined} />
        </Form.Item>
        <Form.Item name="term" label={t('sweep.form.term')} rules={[{ required: true, whitespace: true, message: t('sweep.form.required') }]}>
          <Input maxLength={50} placeholder={t('sweep.form.termPlaceholder', { term })} data-testid="sweep-create-term" />
        </Form.Item>
        <Form.Item name="name" label={t('sweep.form.name')} rules={[{ required: true, whitespace: true, message: t('sweep.form.required') }]}>
          <Input maxLength={100} placeholder={t('sweep.form.namePlaceholder', { term })} data-testid="sweep-create-name" />
        </Form.Item>
        <Form.Item name="period" label={t('sweep.form.period')} rules={[{ required: true, message: t('sweep.form.required') }]}>
          <DatePicker.RangePicker allowClear={false} data-testid="sweep-create-period" />
        </Form.Item>
        {problem && <Alert type="error" showIcon title={problem} data-testid="sweep-create-error" />}
      </Form>
    </Modal>
  );
}

/**
 * 摸底排查: the sweeps that cover the caller's units. Leaders and bureaus open one; a head teacher
 * goes from here to the review of their class; everyone with progress rights sees completion.
 */
export default function SweepListPage() {
  const { t } = useTranslation();
  const can = useCan();
  const me = useMe();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const { units } = useOrgTree();
  const [creating, setCreating] = useState(false);
  const { data, error, loading, reload } = useAsync((signal) => api.get<Items<Sweep>>('/sweeps', undefined, { signal }), []);
  const byId = useMemo(() => new Map(units.map((u) => [u.id, u])), [units]);

  const columns: ColumnsType<Sweep> = [
    { title: t('sweep.col.name'), dataIndex: 'name', render: (n: string, s) => (can('sweep.progress') ? <Link to={`/sweeps/${s.id}`} data-testid="sweep-link">{n}</Link> : n) },
    { title: t('sweep.col.term'), dataIndex: 'term' },
    { title: t('sweep.col.period'), key: 'period', render: (_v, s) => `${s.start} ~ ${s.end}` },
    { title: t('sweep.col.state'), key: 'state', render: (_v, s) => <SweepStateTag sweep={s} /> },
    { title: t('sweep.col.owner'), key: 'owner', render: (_v, s) => byId.get(s.ownerUnitId)?.name ?? '—' },
    { title: t('sweep.col.createdBy'), dataIndex: 'createdByName', render: (n: string | null) => n ?? '—' },
    {
      title: t('sweep.col.actions'),
      key: 'actions',
      render: (_v, s) => (
        <Space wrap size={4}>
          {can('sweep.review') &&
            classesToReview(me, units, s).map((c) => (
              <Link key={c.id} to={`/sweeps/${s.id}/classes/${c.id}`} data-testid={`sweep-review-${c.id}`}>
                <Button size="small" type="primary" icon={<EditOutlined />}>
                  {t('sweep.reviewClass', { name: className(units, c) })}
                </Button>
              </Link>
            ))}
          {can('sweep.progress') && (
            <Link to={`/sweeps/${s.id}`} data-testid="sweep-completion-link">
              <Button size="small" icon={<BarChartOutlined />}>
                {t('sweep.completion')}
              </Button>
            </Link>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="sweep-list-page">
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <h1 className="xy-page-title" style={{ margin: 0 }}>
          {t('sweep.title')}
        </h1>
        {can('sweep.manage') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="sweep-create">
            {t('sweep.create')}
          </Button>
        )}
      </Space>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('sweep.hint')}
      </Typography.Paragraph>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<Sweep>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('sweep.empty') }}
        onRow={(s) => ({ 'data-testid': `sweep-row-${s.id}`, 'data-name': s.name }) as never}
        data-testid="sweep-table"
      />
      {creating && (
        <CreateModal
          onClose={() => setCreating(false)}
          onCreated={(s) => {
            setCreating(false);
            void message.success(t('sweep.created'));
            void navigate(`/sweeps/${s.id}`);
          }}
        />
      )}
    </Space>
  );
}
