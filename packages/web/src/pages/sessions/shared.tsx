import { useEffect, useRef, useState } from 'react';
import { Select, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Paged, StudentSummary } from './types';

export const RISK_COLOR: Record<string, string> = { none: 'default', low: 'blue', medium: 'gold', high: 'orange', imminent: 'red' };

export function RiskTag({ risk }: { risk: (typeof SESSION_RISK_LEVELS)[number] }) {
  const { t } = useTranslation();
  return <Tag color={RISK_COLOR[risk]}>{t(`counselingRecords.risk.${risk}`)}</Tag>;
}

export const fmtTime = (iso: string) => new Date(iso).toLocaleString('zh-CN', { hour12: false });

/** A student of the caller's school, searched by name (the server's /students keeps to the caller's scope). */
export function StudentPicker({ value, onChange, placeholder, testId, initial }: { value?: string; onChange?: (v: string | undefined) => void; placeholder: string; testId: string; initial?: { id: string; label: string } }) {
  const [options, setOptions] = useState<{ value: string; label: string }[]>(initial ? [{ value: initial.id, label: initial.label }] : []);
  const [loading, setLoading] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => { if (timer.current) clearTimeout(timer.current); }, []);
  const search = (q: string) => {
    if (timer.current) clearTimeout(timer.current);
    if (!q.trim()) return;
    timer.current = setTimeout(() => {
      setLoading(true);
      api.get<Paged<StudentSummary>>('/students', { q: q.trim(), pageSize: 20 })
        .then((r) => setOptions(r.items.map((s) => ({ value: s.id, label: `${s.name}（${s.gradeName ?? ''}${s.className ?? ''} ${s.studentNo}）` }))))
        .catch(() => setOptions([]))
        .finally(() => setLoading(false));
    }, 250);
  };
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: search }}
      allowClear
      value={value}
      onChange={(v: string | undefined) => onChange?.(v)}
      options={options}
      loading={loading}
      placeholder={placeholder}
      style={{ width: '100%' }}
      data-testid={testId}
    />
  );
}

// the contracts' enums (the web imports contracts as types only)
export const SESSION_KINDS = ['individual', 'group', 'guardian', 'phone', 'online'] as const;
export const SESSION_RISK_LEVELS = ['none', 'low', 'medium', 'high', 'imminent'] as const;
export const HOTLINE_CALLER_KINDS = ['student', 'parent', 'teacher', 'other'] as const;
export const HOTLINE_RISKS = ['none', 'low', 'medium', 'high'] as const;
