import { Alert, Card, Form, InputNumber, Radio, Select, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { COMMITTEE_CATEGORY_CODES, DEFAULT_COMMITTEE_RULE, type CommitteeCategory } from '@xinyu/core';
import type { AlertLevel, CommitteeRule } from '../../api/types';
import { AlertLevelTag, LEVEL_TEXT, LEVELS_MILD_FIRST } from '../warning/shared';
import { fieldProblems, ProblemsAlert, RegionSettingPage, SettingButtons, useRegionSetting } from './regionSetting';

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
  // the server names every problem in `fields` (rule.0, rule.1 …), the first in the message
  const { setting: rule, fallback, editable, form, busy, problems, formProps } = useRegionSetting({
    path: '/committee/rule',
    toForm,
    toBody: toRule,
    savedMessage: t('sweep.rule.saved'),
    problemsOf: fieldProblems,
  });
  if (!rule) return fallback;

  return (
    <RegionSettingPage
      title={t('sweep.rule.title')}
      hint={t('sweep.rule.hint')}
      readOnlyNote={t('sweep.rule.regionOnly')}
      editable={editable}
      maxWidth={820}
      testId="committee-rule-page"
      readOnlyTestId="rule-readonly"
    >
      <Alert type="info" title={t('sweep.rule.summary', { window: rule.windowDays, min: rule.minDays, level: t(`warning.level.${rule.level}`) })} data-testid="rule-summary" />
      <Card size="small">
        <Form<FormValues> {...formProps} data-testid="rule-form">
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
            <ProblemsAlert problems={problems} testId="rule-error" />
            {editable && (
              <SettingButtons
                onDefaults={() => form.setFieldsValue(toForm(DEFAULT_COMMITTEE_RULE))}
                defaultsLabel={t('sweep.rule.defaults')}
                saveLabel={t('sweep.rule.save')}
                busy={busy}
                testIdPrefix="rule"
                style={{ justifyContent: 'flex-end', width: '100%' }}
              />
            )}
          </Space>
        </Form>
      </Card>
    </RegionSettingPage>
  );
}
