import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, InputNumber, Space, Table, Typography } from 'antd';
import { SaveOutlined, UndoOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { DEFAULT_DEADLINES } from '@xinyu/core';
import { api, ApiError, errorMessage } from '../../api/client';
import type { AlertLevel, DeadlinePolicy, WarningPolicy } from '../../api/types';
import { useMe } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { AlertLevelTag, fmt, LEVELS } from '../warning/shared';
import { regionWide } from './regionWide';

const LIMITS = { ackHours: 24 * 30, assessHours: 24 * 60 } as const;

/**
 * 预警处置时限 (config.write): per level, the hours to acknowledge and to assess an alert. The server
 * checks that they make sense together (assessment not shorter than acknowledgement, red ≤ orange ≤
 * yellow) and says what is wrong in Chinese.
 */
export default function WarningPolicyPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  // the city bureau sets the deadlines; a district's admin sees them (the server refuses their PUT)
  const editable = regionWide(useMe(), 'config.write');
  const { data, error, loading, reload } = useAsync((signal) => api.get<WarningPolicy>('/warning/policy', undefined, { signal }), []);
  const [saved, setSaved] = useState<WarningPolicy | null>(null);
  const policy = saved ?? data;
  const [form] = Form.useForm<DeadlinePolicy>();
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);

  useEffect(() => {
    if (policy) form.setFieldsValue(policy.deadlines);
  }, [policy, form]);

  async function save(v: DeadlinePolicy) {
    setBusy(true);
    setProblems([]);
    try {
      const p = await api.put<WarningPolicy>('/warning/policy', { deadlines: v });
      setSaved(p);
      void message.success(t('warning.policy.saved'));
    } catch (e) {
      // the server names every problem in `fields` (deadlines.0, deadlines.1 …), the first in the message
      const all = e instanceof ApiError && e.fields ? [...new Set(Object.values(e.fields))] : [];
      setProblems(all.length > 1 ? all : [errorMessage(e)]);
    } finally {
      setBusy(false);
    }
  }

  if (loading && !policy) return <Loading />;
  if (!policy) return <ErrorBox error={error} onRetry={reload} />;

  const hours = (level: AlertLevel, key: 'ackHours' | 'assessHours') => (
    <Space size={8} align="center">
      <Form.Item name={[level, key]} noStyle rules={[{ required: true, message: t('common.required') }]}>
        <InputNumber min={1} max={LIMITS[key]} precision={0} style={{ width: 110 }} data-testid={`policy-${level}-${key}`} />
      </Form.Item>
      <Form.Item noStyle shouldUpdate>
        {() => {
          const n = form.getFieldValue([level, key]) as number | null | undefined;
          return n && n >= 48 ? <Typography.Text type="secondary">{t('warning.policy.days', { n: Math.round((n / 24) * 10) / 10 })}</Typography.Text> : null;
        }}
      </Form.Item>
    </Space>
  );

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%', maxWidth: 760 }} data-testid="warning-policy-page">
      <h1 className="xy-page-title" style={{ margin: 0 }}>
        {t('warning.policy.title')}
      </h1>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('warning.policy.hint')}
      </Typography.Paragraph>
      {!editable && <Alert type="info" showIcon title={t('warning.policy.regionOnly')} data-testid="policy-readonly" />}
      <Card size="small">
        <Form form={form} onFinish={(v) => void save(v)} onValuesChange={() => setProblems([])} initialValues={policy.deadlines} disabled={busy || !editable} data-testid="policy-form">
          <Space orientation="vertical" size={12} style={{ width: '100%' }}>
            {problems.length > 0 && (
              <Alert
                type="error"
                showIcon
                title={problems[0]}
                description={problems.length > 1 ? <ul style={{ margin: 0, paddingInlineStart: 18 }}>{problems.slice(1).map((p) => <li key={p}>{p}</li>)}</ul> : undefined}
                data-testid="policy-error"
              />
            )}
            <Table
              rowKey={(l) => l}
              size="middle"
              pagination={false}
              dataSource={[...LEVELS]}
              columns={[
                { title: t('warning.policy.level'), key: 'level', width: 90, render: (_v, l: AlertLevel) => <AlertLevelTag level={l} /> },
                { title: t('warning.policy.ackHours'), key: 'ack', render: (_v, l: AlertLevel) => hours(l, 'ackHours') },
                { title: t('warning.policy.assessHours'), key: 'assess', render: (_v, l: AlertLevel) => hours(l, 'assessHours') },
              ]}
            />
            <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
              <Typography.Text type="secondary" data-testid="policy-updated">
                {policy.updatedAt ? t('warning.policy.updated', { by: policy.updatedBy ?? '—', at: fmt(policy.updatedAt) }) : t('warning.policy.neverUpdated')}
              </Typography.Text>
              {editable && (
              <Space>
                <Button icon={<UndoOutlined />} onClick={() => form.setFieldsValue(DEFAULT_DEADLINES)} data-testid="policy-defaults">
                  {t('warning.policy.defaults')}
                </Button>
                <Button type="primary" htmlType="submit" icon={<SaveOutlined />} loading={busy} data-testid="policy-save">
                  {t('warning.policy.save')}
                </Button>
              </Space>
              )}
            </Space>
          </Space>
        </Form>
      </Card>
    </Space>
  );
}
