import { useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client';
import type { CircumstanceCategory, CreateCircumstanceCategoryBody, Items } from '../../api/types';
import { applyFormErrors } from '../../app/formErrors';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';

const CODE_RE = /^[a-z][a-z0-9_]{1,39}$/;

/**
 * The region's list of family-circumstance categories (留守, 单亲 …) and a form to add one
 * (config.write). Listing needs student.sensitive.read; without it the form still works.
 */
export default function CircumstanceCategoriesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const list = useAsync((signal) => api.get<Items<CircumstanceCategory>>('/circumstance-categories', undefined, { signal }), []);
  const forbidden = list.error instanceof ApiError && list.error.status === 403;
  const [added, setAdded] = useState<CircumstanceCategory[]>([]);
  const [form] = Form.useForm<{ code: string; label: string }>();
  const [busy, setBusy] = useState(false);

  async function add(v: { code: string; label: string }) {
    setBusy(true);
    try {
      const body: CreateCircumstanceCategoryBody = { code: v.code.trim(), label: v.label.trim() };
      const c = await api.post<CircumstanceCategory>('/circumstance-categories', body);
      void message.success(t('circumstances.added', { label: c.label }));
      form.resetFields();
      setAdded((a) => [...a, c]);
      if (!forbidden) list.reload();
    } catch (e) {
      const rest = applyFormErrors(form, e, ['code', 'label']);
      if (rest) void message.error(rest);
    } finally {
      setBusy(false);
    }
  }

  const rows = forbidden ? added : (list.data?.items ?? []);
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="circumstances-page">
      <h1 className="xy-page-title">{t('circumstances.title')}</h1>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('circumstances.hint')}
      </Typography.Paragraph>
      <Card size="small" title={t('circumstances.add')}>
        <Form form={form} layout="inline" onFinish={(v) => void add(v)} data-testid="circumstance-form" style={{ rowGap: 8 }}>
          <Form.Item
            name="code"
            label={t('circumstances.code')}
            rules={[
              { required: true, whitespace: true, message: t('common.required') },
              { pattern: CODE_RE, message: t('circumstances.codeRule') },
            ]}
            tooltip={t('circumstances.codeRule')}
          >
            <Input maxLength={40} placeholder={t('circumstances.codePlaceholder')} style={{ width: 200 }} data-testid="circumstance-code" />
          </Form.Item>
          <Form.Item name="label" label={t('circumstances.label')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input maxLength={20} placeholder={t('circumstances.labelPlaceholder')} style={{ width: 180 }} data-testid="circumstance-label" />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" icon={<PlusOutlined />} loading={busy} data-testid="circumstance-add">
              {t('common.add')}
            </Button>
          </Form.Item>
        </Form>
      </Card>
      {forbidden && <Alert type="info" showIcon title={t('circumstances.listForbidden')} data-testid="circumstances-forbidden" />}
      {list.error !== undefined && !forbidden && <ErrorBox error={list.error} onRetry={list.reload} />}
      {(!forbidden || added.length > 0) && (
        <Card size="small" title={forbidden ? t('circumstances.addedHere') : undefined}>
          <Table<CircumstanceCategory>
            rowKey="code"
            size="middle"
            loading={list.loading}
            pagination={false}
            dataSource={rows}
            data-testid="circumstances-table"
            columns={[
              { title: t('circumstances.label'), dataIndex: 'label' },
              { title: t('circumstances.code'), dataIndex: 'code', render: (c: string) => <Typography.Text code>{c}</Typography.Text> },
              {
                title: t('circumstances.kind'),
                dataIndex: 'builtIn',
                width: 120,
                render: (b: boolean) => (b ? <Tag>{t('circumstances.builtIn')}</Tag> : <Tag color="blue">{t('circumstances.custom')}</Tag>),
              },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
