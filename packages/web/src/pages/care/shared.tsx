import { useEffect, useState } from 'react';
import { Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { KEY_BEHAVIOURS } from '@xinyu/core';
import { api } from '../../api/client';
import type { CircumstanceCategory, Items, KeyStudent } from '../../api/types';

/** Category codes (the region's circumstances 留守 … and the behaviours 学业压力大 …) with their labels, fetched once. */
let labels: Promise<Record<string, string>> | null = null;
function loadLabels(): Promise<Record<string, string>> {
  labels ??= api
    .get<Items<CircumstanceCategory>>('/circumstance-categories')
    .then((r) => Object.fromEntries(r.items.map((c) => [c.code, c.label])))
    .catch(() => ({}) as Record<string, string>)
    .then((c) => ({ ...c, ...KEY_BEHAVIOURS }));
  return labels;
}

export function useCategoryLabels(): Record<string, string> {
  const [map, setMap] = useState<Record<string, string>>({ ...KEY_BEHAVIOURS });
  useEffect(() => {
    let live = true;
    void loadLabels().then((m) => live && setMap(m));
    return () => {
      live = false;
    };
  }, []);
  return map;
}

export function CategoryTags({ codes }: { codes: string[] }) {
  const map = useCategoryLabels();
  return (
    <Space size={4} wrap>
      {codes.map((c) => (
        <Tag key={c} style={{ marginInlineEnd: 0 }}>
          {map[c] ?? c}
        </Tag>
      ))}
    </Space>
  );
}

export const CARE_STATUS_COLOR: Record<KeyStudent['status'], string> = { active: 'blue', closure_proposed: 'gold', closed: 'default' };

export function CareStatusTag({ status, testId }: { status: KeyStudent['status']; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={CARE_STATUS_COLOR[status]} data-testid={testId} data-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`care.status.${status}`)}
    </Tag>
  );
}

/** The follow-ups due (谈心 every week, 家访 every month …), overdue ones in red. */
export function FollowUps({ items }: { items: KeyStudent['followUps'] }) {
  const { t } = useTranslation();
  if (!items.length) return <span>—</span>;
  return (
    <Space size={4} wrap>
      {items.map((f) => (
        <Tag key={f.kind} color={f.overdue ? 'red' : undefined} data-overdue={f.overdue} style={{ marginInlineEnd: 0 }}>
          {t(`care.kind.${f.kind}`)} {f.overdue ? t('care.overdue') : t('care.due', { date: f.due.slice(5) })}
        </Tag>
      ))}
    </Space>
  );
}

export function CareTeacher({ k }: { k: Pick<KeyStudent, 'careTeacher' | 'pendingOffers'> }) {
  const { t } = useTranslation();
  if (!k.careTeacher) {
    return (
      <span style={{ color: '#8c8c8c' }}>
        {t('care.noTeacher')}
        {k.pendingOffers > 0 && <Tag color="gold" style={{ marginInlineStart: 4 }}>{t('care.pendingOffers', { count: k.pendingOffers })}</Tag>}
      </span>
    );
  }
  return (
    <span>
      {k.careTeacher.name}
      {k.careTeacher.asLeader && <Tag style={{ marginInlineStart: 4 }}>{t('care.asLeader')}</Tag>}
    </span>
  );
}
