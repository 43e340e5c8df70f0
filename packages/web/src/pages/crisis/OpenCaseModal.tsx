import { useState } from 'react';
import { Alert, Form, Input, Modal, Radio, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Items } from '../../api/types';
import { applyFormErrors } from '../../app/formErrors';
import { useSendOnce } from '../../app/useSendOnce';
import { newClientId, RISKS } from './shared';
import type { CrisisStudent, RiskLevel, TeamCandidate } from './types';

interface Values {
  studentId: string;
  riskLevel: RiskLevel;
  summary: string;
  leaderAccountId?: string;
}

/** 建立危机个案: a student of the caller's school found by name, the risk, what happened, a leader. */
export function OpenCaseModal({ onClose, onOpened }: { onClose: () => void; onOpened: (id: string, created: boolean) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [students, setStudents] = useState<CrisisStudent[]>([]);
  const [leaders, setLeaders] = useState<TeamCandidate[]>([]);
  const [clientId] = useState(newClientId);
  const { busy, problem, setProblem, send } = useSendOnce();

  async function search(q: string) {
    if (!q.trim()) return setStudents([]);
    try {
      setStudents((await api.get<Items<CrisisStudent>>('/crisis/students', { q: q.trim() })).items);
    } catch (e) {
      setProblem(applyFormErrors(form, e, []) ?? null);
    }
  }
  async function pick(studentId: string) {
    form.setFieldValue('leaderAccountId', undefined);
    try {
      setLeaders((await api.get<Items<TeamCandidate>>(`/crisis/students/${studentId}/leaders`)).items);
    } catch {
      setLeaders([]);
    }
  }
  function submit(v: Values) {
    void send(
      async () => {
        const r = await api.post<{ id: string; created: boolean }>('/crisis/cases', { studentId: v.studentId, riskLevel: v.riskLevel, summary: v.summary.trim(), leaderAccountId: v.leaderAccountId || undefined, clientId });
        onOpened(r.id, r.created);
      },
      (e) => applyFormErrors(form, e, ['studentId', 'riskLevel', 'summary', 'leaderAccountId']),
    );
  }
  return (
    <Modal open title={t('crisis.openForm.title')} onCancel={onClose} onOk={() => form.submit()} okText={t('crisis.openForm.submit')} confirmLoading={busy} okButtonProps={{ 'data-testid': 'crisis-open-submit' } as never} destroyOnHidden>
      <Form<Values> form={form} layout="vertical" disabled={busy} initialValues={{ riskLevel: 'high' }} onFinish={submit}>
        <Form.Item name="studentId" label={t('crisis.openForm.student')} rules={[{ required: true, message: t('crisis.required') }]}>
          <Select
            showSearch={{ filterOption: false, onSearch: (v) => void search(v) }}
            placeholder={t('crisis.openForm.studentSearch')}
            onChange={(v: string) => void pick(v)}
            options={students.map((s) => ({ value: s.id, label: `${s.name}（${s.className || s.studentNo}${s.openCaseId ? ` · ${t('crisis.openForm.hasCase')}` : ''}）` }))}
            data-testid="crisis-open-student"
          />
        </Form.Item>
        <Form.Item name="riskLevel" label={t('crisis.openForm.risk')} rules={[{ required: true, message: t('crisis.required') }]}>
          <Radio.Group optionType="button" options={RISKS.map((r) => ({ value: r, label: t(`crisis.risk.${r}`) }))} data-testid="crisis-open-risk" />
        </Form.Item>
        <Form.Item name="summary" label={t('crisis.openForm.summary')} extra={t('crisis.openForm.summaryHint')} rules={[{ required: true, whitespace: true, message: t('crisis.required') }]}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={2000} data-testid="crisis-open-summary" />
        </Form.Item>
        <Form.Item name="leaderAccountId" label={t('crisis.openForm.leader')}>
          <Select allowClear placeholder={t('crisis.openForm.leaderNone')} options={leaders.map((l) => ({ value: l.accountId, label: l.name }))} data-testid="crisis-open-leader" />
        </Form.Item>
        {problem && <Alert type="error" showIcon title={problem} />}
      </Form>
    </Modal>
  );
}
