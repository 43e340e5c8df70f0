import { Card, Form, InputNumber, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { DEFAULT_DEADLINES } from '@xinyu/core';
import type { AlertLevel, DeadlinePolicy, WarningPolicy } from '../../api/types';
import { AlertLevelTag, fmt, LEVELS } from '../warning/shared';
import { fieldProblems, ProblemsAlert, RegionSettingPage, SettingButtons, useRegionSetting } from './regionSetting';

const LIMITS = { ackHours: 24 * 30, assessHours: 24 * 60 } as const;

const toForm = (p: WarningPolicy): DeadlinePolicy => p.deadlines;
const toBody = (deadlines: DeadlinePolicy) => ({ deadlines });

/**
 * 预警处置时限 (config.write): per level, the hours to acknowledge and to assess an alert. The server
 * checks that they make sense together (assessment not shorter than acknowledgement, red ≤ orange ≤
 * yellow) and says what is wrong in Chinese.
 */
export default function WarningPolicyPage() {
  const { t } = useTranslation();
  // the city bureau sets the deadlines; a district's admin sees them (the server refuses their PUT).
  // The server names every problem in `fields` (deadlines.0, deadlines.1 …), the first in the message.
  const { setting: policy, fallback, editable, form, busy, problems, formProps } = useRegionSetting({
    path: '/warning/policy',
    toForm,
    toBody,
    savedMessage: t('warning.policy.saved'),
    problemsOf: fieldProblems,
  });
  if (!policy) return fallback;

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
    <RegionSettingPage
      title={t('warning.policy.title')}
      hint={t('warning.policy.hint')}
      readOnlyNote={t('warning.policy.regionOnly')}
      editable={editable}
      maxWidth={760}
      testId="warning-policy-page"
      readOnlyTestId="policy-readonly"
    >
      <Card size="small">
        <Form {...formProps} data-testid="policy-form">
          <Space orientation="vertical" size={12} style={{ width: '100%' }}>
            <ProblemsAlert problems={problems} testId="policy-error" />
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
                <SettingButtons
                  onDefaults={() => form.setFieldsValue(DEFAULT_DEADLINES)}
                  defaultsLabel={t('warning.policy.defaults')}
                  saveLabel={t('warning.policy.save')}
                  busy={busy}
                  testIdPrefix="policy"
                />
              )}
            </Space>
          </Space>
        </Form>
      </Card>
    </RegionSettingPage>
  );
}
