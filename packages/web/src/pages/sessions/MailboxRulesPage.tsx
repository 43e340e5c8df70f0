import { Alert, Card, Form, Input, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { DEFAULT_MAILBOX_KEYWORDS } from '@xinyu/core';
import { fieldProblems, ProblemsAlert, RegionSettingPage, SettingButtons, useRegionSetting } from '../config/regionSetting';
import type { MailboxRules } from './types';

interface FormValues {
  text: string;
}
const toForm = (r: { keywords: readonly string[] }): FormValues => ({ text: r.keywords.join('\n') });
const toBody = (v: FormValues) => ({ keywords: v.text.split(/[\n,，、]/).map((k) => k.trim()).filter(Boolean) });

/** 心灵信箱优先提示关键词: the region's keyword rules (a triage aid), set by the city bureau. */
export default function MailboxRulesPage() {
  const { t } = useTranslation();
  const { setting, fallback, editable, form, busy, problems, formProps } = useRegionSetting<MailboxRules, FormValues>({
    path: '/mailbox/rules',
    toForm,
    toBody,
    savedMessage: t('counselingRecords.rules.saved'),
    problemsOf: fieldProblems,
  });
  if (!setting) return fallback;
  return (
    <RegionSettingPage title={t('counselingRecords.rules.title')} hint={t('counselingRecords.rules.hint')} readOnlyNote={t('counselingRecords.rules.regionOnly')} editable={editable} maxWidth={720} testId="mailbox-rules-page" readOnlyTestId="mailbox-rules-readonly">
      {setting.isDefault && <Alert type="info" title={t('counselingRecords.rules.isDefault')} />}
      <Card size="small">
        <Form<FormValues> {...formProps} layout="vertical">
          <Space orientation="vertical" size={12} style={{ width: '100%' }}>
            <Form.Item name="text" label={t('counselingRecords.rules.keywords')} style={{ marginBottom: 0 }}>
              <Input.TextArea rows={14} data-testid="mailbox-rules-text" />
            </Form.Item>
            <ProblemsAlert problems={problems} testId="mailbox-rules-problems" />
            {editable && (
              <SettingButtons
                onDefaults={() => form.setFieldsValue(toForm({ keywords: DEFAULT_MAILBOX_KEYWORDS }))}
                defaultsLabel={t('counselingRecords.rules.defaults')}
                saveLabel={t('counselingRecords.rules.save')}
                busy={busy}
                testIdPrefix="mailbox-rules"
                style={{ justifyContent: 'flex-end', width: '100%' }}
              />
            )}
          </Space>
        </Form>
      </Card>
    </RegionSettingPage>
  );
}
