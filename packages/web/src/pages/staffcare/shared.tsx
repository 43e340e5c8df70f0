/** Pieces the staff-care pages share: API types, tags, and the region's category labels. */
import { useCallback, useMemo } from 'react';
import { Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { contracts } from '@xinyu/core';
import { api } from '../../api/client';
import { useAsync } from '../../app/useAsync';
import { LEVEL_COLOR } from '../warning/shared';
import { CARE_STATUS_COLOR } from '../care/shared';

export type StaffCase = z.infer<typeof contracts.StaffCase>;
export type StaffCaseDetail = z.infer<typeof contracts.StaffCaseDetail>;
export type StaffSweep = z.infer<typeof contracts.StaffSweep>;
export type StaffSweepGroup = z.infer<typeof contracts.StaffSweepGroup>;
export type StaffSweepCompletion = z.infer<typeof contracts.StaffSweepCompletion>;
export type StaffCarePerson = z.infer<typeof contracts.StaffCarePerson>;
export type StaffCarerCandidate = z.infer<typeof contracts.StaffCarerCandidate>;
export type StaffCareRecord = z.infer<typeof contracts.StaffCareRecord>;
export type StaffCareRecordBody = z.input<typeof contracts.StaffCareRecordBody>;
export type StaffSweepReviewBody = z.input<typeof contracts.StaffSweepReviewBody>;
export type StaffCategories = z.infer<typeof contracts.StaffCareCategories>;
export type Level = StaffCase['level'];
export type Tier = StaffCase['tier'];
export const LEVELS: readonly Level[] = ['yellow', 'orange', 'red'];

export function StaffLevelTag({ level }: { level: Level }) {
  const { t } = useTranslation();
  return (
    <Tag color={LEVEL_COLOR[level]} data-level={level} style={{ marginInlineEnd: 0 }}>
      {t(`staffCare.level.${level}`)}
    </Tag>
  );
}

export function StaffStatusTag({ status, testId }: { status: StaffCase['status']; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={CARE_STATUS_COLOR[status]} data-testid={testId} data-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`staffCare.status.${status}`)}
    </Tag>
  );
}

/** The region's categories (built-in ones in the user's language, the region's own as it named them). */
export function useStaffCategories() {
  const { t } = useTranslation();
  const { data } = useAsync((signal) => api.get<StaffCategories>('/staffcare/categories', undefined, { signal }), []);
  const list = useMemo(() => data?.categories ?? [], [data]);
  const label = useCallback(
    (code: string) => {
      const c = list.find((x) => x.code === code);
      return c?.builtIn ? t(`staffCare.category.${code}`, { defaultValue: c.label }) : (c?.label ?? code);
    },
    [list, t],
  );
  return { list, label };
}

export function CategoryTags({ codes, label }: { codes: readonly string[]; label: (code: string) => string }) {
  return (
    <>
      {codes.map((c) => (
        <Tag key={c} style={{ marginInlineEnd: 4 }}>
          {label(c)}
        </Tag>
      ))}
    </>
  );
}

/** The talks, calls and visits the carer owes (by the case's level), overdue ones in red. */
export function StaffFollowUps({ items }: { items: StaffCase['followUps'] }) {
  const { t } = useTranslation();
  if (!items.length) return <span>—</span>;
  return (
    <Space size={4} wrap data-testid="staffcare-followups">
      {items.map((f) => (
        <Tag key={f.kind} color={f.overdue ? 'red' : undefined} data-overdue={f.overdue} style={{ marginInlineEnd: 0 }}>
          {t(`staffCare.kind.${f.kind}`)} {f.overdue ? t('staffCare.overdue') : t('staffCare.due', { date: f.due.slice(5) })}
        </Tag>
      ))}
    </Space>
  );
}
