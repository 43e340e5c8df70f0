import { useMemo, useState } from 'react';
import { Button, Calendar, Card, Col, DatePicker, Empty, Form, Input, Row, Select, Space, Tag, Typography, type FormInstance } from 'antd';
import { DeleteOutlined, PlusOutlined, SaveOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import { datesBetween, isSchoolDay, type SchoolCalendar as CoreCalendar } from '@xinyu/core';
import { ApiError, errorMessage } from '../../api/client';
import type { SchoolCalendar } from '../../api/types';
import { ProblemsAlert, RegionSettingPage, useRegionSetting } from './regionSetting';

const D = 'YYYY-MM-DD';
type DayKind = SchoolCalendar['days'][number]['kind'];
interface FormValues {
  terms: { name: string; range: [Dayjs, Dayjs] }[];
  days: { date: Dayjs; kind: DayKind; label?: string }[];
}

const toForm = (c: SchoolCalendar): FormValues => ({
  terms: c.terms.map((t) => ({ name: t.name, range: [dayjs(t.start), dayjs(t.end)] })),
  days: c.days.map((d) => ({ date: dayjs(d.date), kind: d.kind, label: d.label })),
});

/** The form's values as the API takes them; rows still being filled in are left out of the preview. */
function toBody(v: Partial<FormValues>): SchoolCalendar {
  return {
    terms: (v.terms ?? []).filter((t) => t?.name && t.range?.[0] && t.range[1]).map((t) => ({ name: t.name.trim(), start: t.range[0].format(D), end: t.range[1].format(D) })),
    days: (v.days ?? [])
      .filter((d) => d?.date && d.kind)
      .map((d) => ({ date: d.date.format(D), kind: d.kind, ...(d.label?.trim() ? { label: d.label.trim() } : {}) }))
      .sort((a, b) => a.date.localeCompare(b.date)),
  };
}

const MARK_COLOR = { school: 'blue', weekend: 'default', holiday: 'red', workday: 'orange', outside: 'default' } as const;
type Mark = keyof typeof MARK_COLOR;

/** How the committee rule sees a day under this calendar (no terms: every weekday, as the server counts it). */
function markOf(date: string, cal: SchoolCalendar): Mark {
  const effective: CoreCalendar = cal.terms.length ? cal : { ...cal, terms: [{ name: '', start: '2000-01-01', end: '2099-12-31' }] };
  const special = cal.days.find((d) => d.date === date);
  if (!effective.terms.some((t) => t.start <= date && date <= t.end)) return 'outside';
  if (special) return special.kind === 'holiday' ? 'holiday' : 'workday';
  return isSchoolDay(date, effective) ? 'school' : 'weekend';
}

/** terms.0.end, days.3.date …: on the rows they name (the days as sent, sorted by date); the message above the form. */
function problemsOf(e: unknown, form: FormInstance<FormValues>, v: FormValues): string[] {
  const body = toBody(v);
  const placed: { name: (string | number)[]; errors: string[] }[] = [];
  const sentDays = (v.days ?? []).filter((d) => d?.date && d.kind);
  for (const [name, msg] of Object.entries(e instanceof ApiError && e.fields ? e.fields : {})) {
    const term = /^terms\.(\d+)\./.exec(name);
    const day = /^days\.(\d+)\./.exec(name);
    if (term) placed.push({ name: ['terms', Number(term[1]), 'range'], errors: [msg] });
    if (day) {
      const date = body.days[Number(day[1])]?.date;
      const i = sentDays.findLastIndex((d) => d.date.format(D) === date);
      if (i >= 0) placed.push({ name: ['days', i, 'date'], errors: [msg] });
    }
  }
  if (placed.length) form.setFields(placed as never);
  return [errorMessage(e)];
}

/**
 * 校历: the region's terms, holidays and make-up school days, which decide the days committee
 * members report on and the days the committee rule counts. The city bureau edits it (the server
 * refuses anyone else); others with config rights see it read-only.
 */
export default function SchoolCalendarPage() {
  const { t } = useTranslation();
  const { setting, fallback, editable, form, busy, problems, formProps } = useRegionSetting({
    path: '/calendar',
    toForm,
    toBody,
    savedMessage: t('sweep.calendar.saved'),
    problemsOf,
  });
  const [month, setMonth] = useState(() => dayjs());
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(null);
  const [rangeLabel, setRangeLabel] = useState('');
  const watched = Form.useWatch([], form) as Partial<FormValues> | undefined;
  const preview = useMemo(() => toBody(watched ?? {}), [watched]);

  function addRange() {
    if (!range) return;
    const days = (form.getFieldValue('days') as FormValues['days'] | undefined) ?? [];
    const have = new Set(days.filter((d) => d?.date).map((d) => d.date.format(D)));
    const added = datesBetween(range[0].format(D), range[1].format(D))
      .filter((d) => !have.has(d))
      .map((d) => ({ date: dayjs(d), kind: 'holiday' as const, label: rangeLabel.trim() || undefined }));
    form.setFieldValue('days', [...days, ...added].sort((a, b) => (a.date && b.date ? a.date.valueOf() - b.date.valueOf() : 0)));
    setRange(null);
    setRangeLabel('');
  }

  if (!setting) return fallback;

  const monthDays = datesBetween(month.startOf('month').format(D), month.endOf('month').format(D));
  const schoolDays = monthDays.filter((d) => markOf(d, preview) === 'school' || markOf(d, preview) === 'workday').length;

  return (
    <RegionSettingPage
      title={t('sweep.calendar.title')}
      hint={t('sweep.calendar.hint')}
      readOnlyNote={t('sweep.calendar.regionOnly')}
      editable={editable}
      testId="calendar-page"
      readOnlyTestId="calendar-readonly"
    >
      <Form<FormValues> {...formProps} data-testid="calendar-form">
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={14}>
            <Space orientation="vertical" size={16} style={{ width: '100%' }}>
              <Card size="small" title={t('sweep.calendar.terms')}>
                <Form.List name="terms">
                  {(fields, { add, remove }) => (
                    <Space orientation="vertical" size={8} style={{ width: '100%' }}>
                      {fields.length === 0 && <Typography.Text type="secondary">{t('sweep.calendar.termsEmpty')}</Typography.Text>}
                      {fields.map((f) => (
                        <Space key={f.key} align="start" wrap data-testid="calendar-term">
                          <Form.Item name={[f.name, 'name']} rules={[{ required: true, whitespace: true, message: t('sweep.calendar.required') }]} style={{ margin: 0 }}>
                            <Input maxLength={50} placeholder={t('sweep.calendar.termNamePlaceholder')} style={{ width: 200 }} data-testid="calendar-term-name" />
                          </Form.Item>
                          <Form.Item name={[f.name, 'range']} rules={[{ required: true, message: t('sweep.calendar.required') }]} style={{ margin: 0 }}>
                            <DatePicker.RangePicker allowClear={false} data-testid="calendar-term-range" />
                          </Form.Item>
                          <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('common.remove')} />
                        </Space>
                      ))}
                      <Button icon={<PlusOutlined />} onClick={() => add({ name: '' })} data-testid="calendar-add-term">
                        {t('sweep.calendar.addTerm')}
                      </Button>
                    </Space>
                  )}
                </Form.List>
              </Card>
              <Card size="small" title={t('sweep.calendar.days')}>
                <Space orientation="vertical" size={8} style={{ width: '100%' }}>
                  {editable && (
                    <Space wrap data-testid="calendar-range">
                      <span>{t('sweep.calendar.addRange')}</span>
                      <DatePicker.RangePicker value={range} onChange={(v) => setRange(v?.[0] && v[1] ? [v[0], v[1]] : null)} data-testid="calendar-range-dates" />
                      <Input value={rangeLabel} onChange={(e) => setRangeLabel(e.target.value)} maxLength={50} placeholder={t('sweep.calendar.labelPlaceholder')} style={{ width: 140 }} data-testid="calendar-range-label" />
                      <Button icon={<PlusOutlined />} disabled={!range} onClick={addRange} data-testid="calendar-range-add">
                        {t('sweep.calendar.rangeAdd')}
                      </Button>
                    </Space>
                  )}
                  <Form.List name="days">
                    {(fields, { add, remove }) => (
                      <Space orientation="vertical" size={8} style={{ width: '100%' }}>
                        {fields.length === 0 && <Typography.Text type="secondary">{t('sweep.calendar.daysEmpty')}</Typography.Text>}
                        {fields.map((f) => (
                          <Space key={f.key} align="start" wrap data-testid="calendar-day">
                            <Form.Item name={[f.name, 'date']} rules={[{ required: true, message: t('sweep.calendar.required') }]} style={{ margin: 0 }}>
                              <DatePicker allowClear={false} data-testid="calendar-day-date" />
                            </Form.Item>
                            <Form.Item name={[f.name, 'kind']} rules={[{ required: true, message: t('sweep.calendar.required') }]} style={{ margin: 0 }}>
                              <Select<DayKind> style={{ width: 130 }} options={(['holiday', 'workday'] as const).map((k) => ({ value: k, label: t(`sweep.calendar.dayKind.${k}`) }))} data-testid="calendar-day-kind" />
                            </Form.Item>
                            <Form.Item name={[f.name, 'label']} style={{ margin: 0 }}>
                              <Input maxLength={50} placeholder={t('sweep.calendar.labelPlaceholder')} style={{ width: 160 }} data-testid="calendar-day-label" />
                            </Form.Item>
                            <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('common.remove')} data-testid="calendar-day-remove" />
                          </Space>
                        ))}
                        <Button icon={<PlusOutlined />} onClick={() => add({ kind: 'holiday' })} data-testid="calendar-add-day">
                          {t('sweep.calendar.addDay')}
                        </Button>
                      </Space>
                    )}
                  </Form.List>
                </Space>
              </Card>
              <ProblemsAlert problems={problems} testId="calendar-error" />
              {editable && (
                <Button type="primary" htmlType="submit" icon={<SaveOutlined />} loading={busy} data-testid="calendar-save">
                  {t('sweep.calendar.save')}
                </Button>
              )}
            </Space>
          </Col>
          <Col xs={24} xl={10}>
            <Card size="small" title={t('sweep.calendar.preview')} extra={<Typography.Text type="secondary">{t('sweep.calendar.schoolDaysInMonth', { n: schoolDays })}</Typography.Text>} data-testid="calendar-preview">
              <Space size={4} wrap style={{ marginBottom: 8 }}>
                {(Object.keys(MARK_COLOR) as Mark[]).map((m) => (
                  <Tag key={m} color={MARK_COLOR[m]}>
                    {t(`sweep.calendar.mark.${m}`)}
                  </Tag>
                ))}
              </Space>
              <Calendar
                fullscreen={false}
                value={month}
                onPanelChange={(d) => setMonth(d)}
                onSelect={(d) => setMonth(d)}
                fullCellRender={(d, info) => {
                  if (info.type !== 'date') return info.originNode;
                  const mark = markOf(d.format(D), preview);
                  const label = preview.days.find((x) => x.date === d.format(D))?.label;
                  // the chosen day keeps antd's white on blue
                  const color = d.isSame(month, 'day') ? undefined : d.month() !== month.month() ? '#d9d9d9' : { school: '#1677ff', weekend: '#bfbfbf', holiday: '#cf1322', workday: '#d46b08', outside: '#d9d9d9' }[mark];
                  return (
                    <div className="ant-picker-cell-inner" title={`${t(`sweep.calendar.mark.${mark}`)}${label ? ` · ${label}` : ''}`} style={{ color, fontWeight: mark === 'holiday' || mark === 'workday' ? 600 : undefined }} data-mark={mark}>
                      {d.date()}
                    </div>
                  );
                }}
              />
              {preview.terms.length === 0 && preview.days.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('sweep.calendar.termsEmpty')} />}
            </Card>
          </Col>
        </Row>
      </Form>
    </RegionSettingPage>
  );
}
