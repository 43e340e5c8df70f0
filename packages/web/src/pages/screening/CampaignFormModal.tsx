import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Form, Input, Modal, Select, Space, Switch, TreeSelect, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import { gradeName, ROLE_INFO } from '@xinyu/core';
import { api, ApiError } from '../../api/client';
import type { Campaign, CreateCampaignBody, EditCampaignBody, InstrumentSummary, Items } from '../../api/types';
import { applyFormErrors } from '../../app/formErrors';
import { buildTree, useOrgTree } from '../../app/orgTree';
import { useCan, useMe } from '../../app/session';
import { useAsync } from '../../app/useAsync';

interface BandValues {
  gradeLevels?: number[];
  /** `key@version` */
  instruments?: string[];
}

interface Values {
  title: string;
  purpose: string;
  ownerUnitId?: number;
  targetUnitIds?: number[];
  window?: [Dayjs, Dayjs];
  plan: BandValues[];
  reminderDaysBeforeEnd: number[];
  consentForAll: boolean;
  reason?: string;
}

/** Form fields with flat names, for applyFormErrors. */
const FLAT = ['title', 'purpose', 'ownerUnitId', 'targetUnitIds', 'window', 'reminderDaysBeforeEnd', 'consentForAll', 'reason', 'plan'] as const;
const GRADES = Array.from({ length: 12 }, (_, i) => i + 1);
const REMINDER_CHOICES = [0, 1, 2, 3, 5, 7, 10, 14];

export const refKey = (r: { key: string; version: string }) => `${r.key}@${r.version}`;
function parseRef(s: string): { key: string; version: string } {
  const at = s.lastIndexOf('@');
  return { key: s.slice(0, at), version: s.slice(at + 1) };
}

/** Grade levels as text: 七年级–九年级, 四年级、六年级 (runs of consecutive grades joined). */
export function gradesText(levels: readonly number[], t: TFunction, lang: string): string {
  const sorted = [...new Set(levels)].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const g of sorted) {
    const last = runs[runs.length - 1];
    if (last && last[1] === g - 1) last[1] = g;
    else runs.push([g, g]);
  }
  const name = (g: number) => (lang === 'en-US' ? String(g) : gradeName(g));
  const text = runs.map(([a, b]) => (a === b ? name(a) : `${name(a)}–${name(b)}`)).join(lang === 'en-US' ? ', ' : '、');
  return lang === 'en-US' ? `${t('campaigns.grade').toLowerCase()} ${text}` : text;
}

/** The bands' API field errors (plan.0.instruments.1, plan.2.gradeLevels) go on the row's fields. */
function placePlanErrors(form: ReturnType<typeof Form.useForm<Values>>[0], fields: Record<string, string>): Record<string, string> {
  const rest: Record<string, string> = {};
  const byName = new Map<string, { name: (string | number)[]; errors: string[] }>();
  for (const [k, msg] of Object.entries(fields)) {
    const m = /^plan\.(\d+)\.(gradeLevels|instruments)(\..*)?$/.exec(k);
    if (!m) {
      rest[k] = msg;
      continue;
    }
    const name = ['plan', Number(m[1]), m[2]!];
    const key = name.join('.');
    const entry = byName.get(key) ?? { name, errors: [] };
    entry.errors.push(msg);
    byName.set(key, entry);
  }
  if (byName.size) form.setFields([...byName.values()].map((e) => ({ name: e.name as never, errors: e.errors })));
  return rest;
}

const sameNumbers = (a: readonly number[], b: readonly number[]) => JSON.stringify([...a].sort((x, y) => x - y)) === JSON.stringify([...b].sort((x, y) => x - y));

/**
 * New campaign (POST /screening/campaigns, a draft) or edit (PATCH …/:id). A published campaign's
 * edit is kept as a version and needs a reason; only changed fields are sent.
 */
export function CampaignFormModal({ open, campaign, onClose, onSaved }: { open: boolean; campaign?: Campaign; onClose: () => void; onSaved: (c: Campaign) => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en-US' ? 'en-US' : 'zh-CN';
  const { message } = App.useApp();
  const me = useMe();
  const can = useCan();
  const { units } = useOrgTree();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [planError, setPlanError] = useState<string | null>(null);
  const editing = campaign !== undefined;
  const versioned = campaign?.status === 'published';

  const instruments = useAsync(
    (signal) => (open && can('instrument.read') ? api.get<Items<InstrumentSummary>>('/instruments', undefined, { signal }).then((r) => r.items) : Promise.resolve([] as InstrumentSummary[])),
    [open],
  );
  const byRef = useMemo(() => new Map((instruments.data ?? []).map((i) => [refKey(i), i])), [instruments.data]);

  // the units where the caller may start a campaign (screening.manage at a city, district or school)
  const ownerChoices = useMemo(() => {
    const seen = new Map<number, string>();
    for (const r of me.roles) {
      if (r.orgUnitId !== null && ROLE_INFO[r.role].permissions.includes('screening.manage')) seen.set(r.orgUnitId, r.orgUnitName ?? String(r.orgUnitId));
    }
    return [...seen].map(([value, label]) => ({ value, label }));
  }, [me.roles]);

  const ownerId = Form.useWatch('ownerUnitId', form) ?? campaign?.owner.id;
  const targetTree = useMemo(() => {
    const owner = units.find((u) => u.id === ownerId);
    if (!owner) return [];
    return buildTree(
      units.filter((u) => u.path.startsWith(owner.path)),
      { maxKind: 'grade' },
    );
  }, [units, ownerId]);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    setPlanError(null);
    if (campaign) {
      form.setFieldsValue({
        title: campaign.title,
        purpose: campaign.purpose,
        targetUnitIds: campaign.targets.map((u) => u.id),
        window: [dayjs(campaign.window.start), dayjs(campaign.window.end)],
        plan: campaign.plan.map((b) => ({ gradeLevels: b.gradeLevels, instruments: b.instruments.map(refKey) })),
        reminderDaysBeforeEnd: campaign.reminderDaysBeforeEnd,
        consentForAll: campaign.consentForAll,
      });
    } else {
      form.setFieldsValue({
        ownerUnitId: ownerChoices.length === 1 ? ownerChoices[0]!.value : undefined,
        targetUnitIds: [],
        plan: [{ gradeLevels: [], instruments: [] }],
        reminderDaysBeforeEnd: [3, 1],
        consentForAll: false,
      });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, campaign?.id, campaign?.version]);

  const instrumentOptions = (instruments.data ?? []).map((i) => {
    const sameKey = (instruments.data ?? []).filter((x) => x.key === i.key).length > 1;
    return { value: refKey(i), label: sameKey ? `${i.title[lang]} (${i.version})` : i.title[lang], grades: i.gradeLevels };
  });

  async function submit() {
    setPlanError(null);
    const v = await form.validateFields();
    const fields = {
      title: v.title.trim(),
      purpose: v.purpose.trim(),
      plan: v.plan.map((b) => ({ gradeLevels: [...(b.gradeLevels ?? [])].sort((x, y) => x - y), instruments: (b.instruments ?? []).map(parseRef) })),
      targetUnitIds: v.targetUnitIds ?? [],
      window: { start: v.window![0].format('YYYY-MM-DD'), end: v.window![1].format('YYYY-MM-DD') },
      reminderDaysBeforeEnd: [...v.reminderDaysBeforeEnd].sort((x, y) => y - x),
      consentForAll: v.consentForAll,
    };
    setBusy(true);
    try {
      let saved: Campaign;
      if (campaign) {
        // send what changed; no targets means the owner, as the server stores it
        const targets = fields.targetUnitIds.length ? fields.targetUnitIds : [campaign.owner.id];
        const body: EditCampaignBody = {};
        if (fields.title !== campaign.title) body.title = fields.title;
        if (fields.purpose !== campaign.purpose) body.purpose = fields.purpose;
        if (JSON.stringify(fields.plan) !== JSON.stringify(campaign.plan.map((b) => ({ gradeLevels: [...b.gradeLevels].sort((x, y) => x - y), instruments: b.instruments.map((r) => ({ key: r.key, version: r.version })) })))) body.plan = fields.plan;
        if (!sameNumbers(targets, campaign.targets.map((u) => u.id))) body.targetUnitIds = targets;
        if (fields.window.start !== campaign.window.start || fields.window.end !== campaign.window.end) body.window = fields.window;
        if (!sameNumbers(fields.reminderDaysBeforeEnd, campaign.reminderDaysBeforeEnd)) body.reminderDaysBeforeEnd = fields.reminderDaysBeforeEnd;
        if (fields.consentForAll !== campaign.consentForAll) body.consentForAll = fields.consentForAll;
        if (!Object.keys(body).length) {
          void message.info(t('campaigns.noChange'));
          onClose();
          return;
        }
        if (versioned) body.reason = v.reason?.trim();
        saved = await api.patch<Campaign>(`/screening/campaigns/${campaign.id}`, body);
        void message.success(t('campaigns.saved'));
      } else {
        const body: CreateCampaignBody = { ...fields, ownerUnitId: v.ownerUnitId! };
        saved = await api.post<Campaign>('/screening/campaigns', body);
        void message.success(t('campaigns.created'));
      }
      onSaved(saved);
    } catch (e) {
      let err = e;
      if (e instanceof ApiError && e.fields) {
        const rest = placePlanErrors(form, e.fields);
        if (rest.plan) setPlanError(rest.plan);
        err = new ApiError(e.status, e.code, e.message, rest);
      }
      const left = applyFormErrors(form, err, FLAT, (n) => (/^window(\.|$)/.test(n) ? 'window' : n.replace(/^(targetUnitIds|reminderDaysBeforeEnd)\..*$/, '$1')));
      if (left) void message.error(left);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={open}
      title={editing ? `${t('campaigns.editTitle')} · ${campaign.title}` : t('campaigns.newTitle')}
      onCancel={onClose}
      onOk={() => void submit().catch(() => undefined)}
      confirmLoading={busy}
      destroyOnHidden
      okText={t('common.save')}
      okButtonProps={{ 'data-testid': 'campaign-form-ok' }}
      width={800}
      mask={{ closable: false }}
    >
      <Form form={form} layout="vertical" data-testid="campaign-form">
        {versioned && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('campaigns.reasonExtra')} />}
        <Form.Item name="title" label={t('campaigns.titleLabel')} rules={[{ required: true, whitespace: true, message: t('campaigns.required') }]}>
          <Input maxLength={100} placeholder={t('campaigns.titlePlaceholder')} data-testid="campaign-title" />
        </Form.Item>
        <Form.Item name="purpose" label={t('campaigns.purpose')} extra={t('campaigns.purposeExtra')} rules={[{ required: true, whitespace: true, message: t('campaigns.required') }]}>
          <Input.TextArea rows={3} maxLength={2000} showCount data-testid="campaign-purpose" />
        </Form.Item>
        {!editing && (
          <Form.Item name="ownerUnitId" label={t('campaigns.ownerUnit')} extra={t('campaigns.ownerExtra')} rules={[{ required: true, message: t('campaigns.required') }]}>
            <Select
              options={ownerChoices}
              onChange={() => form.setFieldsValue({ targetUnitIds: [] })}
              data-testid="campaign-owner"
            />
          </Form.Item>
        )}
        <Form.Item name="targetUnitIds" label={t('campaigns.targetUnits')} extra={t('campaigns.targetExtra')}>
          <TreeSelect<number[]>
            treeData={targetTree}
            multiple
            treeNodeLabelProp="label"
            placeholder={t('campaigns.targetPlaceholder')}
            showSearch={{ treeNodeFilterProp: 'title' }}
            allowClear
            maxTagCount={8}
            treeDefaultExpandedKeys={targetTree.map((n) => n.key)}
            data-testid="campaign-targets"
          />
        </Form.Item>
        <Space size={16} wrap style={{ width: '100%' }} align="start">
          <Form.Item name="window" label={t('campaigns.window')} rules={[{ required: true, message: t('campaigns.required') }]}>
            <DatePicker.RangePicker data-testid="campaign-window" />
          </Form.Item>
          <Form.Item name="reminderDaysBeforeEnd" label={t('campaigns.reminderDays')} extra={t('campaigns.reminderExtra')} style={{ minWidth: 300 }}>
            <Select
              mode="multiple"
              maxCount={5}
              options={[...new Set([...REMINDER_CHOICES, ...(campaign?.reminderDaysBeforeEnd ?? [])])]
                .sort((a, b) => b - a)
                .map((n) => ({ value: n, label: n === 0 ? t('campaigns.reminderDay0') : t('campaigns.reminderDay', { n }) }))}
              data-testid="campaign-reminders"
            />
          </Form.Item>
        </Space>

        <Form.Item label={t('campaigns.plan')} extra={t('campaigns.planExtra')} required>
          <Form.List name="plan">
            {(rows, { add, remove }) => (
              <Space orientation="vertical" style={{ width: '100%' }} size={8}>
                {rows.map((row, i) => (
                  <Card
                    key={row.key}
                    size="small"
                    title={t('campaigns.band', { n: i + 1 })}
                    data-testid={`plan-band-${i}`}
                    extra={
                      rows.length > 1 ? (
                        <Button type="text" danger size="small" icon={<DeleteOutlined />} onClick={() => remove(row.name)} aria-label={t('campaigns.removeBand')} data-testid={`plan-remove-${i}`} />
                      ) : undefined
                    }
                  >
                    <Form.Item name={[row.name, 'gradeLevels']} label={t('campaigns.gradeLevels')} rules={[{ required: true, type: 'array', min: 1, message: t('campaigns.gradePlaceholder') }]}>
                      <Select
                        mode="multiple"
                        placeholder={t('campaigns.gradePlaceholder')}
                        optionFilterProp="label"
                        options={GRADES.map((g) => ({ value: g, label: lang === 'en-US' ? `${t('campaigns.grade')} ${g}` : gradeName(g) }))}
                        data-testid={`plan-grades-${i}`}
                      />
                    </Form.Item>
                    <Form.Item
                      name={[row.name, 'instruments']}
                      label={t('campaigns.instruments')}
                      dependencies={[['plan', row.name, 'gradeLevels']]}
                      style={{ marginBottom: 0 }}
                      rules={[
                        { required: true, type: 'array', min: 1, message: t('campaigns.instrumentPlaceholder') },
                        {
                          // a hint only: the server decides and names each unsuitable instrument
                          warningOnly: true,
                          validator: async (_r, refs?: string[]) => {
                            const grades = (form.getFieldValue(['plan', row.name, 'gradeLevels']) as number[] | undefined) ?? [];
                            const problems = (refs ?? []).flatMap((ref) => {
                              const ins = byRef.get(ref);
                              const off = ins ? grades.filter((g) => !ins.gradeLevels.includes(g)) : [];
                              return ins && off.length ? [t('campaigns.unsuitable', { title: ins.title[lang], grades: gradesText(off, t, lang) })] : [];
                            });
                            if (problems.length) throw new Error(problems.join('；'));
                          },
                        },
                      ]}
                    >
                      <Select
                        mode="multiple"
                        placeholder={t('campaigns.instrumentPlaceholder')}
                        options={instrumentOptions}
                        optionFilterProp="label"
                        optionRender={(o) => (
                          <span>
                            {o.data.label}
                            <Typography.Text type="secondary" style={{ marginLeft: 8, fontSize: 12 }}>
                              {t('campaigns.suitable', { grades: gradesText(o.data.grades, t, lang) })}
                            </Typography.Text>
                          </span>
                        )}
                        loading={instruments.loading}
                        data-testid={`plan-instruments-${i}`}
                      />
                    </Form.Item>
                  </Card>
                ))}
                {planError && <Alert type="error" showIcon title={planError} />}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ gradeLevels: [], instruments: [] })} disabled={rows.length >= 12} data-testid="plan-add">
                  {t('campaigns.addBand')}
                </Button>
              </Space>
            )}
          </Form.List>
        </Form.Item>

        <Form.Item name="consentForAll" label={t('campaigns.consentForAll')} valuePropName="checked" extra={t('campaigns.consentNote')}>
          <Switch data-testid="campaign-consent-all" />
        </Form.Item>
        {versioned && (
          <Form.Item name="reason" label={t('campaigns.reason')} rules={[{ required: true, whitespace: true, message: t('campaigns.required') }]}>
            <Input.TextArea rows={2} maxLength={500} placeholder={t('campaigns.reasonPlaceholder')} data-testid="campaign-reason" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
