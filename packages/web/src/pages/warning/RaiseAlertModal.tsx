import { useEffect, useRef, useState } from 'react';
import { Alert as AntAlert, App, AutoComplete, Form, Input, Modal, Radio, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { AlertLevel, Paged, RaiseAlertBody, RaiseAlertResult, StudentSummary } from '../../api/types';
import { applyFormErrors } from '../../app/formErrors';
import { useSendOnce } from '../../app/useSendOnce';
import { uuid } from '../../app/uuid';
import { CATEGORY_KEYS, categoryValue, LEVEL_TEXT, LEVELS_MILD_FIRST } from './shared';

interface Values {
  studentId: string;
  level: AlertLevel;
  category?: string;
  description: string;
}
const FIELDS = ['studentId', 'level', 'category', 'description'] as const;

const studentLabel = (s: StudentSummary) => [s.name, [s.gradeName, s.className].filter(Boolean).join(''), s.studentNo].filter(Boolean).join(' · ');

/** Finds students in the caller's scope as they type (name or 学籍号), as the student list does. */
export function StudentPicker({ value, onChange, fixed, testId = 'raise-student' }: { value?: string; onChange?: (v: string) => void; fixed?: StudentSummary; testId?: string }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [options, setOptions] = useState<StudentSummary[]>(fixed ? [fixed] : []);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);
  useEffect(() => {
    if (fixed) return;
    const n = ++seq.current;
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      setLoading(true);
      api
        .get<Paged<StudentSummary>>('/students', { q: q.trim() || undefined, status: 'active', pageSize: 20 }, { signal: ctrl.signal })
        .then((r) => {
          if (n === seq.current) setOptions(r.items);
        })
        .catch(() => undefined)
        .finally(() => {
          if (n === seq.current) setLoading(false);
        });
    }, q ? 250 : 0);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [q, fixed]);
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={value}
      onChange={onChange}
      disabled={!!fixed}
      loading={loading}
      placeholder={t('warning.raise.studentPlaceholder')}
      notFoundContent={loading ? undefined : t('warning.raise.noStudents')}
      options={options.map((s) => ({ value: s.id, label: studentLabel(s) }))}
      data-testid={testId}
    />
  );
}

/**
 * 上报情况: a staff member's report about a student (teacher observation; the counselor's own).
 * One client id per opened form, reused on a retry, so a double click or a lost answer stores it once.
 */
export function RaiseAlertModal({ onClose, onRaised, student }: { onClose: () => void; onRaised: (r: RaiseAlertResult) => void; student?: StudentSummary }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [clientId] = useState(uuid);
  // a double click reaches submit twice before the button shows it is busy: sent once
  const { busy, problem, send } = useSendOnce();

  const submit = (v: Values) =>
    send(
      async () => {
        const body: RaiseAlertBody = { studentId: v.studentId, level: v.level, description: v.description.trim(), clientId, ...(v.category?.trim() ? { category: v.category.trim() } : {}) };
        const r = await api.post<RaiseAlertResult>('/alerts', body);
        void message.success(t('warning.raise.sent'));
        onRaised(r);
      },
      (e) => applyFormErrors(form, e, FIELDS),
    );

  return (
    <Modal
      open
      width={600}
      title={t('warning.raise.title')}
      onCancel={onClose}
      okText={t('warning.raise.submit')}
      confirmLoading={busy}
      okButtonProps={{ 'data-testid': 'raise-submit' } as Record<string, string>}
      destroyOnHidden
      maskClosable={false}
      onOk={() =>
        void form
          .validateFields()
          .then(submit)
          .catch(() => undefined)
      }
    >
      <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="raise-form">
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('warning.raise.hint')}
        </Typography.Paragraph>
        {problem && <AntAlert type="error" showIcon title={problem} data-testid="raise-error" />}
        <Form form={form} layout="vertical" initialValues={{ studentId: student?.id }} requiredMark="optional" disabled={busy}>
          <Form.Item name="studentId" label={t('warning.raise.student')} rules={[{ required: true, message: t('warning.form.required') }]}>
            <StudentPicker fixed={student} />
          </Form.Item>
          <Form.Item name="level" label={t('warning.raise.level')} rules={[{ required: true, message: t('warning.form.required') }]}>
            <Radio.Group data-testid="raise-level">
              {LEVELS_MILD_FIRST.map((l) => (
                <Radio key={l} value={l} data-testid={`raise-level-${l}`}>
                  <span style={{ color: LEVEL_TEXT[l], fontWeight: 500 }}>{t(`warning.level.${l}`)}</span> {t(`warning.levelMeaning.${l}`)}
                </Radio>
              ))}
            </Radio.Group>
          </Form.Item>
          <Form.Item name="category" label={t('warning.raise.category')}>
            <AutoComplete
              options={CATEGORY_KEYS.map((k) => ({ value: categoryValue(k), label: t(`warning.raise.categories.${k}`) }))}
              placeholder={t('warning.raise.categoryPlaceholder')}
              maxLength={50}
              allowClear
              style={{ maxWidth: 280 }}
              data-testid="raise-category"
            />
          </Form.Item>
          <Form.Item name="description" label={t('warning.raise.description')} rules={[{ required: true, whitespace: true, message: t('warning.form.required') }]}>
            <Input.TextArea rows={5} maxLength={2000} showCount placeholder={t('warning.raise.descriptionPlaceholder')} data-testid="raise-description" />
          </Form.Item>
        </Form>
      </Space>
    </Modal>
  );
}

