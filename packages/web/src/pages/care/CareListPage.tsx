import { useState } from 'react';
import { Alert as AntAlert, App, Button, Card, Checkbox, Empty, Form, Input, Modal, Radio, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined, RightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { api } from '../../api/client';
import type { AddKeyStudentBody, AlertLevel, KeyStudent, KeyStudentDetail, Paged } from '../../api/types';
import { applyFormErrors } from '../../app/formErrors';
import { useCan } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { useQueryState } from '../../app/useQueryState';
import { ErrorBox } from '../../components/ErrorBox';
import { AlertLevelTag, LEVEL_TEXT, LEVELS_MILD_FIRST } from '../warning/shared';
import { StudentPicker } from '../warning/RaiseAlertModal';
import { CategoryTags, CareStatusTag, CareTeacher, FollowUps, useCategoryLabels } from './shared';

const STATUSES = ['open', 'active', 'closure_proposed', 'closed'] as const;
const FIELDS = ['studentId', 'categories', 'level', 'reason'] as const;

function AddModal({ onClose, onAdded }: { onClose: () => void; onAdded: (k: KeyStudentDetail) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<AddKeyStudentBody>();
  const { busy, problem, send } = useSendOnce();
  const labels = useCategoryLabels();
  const submit = (v: AddKeyStudentBody) =>
    void send(
      async () => onAdded(await api.post<KeyStudentDetail>('/care/students', { ...v, reason: v.reason.trim() })),
      (e) => applyFormErrors(form, e, FIELDS),
    );
  return (
    <Modal open title={t('care.add')} onCancel={onClose} onOk={() => form.submit()} okText={t('care.form.submit')} cancelText={t('care.form.cancel')} confirmLoading={busy} okButtonProps={{ 'data-testid': 'care-add-submit' } as never} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={submit} disabled={busy} data-testid="care-add-form">
        <Form.Item name="studentId" label={t('care.form.student')} rules={[{ required: true, message: t('care.form.required') }]}>
          <StudentPicker testId="care-add-student" />
        </Form.Item>
        <Form.Item name="categories" label={t('care.form.categories')} rules={[{ required: true, message: t('care.form.required') }]}>
          <Select mode="tags" placeholder={t('care.form.categoriesPlaceholder')} options={Object.entries(labels).map(([value, label]) => ({ value, label }))}
            showSearch={{ optionFilterProp: 'label' }}
            data-testid="care-add-categories"
          />
        </Form.Item>
        <Form.Item name="level" label={t('care.form.level')} rules={[{ required: true, message: t('care.form.required') }]}>
          <Radio.Group>
            {LEVELS_MILD_FIRST.map((l: AlertLevel) => (
              <Radio key={l} value={l}>
                <span style={{ color: LEVEL_TEXT[l] }} data-testid={`care-add-level-${l}`}>{t(`warning.level.${l}`)}</span>
              </Radio>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item name="reason" label={t('care.form.reason')} rules={[{ required: true, whitespace: true, message: t('care.form.required') }]}>
          <Input.TextArea rows={3} maxLength={1000} data-testid="care-add-reason" />
        </Form.Item>
        {problem && <AntAlert type="error" showIcon title={problem} />}
      </Form>
    </Modal>
  );
}

/** 重点学生（包保）: the register of the caller's scope; the detail has the record, the diary and closure. */
export default function CareListPage() {
  const { t } = useTranslation();
  const can = useCan();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [f, setF] = useQueryState(['status', 'mine', 'page'] as const);
  const status = f.status ?? 'open';
  const page = Number(f.page ?? 1) || 1;
  const [adding, setAdding] = useState(false);
  const { data, error, loading, reload } = useAsync(
    (signal) => api.get<Paged<KeyStudent>>('/care/students', { status, mine: f.mine === 'true' ? 'true' : undefined, page, pageSize: 50 }, { signal }),
    [status, f.mine, page],
  );

  const columns: ColumnsType<KeyStudent> = [
    {
      title: t('care.col.name'),
      dataIndex: 'name',
      render: (_, k) => (
        <Link to={`/care/${k.id}`} data-testid={`care-link-${k.id}`}>
          {k.name}
        </Link>
      ),
    },
    { title: t('care.col.className'), dataIndex: 'className' },
    { title: t('care.col.categories'), dataIndex: 'categories', render: (c: string[]) => <CategoryTags codes={c} /> },
    { title: t('care.col.level'), dataIndex: 'level', render: (l: AlertLevel) => <AlertLevelTag level={l} /> },
    { title: t('care.col.status'), dataIndex: 'status', render: (s: KeyStudent['status'], k) => <CareStatusTag status={s} testId={`care-status-${k.id}`} /> },
    { title: t('care.col.careTeacher'), key: 'ct', render: (_, k) => <CareTeacher k={k} /> },
    { title: t('care.col.followUps'), key: 'fu', render: (_, k) => (k.status === 'closed' ? '—' : <FollowUps items={k.followUps} />) },
    { title: t('care.col.lastEntry'), dataIndex: 'lastEntry', render: (d: string | null) => d ?? '—' },
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="care-page">
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('care.title')}
        </Typography.Title>
        {can('care.manage') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="care-add">
            {t('care.add')}
          </Button>
        )}
      </Space>
      <Typography.Text type="secondary">{t('care.hint')}</Typography.Text>
      <Space wrap>
        <Select
          value={status}
          onChange={(v) => setF({ status: v === 'open' ? null : v, page: null })}
          style={{ width: 160 }}
          options={STATUSES.map((s) => ({ value: s, label: s === 'open' ? t('care.statusOpen') : t(`care.status.${s}`) }))}
          data-testid="care-status"
        />
        <Checkbox checked={f.mine === 'true'} onChange={(e) => setF({ mine: e.target.checked ? 'true' : null, page: null })} data-testid="care-mine">
          {t('care.filterMine')}
        </Checkbox>
      </Space>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<KeyStudent>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Empty description={t('care.empty')} /> }}
        onRow={(k) => ({ 'data-testid': `care-row-${k.id}`, onClick: () => void navigate(`/care/${k.id}`), style: { cursor: 'pointer' } }) as never}
        pagination={{ current: page, pageSize: 50, total: data?.total ?? 0, onChange: (p) => setF({ page: p === 1 ? null : p }), hideOnSinglePage: true }}
        data-testid="care-table"
      />
      {adding && (
        <AddModal
          onClose={() => setAdding(false)}
          onAdded={(k) => {
            setAdding(false);
            void message.success(t('care.saved'));
            void navigate(`/care/${k.id}`);
          }}
        />
      )}
    </Space>
  );
}

/** 我包保的学生 on a care teacher's phone: a card per student, overdue follow-ups in red. */
export function MobileCareList() {
  const { t } = useTranslation();
  const { data, error, loading, reload } = useAsync((signal) => api.get<Paged<KeyStudent>>('/care/students', { status: 'open', pageSize: 100 }, { signal }), []);
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="care-page">
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('care.mobileTitle')}
        </Typography.Title>
        <Link to="/m/care/volunteer" data-testid="care-volunteer-link">
          {t('care.volunteer.menu')}
        </Link>
      </Space>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {!loading && data?.items.length === 0 && <Empty description={t('care.empty')} />}
      {data?.items.map((k) => (
        <Card key={k.id} size="small" styles={{ body: { padding: 0 } }} data-testid={`care-row-${k.id}`}>
          <Link to={`/m/care/${k.id}`} style={{ display: 'flex', alignItems: 'center', gap: 8, padding: 12, color: 'inherit' }} data-testid={`care-link-${k.id}`}>
            <div style={{ flex: 1, minWidth: 0 }}>
              <Space size={6} wrap>
                <strong style={{ fontSize: 16 }}>{k.name}</strong>
                <AlertLevelTag level={k.level} />
                <CareStatusTag status={k.status} testId={`care-status-${k.id}`} />
              </Space>
              <div style={{ color: '#8c8c8c', fontSize: 13, margin: '4px 0' }}>
                {k.className}
              </div>
              <CategoryTags codes={k.categories} />
              <FollowUps items={k.followUps} />
            </div>
            <RightOutlined style={{ color: '#bfbfbf' }} />
          </Link>
        </Card>
      ))}
    </Space>
  );
}
