import { useState } from 'react';
import { App, Button, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { KeyOutlined, PlusOutlined, StopOutlined, CheckCircleOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { ROLE_INFO, ROLES, type Role } from '@xinyu/core';
import { api, errorMessage, formErrors } from '../../api/client';
import type { Account, GrantRoleBody, OrgUnit, Paged, ResetPasswordResult } from '../../api/types';
import { useOrgTree } from '../../app/orgTree';
import { topRank, useMe } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { useQueryState } from '../../app/useQueryState';
import { ErrorBox } from '../../components/ErrorBox';
import { OrgUnitSelect } from '../../components/OrgUnitSelect';

const KEYS = ['q', 'page'] as const;

function GrantModal({ account, onClose, onSaved }: { account: Account | null; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const [form] = Form.useForm<{ role: Role; orgUnitId?: number; studentId?: string }>();
  const [busy, setBusy] = useState(false);
  const role = Form.useWatch('role', form);
  const myRank = topRank(me);
  const grantable = ROLES.filter((r) => ROLE_INFO[r].rank <= myRank);
  const binding = role ? ROLE_INFO[role].binding : 'none';
  return (
    <Modal
      open={account !== null}
      title={`${t('accounts.grant')} · ${account?.displayName ?? ''}`}
      onCancel={onClose}
      confirmLoading={busy}
      destroyOnHidden
      onOk={() =>
        void form
          .validateFields()
          .then(async (v) => {
            if (!account) return;
            setBusy(true);
            const body: GrantRoleBody = { role: v.role };
            if (v.orgUnitId) body.orgUnitId = v.orgUnitId;
            if (v.studentId?.trim()) body.studentId = v.studentId.trim();
            try {
              await api.post(`/accounts/${account.id}/roles`, body);
              void message.success(t('accounts.granted'));
              form.resetFields();
              onSaved();
            } catch (e) {
              const fe = formErrors(e);
              if (fe.length) form.setFields(fe.map((x) => ({ name: x.name as 'role', errors: x.errors })));
              else void message.error(errorMessage(e));
            } finally {
              setBusy(false);
            }
          })
          .catch(() => undefined)
      }
    >
      <Form form={form} layout="vertical" data-testid="grant-form">
        <Form.Item name="role" label={t('accounts.role')} rules={[{ required: true, message: t('common.required') }]}>
          <Select options={grantable.map((r) => ({ value: r, label: t(`role.${r}`) }))} data-testid="grant-role" />
        </Form.Item>
        {(binding === 'org' || binding === 'org+student') && (
          <Form.Item name="orgUnitId" label={t('accounts.orgUnit')} rules={[{ required: true, message: t('common.required') }]}>
            <OrgUnitSelect style={{ width: '100%' }} />
          </Form.Item>
        )}
        {(binding === 'student' || binding === 'org+student') && (
          <Form.Item name="studentId" label={t('accounts.studentId')} rules={[{ required: true, message: t('common.required') }]}>
            <Input placeholder="UUID" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

export default function AccountsPage() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const me = useMe();
  const { units } = useOrgTree();
  const unitName = (id: number | null) => (id === null ? '' : (units.find((u: OrgUnit) => u.id === id)?.name ?? `#${id}`));
  const [f, setF] = useQueryState(KEYS);
  const page = Number(f.page ?? 1);
  const { data, error, loading, reload } = useAsync((signal) => api.get<Paged<Account>>('/accounts', { q: f.q, page }, { signal }), [f.q, page]);
  const [granting, setGranting] = useState<Account | null>(null);

  const act = (p: Promise<unknown>, ok: string) =>
    p
      .then(() => {
        void message.success(ok);
        reload();
      })
      .catch((e: unknown) => void message.error(errorMessage(e)));

  function resetPassword(a: Account) {
    api
      .post<ResetPasswordResult>(`/accounts/${a.id}/reset-password`)
      .then((r) => {
        reload();
        modal.info({
          title: t('accounts.resetPassword'),
          content: (
            <Space orientation="vertical" data-testid="reset-result">
              <Typography.Text>{t('accounts.newPassword')}</Typography.Text>
              <Typography.Text>
                {t('accounts.username')}: <Typography.Text code>{r.username}</Typography.Text>
              </Typography.Text>
              <Typography.Text code copyable style={{ fontSize: 18 }} data-testid="reset-password-value">
                {r.password}
              </Typography.Text>
            </Space>
          ),
        });
      })
      .catch((e: unknown) => void message.error(errorMessage(e)));
  }

  const columns: ColumnsType<Account> = [
    { title: t('accounts.username'), dataIndex: 'username', width: 150 },
    { title: t('accounts.displayName'), dataIndex: 'displayName', width: 120 },
    { title: t('accounts.phone'), dataIndex: 'phone', width: 130, render: (v: string | null) => v ?? '—' },
    {
      title: t('accounts.roles'),
      dataIndex: 'roles',
      render: (roles: Account['roles'], a) => (
        <Space size={[4, 4]} wrap>
          {roles.map((r) => (
            <Popconfirm
              key={r.id}
              title={t('accounts.revokeConfirm')}
              disabled={a.id === me.account.id}
              onConfirm={() => act(api.del(`/accounts/${a.id}/roles/${r.id}`), t('accounts.revoked'))}
            >
              <Tag color="blue" style={{ cursor: a.id === me.account.id ? 'default' : 'pointer' }}>
                {t(`role.${r.role}`)}
                {r.orgUnitId !== null ? ` · ${unitName(r.orgUnitId)}` : ''}
              </Tag>
            </Popconfirm>
          ))}
        </Space>
      ),
    },
    {
      title: t('accounts.status'),
      key: 'status',
      width: 150,
      render: (_v, a) => (
        <Space size={4} wrap>
          {a.disabled ? <Tag>{t('accounts.disabledLabel')}</Tag> : <Tag color="green">{t('accounts.enabled')}</Tag>}
          {a.mustChangePassword && <Tag color="orange">{t('accounts.mustChange')}</Tag>}
          {a.totpEnabled && <Tag color="purple">{t('accounts.totp')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 280,
      render: (_v, a) =>
        a.id === me.account.id ? null : (
          <Space size={4} wrap>
            <Popconfirm title={t('accounts.resetConfirm', { name: a.displayName })} onConfirm={() => resetPassword(a)}>
              <Button size="small" icon={<KeyOutlined />} data-testid="account-reset">
                {t('accounts.resetPassword')}
              </Button>
            </Popconfirm>
            {a.disabled ? (
              <Button size="small" icon={<CheckCircleOutlined />} onClick={() => void act(api.post(`/accounts/${a.id}/enable`), t('common.saved'))}>
                {t('accounts.enable')}
              </Button>
            ) : (
              <Popconfirm title={t('accounts.disableConfirm', { name: a.displayName })} onConfirm={() => act(api.post(`/accounts/${a.id}/disable`), t('common.saved'))}>
                <Button size="small" danger icon={<StopOutlined />}>
                  {t('accounts.disable')}
                </Button>
              </Popconfirm>
            )}
            <Button size="small" icon={<PlusOutlined />} onClick={() => setGranting(a)}>
              {t('accounts.grant')}
            </Button>
          </Space>
        ),
    },
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="accounts-page">
      <h1 className="xy-page-title">{t('accounts.title')}</h1>
      <Input.Search allowClear defaultValue={f.q} placeholder={t('accounts.searchPlaceholder')} onSearch={(q) => setF({ q, page: 1 })} style={{ maxWidth: 320 }} data-testid="account-search" />
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Table<Account>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        scroll={{ x: 1000 }}
        data-testid="accounts-table"
        pagination={{
          current: page,
          pageSize: data?.pageSize ?? 20,
          total: data?.total ?? 0,
          showSizeChanger: false,
          showTotal: (total) => t('common.total', { total }),
          onChange: (p) => setF({ page: p }),
        }}
      />
      <GrantModal
        account={granting}
        onClose={() => setGranting(null)}
        onSaved={() => {
          setGranting(null);
          reload();
        }}
      />
    </Space>
  );
}
