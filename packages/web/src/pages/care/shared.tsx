import { Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { KeyStudent } from '../../api/types';

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

export function CareTeacher({ k }: { k: Pick<KeyStudent, 'careTeacher'> }) {
  const { t } = useTranslation();
  if (!k.careTeacher) return <span style={{ color: '#8c8c8c' }}>{t('care.noTeacher')}</span>;
  return (
    <span>
      {k.careTeacher.name}
      {k.careTeacher.asLeader && <Tag style={{ marginInlineStart: 4 }}>{t('care.asLeader')}</Tag>}
    </span>
  );
}
