// 合作机构: the bureau's register of partner institutions and their clinician accounts.
import { useState } from 'react';
import { Alert, Button, Card, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { applyFormErrors } from '../../app/formErrors';
import { useAsync } from '../../app/useAsync';
import { useSendOnce } from '../../app/useSendOnce';
import { ErrorBox } from '../../components/ErrorBox';
import type { Institution, InstitutionClinician, Items } from './types';

type InstForm = Pick<Institution, 'name' | 'kind' | 'address' | 'phone' | 'acceptHours' | 'active'>;
interface ClinForm { username: string; name: string; password: string; department?: string; title?: string }

function InstitutionModal({ editing, onClose, onSaved }: { editing: Institution | null; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<InstForm>();
  const { busy, problem, send } = useSendOnce();
  const submit = (v: InstForm) => void send(async () => {
    const body = { ...v, address: v.address ?? '', phone: v.phone ?? '' };
    if (editing) await api.put(`/institutions/${editing.id}`, body);
    else await api.post('/institutions', body);
    onSaved();
  }, (e) => applyFormErrors(form, e, ['name', 'kind', 'address', 'phone', 'acceptHours']));
  return (
    <Modal open title={editing ? t('referral.institutions.edit') : t('referral.institutions.add')} okText={t('referral.institutions.save')} cancelText={t('referral.institutions.cancel')}
      confirmLoading={busy} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ 'data-testid': 'institution-save' } as never} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={submit} disabled={busy} initialValues={editing ?? { kind: 'hospital', acceptHours: 48, active: true }}>
        <Form.Item name="name" label={t('referral.institutions.name')} rules={[{ required: true, whitespace: true, message: t('referral.form.required') }]}><Input maxLength={60} data-testid="institution-name" /></Form.Item>
        <Form.Item name="kind" label={t('referral.institutions.kind')}><Select options={(['hospital', 'clinic', 'center'] as const).map((k) => ({ value: k, label: t(`referral.kind.${k}`) }))} /></Form.Item>
        <Form.Item name="address" label={t('referral.institutions.address')}><Input maxLength={200} /></Form.Item>
        <Form.Item name="phone" label={t('referral.institutions.phone')}><Input maxLength={40} /></Form.Item>
        <Form.Item name="acceptHours" label={t('referral.institutions.acceptHours')} rules={[{ required: true, message: t('referral.form.required') }]}><InputNumber min={1} max={720} /></Form.Item>
        <Form.Item name="active" label={t('referral.institutions.active')} valuePropName="checked"><Switch /></Form.Item>
        {problem && <Alert type="error" showIcon title={problem} />}
      </Form>
    </Modal>
  );
}

function Clinicians({ inst, onChanged }: { inst: Institution; onChanged: () => void }) {
  const { t } = useTranslation();
  const { data, error, loading, reload } = useAsync((signal) => api.get<Items<InstitutionClinician>>(`/institutions/${inst.id}/clinicians`, undefined, { signal }), [inst.id]);
  const [adding, setAdding] = useState(false);
  const [form] = Form.useForm<ClinForm>();
  const { busy, problem, send } = useSendOnce();
  const submit = (v: ClinForm) => void send(async () => {
    await api.post(`/institutions/${inst.id}/clinicians`, { ...v, department: v.department ?? '', title: v.title ?? '' });
    setAdding(false);
    form.resetFields();
    reload();
    onChanged();
  }, (e) => applyFormErrors(form, e, ['username', 'name', 'password', 'department', 'title']));
  return (
    <div>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<InstitutionClinician> rowKey="accountId" size="small" loading={loading} pagination={false} dataSource={data?.items ?? []} columns={[
        { title: t('referral.institutions.clinicianName'), dataIndex: 'name' },
        { title: t('referral.institutions.username'), dataIndex: 'username' },
        { title: t('referral.institutions.department'), dataIndex: 'department' },
        { title: t('referral.institutions.titleField'), dataIndex: 'title' },
        { title: '', key: 's', render: (_, c) => c.mustChangePassword && <Tag>{t('referral.institutions.mustChange')}</Tag> },
      ]} />
      {inst.active && <Button size="small" icon={<PlusOutlined />} style={{ marginTop: 8 }} onClick={() => setAdding(true)} data-testid="clinician-add">{t('referral.institutions.addClinician')}</Button>}
      <Modal open={adding} title={`${inst.name} · ${t('referral.institutions.addClinician')}`} okText={t('referral.institutions.save')} cancelText={t('referral.institutions.cancel')}
        confirmLoading={busy} onCancel={() => setAdding(false)} onOk={() => form.submit()} okButtonProps={{ 'data-testid': 'clinician-save' } as never}>
        <Form form={form} layout="vertical" onFinish={submit} disabled={busy}>
          <Form.Item name="username" label={t('referral.institutions.username')} rules={[{ required: true, message: t('referral.form.required') }]}><Input maxLength={40} autoComplete="off" data-testid="clinician-username" /></Form.Item>
          <Form.Item name="name" label={t('referral.institutions.clinicianName')} rules={[{ required: true, whitespace: true, message: t('referral.form.required') }]}><Input maxLength={30} data-testid="clinician-name" /></Form.Item>
          <Form.Item name="password" label={t('referral.institutions.password')} extra={t('referral.institutions.passwordHint')} rules={[{ required: true, message: t('referral.form.required') }]}><Input.Password maxLength={128} autoComplete="new-password" data-testid="clinician-password" /></Form.Item>
          <Space>
            <Form.Item name="department" label={t('referral.institutions.department')}><Input maxLength={60} /></Form.Item>
            <Form.Item name="title" label={t('referral.institutions.titleField')}><Input maxLength={30} /></Form.Item>
          </Space>
          {problem && <Alert type="error" showIcon title={problem} />}
        </Form>
      </Modal>
    </div>
  );
}

export default function InstitutionsPage() {
  const { t } = useTranslation();
  const { data, error, loading, reload } = useAsync((signal) => api.get<Items<Institution>>('/institutions', undefined, { signal }), []);
  const [editing, setEditing] = useState<Institution | null | undefined>(undefined);
  return (
    <Card title={t('referral.institutions.title')} extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)} data-testid="institution-add">{t('referral.institutions.add')}</Button>}>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<Institution> rowKey="id" loading={loading} dataSource={data?.items ?? []} pagination={false} data-testid="institution-table"
        expandable={{ expandedRowRender: (i) => <Clinicians inst={i} onChanged={reload} /> }}
        columns={[
          { title: t('referral.institutions.name'), dataIndex: 'name' },
          { title: t('referral.institutions.kind'), key: 'k', render: (_, i) => t(`referral.kind.${i.kind}`) },
          { title: t('referral.institutions.address'), dataIndex: 'address' },
          { title: t('referral.institutions.phone'), dataIndex: 'phone' },
          { title: t('referral.institutions.acceptHours'), dataIndex: 'acceptHours' },
          { title: t('referral.institutions.clinicians'), dataIndex: 'clinicians' },
          { title: '', key: 'a', render: (_, i) => <Space>{!i.active && <Tag>{t('referral.institutions.inactive')}</Tag>}<Button size="small" onClick={() => setEditing(i)}>{t('referral.institutions.edit')}</Button></Space> },
        ]} />
      {editing !== undefined && <InstitutionModal editing={editing} onClose={() => setEditing(undefined)} onSaved={() => { setEditing(undefined); reload(); }} />}
    </Card>
  );
}
