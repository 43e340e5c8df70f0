import { Tag, Typography } from 'antd';
import type { z } from 'zod';
import type { contracts } from '@xinyu/core';
import { useTranslation } from 'react-i18next';
import type { OrgUnit } from '../../api/types';
import { useOrgTree } from '../../app/orgTree';
import { useQueryState } from '../../app/useQueryState';
import { OrgUnitSelect } from '../../components/OrgUnitSelect';

export type Lesson = z.infer<typeof contracts.Lesson>;
export type LessonList = z.infer<typeof contracts.LessonList>;
export type SchoolClasses = z.infer<typeof contracts.SchoolClasses>;
export type ClassCompliance = SchoolClasses['classes'][number];
export type Overview = z.infer<typeof contracts.EducationOverview>;
export type TermInfo = Overview['term'];
export type BulkResult = z.infer<typeof contracts.BulkLessonResult>;
export type ImportResult = z.infer<typeof contracts.LessonImportResult>;
export type Activity = z.infer<typeof contracts.Activity>;
export type ActivityList = z.infer<typeof contracts.ActivityList>;
export type ActivityKind = Activity['kind'];
export type ActivityTheme = NonNullable<Activity['theme']>;
export type Club = z.infer<typeof contracts.Club>;
export type ClubList = z.infer<typeof contracts.ClubList>;
export type Teacher = z.infer<typeof contracts.Teacher>;

export const ACTIVITY_KINDS: ActivityKind[] = ['infusion', 'research', 'themed'];
export const ACTIVITY_THEMES: ActivityTheme[] = ['mh_day', 'wmh_day', 'term_start', 'exam_relief', 'graduating', 'other'];

export function ComplianceTag({ ok, testId }: { ok: boolean; testId?: string }) {
  const { t } = useTranslation();
  return <Tag color={ok ? 'green' : 'red'} data-testid={testId}>{ok ? t('education.common.compliant') : t('education.common.notCompliant')}</Tag>;
}

export function TermLine({ term }: { term: TermInfo }) {
  const { t } = useTranslation();
  return (
    <Typography.Text type="secondary" data-testid="education-term">
      {t('education.common.term', term)}
      {!term.fromCalendar && `；${t('education.common.termFixed')}`}
    </Typography.Text>
  );
}

/** The schools the user sees in the org tree. */
export function useSchools(): { schools: OrgUnit[]; units: OrgUnit[]; loading: boolean } {
  const { units, loading } = useOrgTree();
  return { schools: units.filter((u) => u.kind === 'school' && u.active), units, loading };
}

/** The school chosen on a page (kept in the URL as ?schoolId=; the only one when there is one). */
export function useSchoolChoice(): { schoolId: number | undefined; setSchoolId: (id: number | undefined) => void; schools: OrgUnit[]; units: OrgUnit[] } {
  const { schools, units } = useSchools();
  const [q, setQ] = useQueryState(['schoolId'] as const);
  const chosen = q.schoolId ? Number(q.schoolId) : schools.length === 1 ? schools[0]!.id : undefined;
  return { schoolId: chosen, setSchoolId: (id) => setQ({ schoolId: id }), schools, units };
}

export function SchoolSelect({ value, onChange, testId = 'education-school' }: { value: number | undefined; onChange: (id: number | undefined) => void; testId?: string }) {
  const { t } = useTranslation();
  return <OrgUnitSelect value={value ?? null} onChange={onChange} selectableKinds={['school']} maxKind="school" placeholder={t('education.common.chooseSchool')} allowClear={false} testId={testId} style={{ width: 260, maxWidth: '100%' }} />;
}
