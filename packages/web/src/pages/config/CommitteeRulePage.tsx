import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, InputNumber, Radio, Select, Space, Table, Typography } from 'antd';
import { SaveOutlined, UndoOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { COMMITTEE_CATEGORY_CODES, DEFAULT_COMMITTEE_RULE, type CommitteeCategory } from '@xinyu/core';
import { api, ApiError, errorMessage } from '../../api/client';
import type { AlertLevel, CommitteeRule } from '../../api/types';
import { useMe } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { Loading } from '../../components/Loading';
import { AlertLevelTag, LEVEL_TEXT, LEVELS_MILD_FIRST } from '../warning/shared';
import { regionWide } from './regionWide';

/** The form keeps "not at once" as its own value; the API leaves such categories out. */
type Immediate = AlertLevel | 'no';
interface FormValues {
  windowDays: number;
  minDays: number;
  level: AlertLevel;
  immediate: Record<CommitteeCategory, Immediate>;
}

const toForm = (r: CommitteeRule): FormValues => ({
  windowDays: r.windowDays,
  minDays: r.minDays,
  level: r.level,
  immediate: Object.fromEntries(COMMITTEE_CATEGORY_CODES.map((c) => [c, (r.immediate as Partial<Record<CommitteeCategory, AlertLevel>>)[c] ?? 'no'])) as Record<CommitteeCategory, Immediate>,
});

const toRule = (v: FormValues): CommitteeRule => ({
  windowDays: v.windowDays,
  minDays: v.minDays,
  level: v.level,
  immediate: Object.fromEntries(Object.entries(v.immediate).filter((e): e is [string, AlertLevel] => e[1] !== 'no')),
});

/**
 * 心理委员预警规则: when mentions in committee daily reports become a warning (named on `minDays` of
 * the last `windowDays` school days, at `level`; some matters at once). The city bureau sets it;
 * the server checks it makes sense and says what is wrong in Chinese.
 */
export default function CommitteeRulePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const editable = regionWide(me, 'config.write');
  const { data, error, loading, reload } = useAsync((signal) => api.get<CommitteeRule>('/committee/rule', undefined, { signal }), []);
  const [saved, setSaved] = useState<CommitteeRule | null>(null);
  const rule = saved ?? data;
  const [form] = Form.useForm<FormValues>();
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);

  useEffect(() => {
    if (rule) form.setFieldsValue(toForm(rule));
  }, [rule, form]);

  async function save(v: FormValues) {
    setBusy(true);
    setProblems([]);
    try {
      setSaved(await api.put<CommitteeRule>('/committee/rule', toRule(v)));
      void message.success(t('sweep.rule.saved'));
    } catch (e) {
      // the server names every problem in `fields` (rule.0, rule.1 …), the first in the message
      const all = e instanceof ApiError && e.fields ? [...new Set(Object.values(e.fields))] : [];
      setProblems(all.length > 1 ? all : [errorMessage(e)]);
    } finally {
      setBusy(false);
    }
  }

  if (loading && !rule) return <Loading />;
  if (!rule) return <ErrorBox error={error} onRetry={reload} />;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%', maxWidth: 820 }} data-testid="committee-rule-page">
      <h1 className="xy-page-title" style={{ margin: 0 }}>
        {t('sweep.rule.title')}
      </h1>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('sweep.rule.hint')}
      </Typography.Paragraph>
      {!editable && <Alert type="info" showIcon title={t('sweep.rule.regionOnly')} data-testid="rule-readonly" />}
      <Alert type="info" title={t('sweep.rule.summary', { window: rule.windowDays, min: rule.minDays, level: t(`warning.level.${rule.level}`) })} data-testid="rule-summary" />
      <Card size="small">
        <Form<FormValues> form={form} onFinish={(v) => void save(v)} onValuesChange={() => setProblems([])} initialValues={toForm(rule)} disabled={busy || !editable} data-testid="rule-form">
          <Space orientation="vertical" size={12} style={{ width: '100%' }}>
            <Space wrap align="center">
              <span>{t('sweep.rule.windowDays')}</span>
              <Form.Item name="windowDays" noStyle rules={[{ required: true, message: t('sweep.rule.required') }]}>
                <InputNumber min={1} max={20} precision={0} style={{ width: 80 }} data-testid="rule-window" />
              </Form.Item>
              <span>{t('sweep.rule.windowUnit')}</span>
              <span>{t('sweep.rule.minDays')}</span>
              <Form.Item name="minDays" noStyle rules={[{ required: true, message: t('sweep.rule.required') }]}>
                <InputNumber min={1} max={20} precision={0} style={{ width: 80 }} data-testid="rule-min" />
              </Form.Item>
              <span>{t('sweep.rule.minUnit')}</span>
            </Space>
            <Space wrap align="center">
              <span>{t('sweep.rule.level')}</span>
              <Form.Item name="level" noStyle>
                <Radio.Group data-testid="rule-level">
                  {LEVELS_MILD_FIRST.map((l) => (
                    <Radio key={l} value={l} data-testid={`rule-level-${l}`}>
                      <span style={{ color: LEVEL_TEXT[l] }}>{t(`warning.level.${l}`)}</span>
                    </Radio>
                  ))}
                </Radio.Group>
              </Form.Item>
            </Space>
            <Typography.Text strong>{t('sweep.rule.immediate')}</Typography.Text>
            <Typography.Text type="secondary">{t('sweep.rule.immediateHint')}</Typography.Text>
            <Table<CommitteeCategory>
              rowKey={(c) => c}
              size="small"
              pagination={false}
              dataSource={COMMITTEE_CATEGORY_CODES}
              columns={[
                { title: t('sweep.rule.category'), key: 'c', render: (_v, c) => t(`sweep.rule.categories.${c}`) },
                {
                  title: t('sweep.rule.level'),
                  key: 'l',
                  width: 200,
                  render: (_v, c) => (
                    <Form.Item name={['immediate', c]} noStyle>
                      <Select<Immediate>
                        style={{ width: 160 }}
                        options={[{ value: 'no', label: t('sweep.rule.notImmediate') }, ...LEVELS_MILD_FIRST.map((l) => ({ value: l, label: <AlertLevelTag level={l} /> }))]}
                        data-testid={`rule-immediate-${c}`}
                      />
                    </Form.Item>
                  ),
                },
              ]}
            />
            {problems.length > 0 && (
              <Alert
                type="error"
                showIcon
                title={problems[0]}
                description={problems.length > 1 ? <ul style={{ margin: 0, paddingInlineStart: 18 }}>{problems.slice(1).map((p) => <li key={p}>{p}</li>)}</ul> : undefined}
                data-testid="rule-error"
              />
            )}
            {editable && (
              <Space style={{ justifyContent: 'flex-end', width: '100%' }}>
                <Button icon={<UndoOutlined />} onClick={() => form.setFieldsValue(toForm(DEFAULT_COMMITTEE_RULE))} data-testid="rule-defaults">
                  {t('sweep.rule.defaults')}
                </Button>
                <Button type="primary" htmlType="submit" icon={<SaveOutlined />} loading={busy} data-testid="rule-save">
                  {t('sweep.rule.save')}
                </Button>
              </Space>
            )}
          </Space>
        </Form>
      </Card>
    </Space>
  );
}
