import { Card, Descriptions, Empty, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Items, Paged, StudentSummary } from '../../api/types';
import { hasRole, useCan, useMe } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { ErrorBox } from '../../components/ErrorBox';
import { ConsentSection } from './ConsentSection';
import { MeetingTasksHomeCard } from './MeetingTasksPage';
import { ScreeningHomeCard } from './screening/ScreeningHomeCard';
import { CareHomeCard, CommitteeHomeCard, HelpHomeCard, ReportHomeCard } from './WarningHomeCards';
import { ParentVolunteerCard } from '../care/ParentVolunteerCard';
import { CounselingHomeCards } from '../counseling/routes';
import { SessionsHomeCards } from '../sessions/routes';
import { CrisisHomeCards } from '../crisis/routes';
import { ReferralHomeCards } from '../referral/routes';
import { EducationHomeCards } from '../education/routes';
import { WorkforceHomeCards } from '../workforce/routes';
import { HomeschoolHomeCards } from '../homeschool/routes';
import { SupervisionHomeCards } from '../supervision/routes';

function StudentCard({ s }: { s: StudentSummary }) {
  const { t } = useTranslation();
  return (
    <Card
      size="small"
      data-testid="self-student-card"
      title={
        <Space wrap>
          <span>{s.name}</span>
          <Tag color={s.status === 'active' ? 'green' : 'default'}>{t(`studentStatus.${s.status}`)}</Tag>
        </Space>
      }
    >
      <Descriptions
        size="small"
        column={1}
        items={[
          { key: 'no', label: t('student.studentNo'), children: <span className="xy-break">{s.studentNo}</span> },
          { key: 's', label: t('student.school'), children: s.schoolName },
          { key: 'c', label: t('student.class'), children: [s.gradeName, s.className].filter(Boolean).join(' ') || '—' },
          { key: 'g', label: t('student.gender'), children: t(`gender.${s.gender}`) },
          { key: 'b', label: t('student.birthDate'), children: s.birthDate },
          { key: 'bo', label: t('student.boarding'), children: s.boarding ? `${t('student.boardingYes')}${s.dormitory ? ` · ${s.dormitory}` : ''}` : t('student.boardingNo') },
        ]}
      />
    </Card>
  );
}

function SelfSection() {
  const { t } = useTranslation();
  const me = useMe();
  const { data, error, reload, loading } = useAsync((signal) => api.get<Items<StudentSummary>>('/me/students', undefined, { signal }), []);
  const parentOnly = hasRole(me, 'parent') && !hasRole(me, 'student') && !hasRole(me, 'committee');
  return (
    <section data-testid="self-section">
      <Typography.Title level={5}>{parentOnly ? t('self.myChildren') : t('self.myInfo')}</Typography.Title>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {!loading && data?.items.length === 0 && <Empty description={t('self.empty')} />}
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        {data?.items.map((s) => <StudentCard key={s.id} s={s} />)}
      </Space>
    </section>
  );
}

function ClassmatesSection() {
  const { t } = useTranslation();
  const { data, error, reload, loading } = useAsync((signal) => api.get<Items<{ id: string; name: string }>>('/me/class-names', undefined, { signal }), []);
  return (
    <section data-testid="classmates-section">
      <Typography.Title level={5}>{t('self.classmates')}</Typography.Title>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('self.classmatesHint')}
      </Typography.Paragraph>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      <Card size="small" loading={loading}>
        {data?.items.length === 0 ? (
          <Empty description={t('self.empty')} />
        ) : (
          <div style={{ display: 'grid', gridTemplateColumns: 'repeat(3, minmax(0, 1fr))', gap: 8 }} data-testid="classmates-list">
            {data?.items.map((c) => (
              <div key={c.id} style={{ textAlign: 'center', padding: '4px 0', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                {c.name}
              </div>
            ))}
          </div>
        )}
      </Card>
    </section>
  );
}

function CareSection() {
  const { t } = useTranslation();
  const { data, error, reload } = useAsync((signal) => api.get<Paged<StudentSummary>>('/students', { pageSize: 100 }, { signal }), []);
  return (
    <section data-testid="care-section">
      <Typography.Title level={5}>{t('self.myStudents')}</Typography.Title>
      {error !== undefined && <ErrorBox error={error} onRetry={reload} />}
      {data?.items.length === 0 && <Empty description={t('self.empty')} />}
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        {data?.items.map((s) => <StudentCard key={s.id} s={s} />)}
      </Space>
    </section>
  );
}

export default function MobileHome() {
  const can = useCan();
  const me = useMe();
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="mobile-home">
      {can('committee.report') && <CommitteeHomeCard />}
      {hasRole(me, 'student') && <ScreeningHomeCard />}
      {can('help.request') && <HelpHomeCard />}
      {can('consent.give') && <ConsentSection />}
      {can('care.diary') && <CareHomeCard />}
      {can('care.diary') && <MeetingTasksHomeCard />}
      {hasRole(me, 'parent') && <ParentVolunteerCard />}
      <ReferralHomeCards />
      <CrisisHomeCards />
      <CounselingHomeCards />
      <SessionsHomeCards />
      <HomeschoolHomeCards />
      <EducationHomeCards />
      <WorkforceHomeCards />
      <SupervisionHomeCards />
      {can('alert.raise') && <ReportHomeCard />}
      {can('self.read') && <SelfSection />}
      {/* a 宿舍心理委员 alone has no class: their dorm-mates are on the report page */}
      {can('class.names') && me.roles.some((r) => r.role === 'committee' && r.orgUnitId !== null) && <ClassmatesSection />}
      {can('student.read') && <CareSection />}
    </Space>
  );
}
