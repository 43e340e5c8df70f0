import { Form } from 'antd';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import { api } from '../../api/client';
import type { CreateSweepBody } from '../../api/types';
import { applyFormErrors } from '../../app/formErrors';
import { useSendOnce } from '../../app/useSendOnce';

export interface SweepFormValues {
  ownerUnitId: number;
  name: string;
  term: string;
  period: [Dayjs, Dayjs];
}
const FIELDS = ['ownerUnitId', 'name', 'term', 'period'] as const;

/**
 * Opening a sweep (摸底排查 of students, or of staff): owner unit, term, name and period. The term
 * this is (autumn from August, else spring) and a fortnight from today are offered; the server's
 * start and end problems go on the period. Sent once however often it is clicked.
 */
export function useSweepForm<S>(url: string, onCreated: (s: S) => void) {
  const { t } = useTranslation();
  const [form] = Form.useForm<SweepFormValues>();
  const { busy, problem, send } = useSendOnce();
  const now = dayjs();
  const term = now.month() >= 7 ? t('sweep.form.autumn', { year: now.year() }) : t('sweep.form.spring', { year: now.year() });
  const period: [Dayjs, Dayjs] = [now, now.add(14, 'day')];
  const onFinish = (v: SweepFormValues) => {
    const body: CreateSweepBody = { ownerUnitId: v.ownerUnitId, name: v.name.trim(), term: v.term.trim(), start: v.period[0].format('YYYY-MM-DD'), end: v.period[1].format('YYYY-MM-DD') };
    void send(
      async () => onCreated(await api.post<S>(url, body)),
      (e) => applyFormErrors(form, e, FIELDS, (n) => (n === 'start' || n === 'end' ? 'period' : n)),
    );
  };
  return { form, busy, problem, onFinish, term, period };
}
