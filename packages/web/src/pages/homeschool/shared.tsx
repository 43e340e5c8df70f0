import { Tag } from 'antd';
import type { z } from 'zod';
import type { contracts } from '@xinyu/core';
import { useTranslation } from 'react-i18next';

export type HsCourse = z.infer<typeof contracts.HsCourse>;
export type HsCourseList = z.infer<typeof contracts.HsCourseList>;
export type HsUnits = z.infer<typeof contracts.HsUnits>;
export type HsStandard = z.infer<typeof contracts.HsStandard>;
export type HsSession = z.infer<typeof contracts.HsSession>;
export type HsSessionList = z.infer<typeof contracts.HsSessionList>;
export type HsSheet = z.infer<typeof contracts.HsSheet>;
export type HsOverview = z.infer<typeof contracts.HsOverview>;
export type MyHomeschool = z.infer<typeof contracts.MyHomeschool>;
export type MyHsCourseDetail = z.infer<typeof contracts.MyHsCourseDetail>;
export type CreditStatus = z.infer<typeof contracts.HsCreditStatus>;
export type CheckInResult = z.infer<typeof contracts.CheckInResult>;

/** Today's calendar year in China time. */
export const thisYear = () => Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4));
export const cstToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

/** Plain text → paragraphs (a blank line between them). */
export function Paragraphs({ text }: { text: string }) {
  return (
    <>
      {text.split(/\n\s*\n/).map((p, i) => (
        <p key={i} style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', margin: '0 0 10px' }}>
          {p.trim()}
        </p>
      ))}
    </>
  );
}

export function TargetTag({ target }: { target: HsSession['target'] }) {
  const { t } = useTranslation();
  const label = { school: t('homeschool.sessions.targetSchool'), grade: t('homeschool.sessions.targetGrade'), class: t('homeschool.sessions.targetClass') }[target];
  return <Tag color={target === 'school' ? 'blue' : target === 'grade' ? 'cyan' : 'geekblue'}>{label}</Tag>;
}
