import { Alert, Card, Checkbox, Form, InputNumber, Space, Switch, Table, Typography, type FormInstance } from 'antd';
import { useTranslation } from 'react-i18next';
import { DEFAULT_CARE_POLICY, type CarePolicy } from '@xinyu/core';
import { ApiError } from '../../api/client';
import type { AlertLevel } from '../../api/types';
import { applyFormErrors } from '../../app/formErrors';
import { AlertLevelTag, LEVELS } from '../warning/shared';
import { ProblemsAlert, RegionSettingPage, SettingButtons, useRegionSetting } from './regionSetting';

const KINDS = ['daily_check', 'talk', 'home_visit'] as const;
type Kind = (typeof KINDS)[number];

/** The form keeps each follow-up flat (the API's cadence.talk is the form's `talk`) with its own "required" switch. */
type FormValues = { maxPerTeacher: number; leaderLevels: AlertLevel[] } & Record<Kind, number | null> & Record<`${Kind}On`, boolean>;
const NAMES = ['maxPerTeacher', 'leaderLevels', ...KINDS] as const;

const toForm = (p: CarePolicy): FormValues => {
  const v = { maxPerTeacher: p.maxPerTeacher, leaderLevels: [...p.leaderLevels] } as FormValues;
  for (const k of KINDS) {
    v[k] = p.cadence[k];
    v[`${k}On`] = p.cadence[k] !== null;
  }
  return v;
};

const toPolicy = (v: FormValues): CarePolicy => ({
  maxPerTeacher: v.maxPerTeacher,
  // the most serious first, as the rule reads
  leaderLevels: LEVELS.filter((l) => v.leaderLevels.includes(l)),
  cadence: { daily_check: v.daily_checkOn ? v.daily_check : null, talk: v.talkOn ? v.talk : null, home_visit: v.home_visitOn ? v.home_visit : null },
});

/** The rule's own problems come as policy.0, policy.1 …; the input's as the field they concern (cadence.talk). */
function problemsOf(e: unknown, form: FormInstance<FormValues>): string[] {
  const fields = e instanceof ApiError && e.fields ? Object.entries(e.fields) : [];
  if (fields.length && fields.every(([k]) => k.startsWith('policy.'))) return [...new Set(fields.map(([, m]) => m))];
  const rest = applyFormErrors(form, e, NAMES, (n) => n.replace(/^cadence\./, '').replace(/^leaderLevels\.\d+$/, 'leaderLevels'));
  return rest ? [rest] : [];
}

/**
 * 包保规则 (care rules): how many key students one teacher takes, which levels go to school leaders,
 * and how often care teachers follow up. The city bureau sets them (the server's requireRegionWide);
 * everyone else with config.write sees them read-only. The server's Chinese messages are shown on the
 * fields they name, or above the form.
 */
export default function CarePolicyPage() {
  const { t } = useTranslation();
  const { setting: policy, fallback, editable, form, busy, problems, clearProblems, formProps } = useRegionSetting({
    path: '/care/policy',
    toForm,
    toBody: toPolicy,
    savedMessage: t('carePolicy.saved'),
    problemsOf,
  });
  if (!policy) return fallback;

  const sep = t('carePolicy.listSep');
  const cadence = KINDS.filter((k) => policy.cadence[k] !== null).map((k) => t('carePolicy.summaryEvery', { kind: t(`care.kind.${k}`), days: policy.cadence[k] }));
  const summary = t('carePolicy.summary', {
    max: policy.maxPerTeacher,
    leader: policy.leaderLevels.length
      ? t('carePolicy.summaryLeader', { levels: LEVELS.filter((l) => policy.leaderLevels.includes(l)).map((l) => t(`warning.level.${l}`)).join(sep) })
      : t('carePolicy.summaryNoLeader'),
    cadence: cadence.length ? cadence.join(sep) : t('carePolicy.summaryNoCadence'),
  });

  return (
    <RegionSettingPage
      title={t('carePolicy.title')}
      hint={t('carePolicy.hint')}
      readOnlyNote={t('carePolicy.regionOnly')}
      editable={editable}
      maxWidth={820}
      testId="care-policy-page"
      readOnlyTestId="care-policy-readonly"
    >
      <Alert type="info" title={summary} data-testid="care-policy-summary" />
      <Card size="small">
        <Form<FormValues>
          {...formProps}
          layout="vertical"
          onValuesChange={(changed: Partial<FormValues>) => {
            clearProblems();
            // a follow-up switched on starts at the default interval
            for (const k of KINDS) if (changed[`${k}On`] && form.getFieldValue(k) == null) form.setFieldValue(k, DEFAULT_CARE_POLICY.cadence[k]);
          }}
          data-testid="care-policy-form"
        >
          <Form.Item label={t('carePolicy.maxPerTeacher')} extra={t('carePolicy.maxHint')} required>
            <Space align="center">
              <Form.Item name="maxPerTeacher" noStyle rules={[{ required: true, message: t('carePolicy.required') }]}>
                <InputNumber min={1} max={30} precision={0} style={{ width: 90 }} data-testid="care-policy-max" />
              </Form.Item>
              <span>{t('carePolicy.maxUnit')}</span>
            </Space>
          </Form.Item>
          <Form.Item name="leaderLevels" label={t('carePolicy.leaderLevels')} extra={t('carePolicy.leaderHint')}>
            <Checkbox.Group data-testid="care-policy-leader">
              {LEVELS.map((l) => (
                <Checkbox key={l} value={l} data-testid={`care-policy-leader-${l}`}>
                  <AlertLevelTag level={l} />
                </Checkbox>
              ))}
            </Checkbox.Group>
          </Form.Item>
          <Form.Item label={t('carePolicy.cadence')} extra={t('carePolicy.cadenceHint')} style={{ marginBottom: 12 }}>
            <Table<Kind>
              rowKey={(k) => k}
              size="small"
              pagination={false}
              dataSource={[...KINDS]}
              columns={[
                { title: t('carePolicy.col.kind'), key: 'kind', render: (_v, k) => t(`care.kind.${k}`) },
                {
                  title: t('carePolicy.col.required'),
                  key: 'on',
                  width: 120,
                  render: (_v, k) => (
                    <Form.Item name={`${k}On`} valuePropName="checked" noStyle>
                      <Switch size="small" aria-label={t(`care.kind.${k}`)} data-testid={`care-policy-${k}-on`} />
                    </Form.Item>
                  ),
                },
                {
                  title: t('carePolicy.col.every'),
                  key: 'every',
                  width: 260,
                  render: (_v, k) => (
                    <Form.Item noStyle shouldUpdate={(a: FormValues, b: FormValues) => a[`${k}On`] !== b[`${k}On`]}>
                      {() =>
                        form.getFieldValue(`${k}On`) ? (
                          <Space align="center">
                            <span>{t('carePolicy.every')}</span>
                            <Form.Item name={k} noStyle rules={[{ required: true, message: t('carePolicy.required') }]}>
                              <InputNumber min={1} max={120} precision={0} style={{ width: 80 }} data-testid={`care-policy-${k}`} />
                            </Form.Item>
                            <span>{t('carePolicy.days')}</span>
                          </Space>
                        ) : (
                          <Typography.Text type="secondary" data-testid={`care-policy-${k}-off`}>
                            {t('carePolicy.notRequired')}
                          </Typography.Text>
                        )
                      }
                    </Form.Item>
                  ),
                },
              ]}
            />
          </Form.Item>
          <ProblemsAlert problems={problems} style={{ marginBottom: 12 }} testId="care-policy-error" />
          {editable && (
            <SettingButtons
              onDefaults={() => form.setFieldsValue(toForm(DEFAULT_CARE_POLICY))}
              defaultsLabel={t('carePolicy.defaults')}
              saveLabel={t('carePolicy.save')}
              busy={busy}
              testIdPrefix="care-policy"
              style={{ justifyContent: 'flex-end', width: '100%' }}
            />
          )}
        </Form>
      </Card>
    </RegionSettingPage>
  );
}
