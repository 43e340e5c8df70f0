import { useState } from 'react';
import { Alert, Button, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Tooltip } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import type { z } from 'zod';
import type { contracts } from '@xinyu/core';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { applyFormErrors } from '../../app/formErrors';
import { useCan } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { uuid } from '../../app/uuid';
import { ErrorBox } from '../../components/ErrorBox';

type StudioList = z.infer<typeof contracts.StudioList>;
type StaffPage = { items: z.infer<typeof contracts.Staff>[] };
type Option = { value: string; label: string };

/** Staff picker: searches the staff list (/staff?q=) by name; keeps the labels of what was picked. */
function StaffSearch({ value, onChange, multiple, known, onKnown }: { value?: string | string[]; onChange?: (v: string | string[]) => void; multiple?: boolean; known: Option[]; onKnown: (o: Option[]) => void }) {
  const [q, setQ] = useState('');
  const { data, loading } = useAsync((signal) => (q ? api.get<StaffPage>('/staff', { q, pageSize: 20 }, { signal }) : Promise.resolve({ items: [] })), [q]);
  const found = (data?.items ?? []).map((s) => ({ value: s.id, label: `${s.name}（${s.schoolName}）` }));
  const options = [...known.filter((k) => !found.some((f) => f.value === k.value)), ...found];
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: (v) => setQ(v.trim()) }}
      mode={multiple ? 'multiple' : undefined}
      value={value}
      loading={loading}
      options={options}
      onChange={(v: string | string[]) => {
        onKnown(options.filter((o) => (Array.isArray(v) ? v.includes(o.value) : o.value === v)));
        onChange?.(v);
      }}
    />
  );
}

interface StudioForm { name: string; level: 'city' | 'county'; leaderStaffId: string; memberStaffIds: string[]; foundedYear: number; note?: string }

function AddStudio({ onClose, onSaved }: { onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<StudioForm>();
  const [clientId] = useState(uuid);
  const [known, setKnown] = useState<Option[]>([]);
  const remember = (o: Option[]) => setKnown((k) => [...k.filter((x) => !o.some((y) => y.value === x.value)), ...o]);
  const { busy, problem, send } = useSendOnce();
  return (
    <Modal open width={600} title={t('workforce.studio.add')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} okButtonProps={{ 'data-testid': 'studio-ok' }} destroyOnHidden>
      <Form
        form={form}
        layout="vertical"
        disabled={busy}
        initialValues={{ level: 'county', foundedYear: dayjs().year(), memberStaffIds: [] }}
        onFinish={(v) =>
          void send(
            async () => {
              await api.post('/workforce/studios', { clientId, name: v.name.trim(), level: v.level, leaderStaffId: v.leaderStaffId, memberStaffIds: v.memberStaffIds ?? [], foundedYear: v.foundedYear, note: (v.note ?? '').trim() });
              onSaved();
            },
            (e) => applyFormErrors(form, e, ['name', 'level', 'leaderStaffId', 'memberStaffIds', 'foundedYear', 'note']),
          )
        }
        data-testid="studio-form"
      >
        <Form.Item name="name" label={t('workforce.studio.name')} rules={[{ required: true, message: t('workforce.common.required') }]}>
          <Input maxLength={100} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="level" label={t('workforce.studio.level')}>
            <Select style={{ width: 110 }} options={(['city', 'county'] as const).map((l) => ({ value: l, label: t(`workforce.trainingLevel.${l}`) }))} />
          </Form.Item>
          <Form.Item name="foundedYear" label={t('workforce.studio.founded')} rules={[{ required: true, message: t('workforce.common.required') }]}>
            <InputNumber min={1990} max={dayjs().year()} style={{ width: 110 }} />
          </Form.Item>
        </Space>
        <Form.Item name="leaderStaffId" label={t('workforce.studio.leader')} extra={t('workforce.studio.searchHint')} rules={[{ required: true, message: t('workforce.common.required') }]}>
          <StaffSearch known={known} onKnown={remember} />
        </Form.Item>
        <Form.Item name="memberStaffIds" label={t('workforce.studio.members')}>
          <StaffSearch multiple known={known} onKnown={remember} />
        </Form.Item>
        <Form.Item name="note" label={t('workforce.studio.note')}>
          <Input.TextArea maxLength={500} rows={2} />
        </Form.Item>
      </Form>
      {problem && <Alert type="error" showIcon title={problem} />}
    </Modal>
  );
}

/** 名师工作室: the studios whose leader or members are in scope (optionally of one school); the bureau and school leaders add them. */
export function StudiosPanel({ schoolId }: { schoolId?: number }) {
  const { t } = useTranslation();
  const can = useCan();
  const [page, setPage] = useState(1);
  const [adding, setAdding] = useState(false);
  const { data, error, reload, loading } = useAsync((signal) => api.get<StudioList>('/workforce/studios', { schoolId, page, pageSize: 20 }, { signal }), [schoolId, page]);
  return (
    <Space orientation="vertical" size={8} style={{ width: '100%' }} data-testid="studios">
      {can('workforce.manage') && can('staff.read') && (
        <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="studio-add">{t('workforce.studio.add')}</Button>
      )}
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={data?.items ?? []}
        locale={{ emptyText: t('workforce.studio.none') }}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        columns={[
          { title: t('workforce.studio.name'), dataIndex: 'name' },
          { title: t('workforce.studio.level'), width: 80, render: (_, s) => <Tag>{t(`workforce.trainingLevel.${s.level}`)}</Tag> },
          { title: t('workforce.studio.leader'), render: (_, s) => `${s.leader.name}（${s.leader.schoolName}）` },
          { title: t('workforce.studio.members'), render: (_, s) => <Tooltip title={s.members.map((m) => `${m.name}（${m.schoolName}）`).join('、') || undefined}>{t('workforce.common.people', { n: s.memberCount })}{s.members.length ? `：${s.members.slice(0, 4).map((m) => m.name).join('、')}${s.members.length > 4 ? '…' : ''}` : ''}</Tooltip> },
          { title: t('workforce.studio.founded'), dataIndex: 'foundedYear', width: 90 },
        ]}
      />
      {adding && <AddStudio onClose={() => setAdding(false)} onSaved={() => (setAdding(false), reload())} />}
    </Space>
  );
}
