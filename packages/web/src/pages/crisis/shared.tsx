import { ANALYSIS_PARTS, SAFETY_PLAN_PARTS } from '@xinyu/core';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { RiskLevel } from './types';

export const RISKS: readonly RiskLevel[] = ['imminent', 'high', 'moderate'];
export const RISK_COLOR: Record<RiskLevel, string> = { imminent: 'magenta', high: 'red', moderate: 'orange' };
export const TEAM_ROLES = ['counselor', 'leader', 'head_teacher', 'other'] as const;
export const CHANNELS = ['phone', 'in_person', 'home_visit', 'video', 'message'] as const;
// the parts as core's rules (and the API contracts) name them
export const PLAN_PARTS = SAFETY_PLAN_PARTS;
export { ANALYSIS_PARTS };

export function RiskTag({ risk, testId }: { risk: RiskLevel; testId?: string }) {
  const { t } = useTranslation();
  return <Tag color={RISK_COLOR[risk]} data-testid={testId}>{t(`crisis.risk.${risk}`)}</Tag>;
}

export function CaseStatusTag({ status }: { status: 'open' | 'closed' }) {
  const { t } = useTranslation();
  return <Tag color={status === 'open' ? 'processing' : 'success'}>{t(`crisis.status.${status}`)}</Tag>;
}

/** A fresh client id for one form: a retry or double click sends the same. */
export { uuid as newClientId } from '../../app/uuid';
