import { lazy, Suspense } from 'react';
import { FormOutlined, HomeOutlined, SettingOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Route, Routes } from 'react-router-dom';
import { Loading } from '../components/Loading';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { hasRole, useCan, useMe } from './session';
import { counselingMobileRoutes } from '../pages/counseling/routes';
import { sessionsMobileRoutes } from '../pages/sessions/routes';
import { crisisMobileRoutes } from '../pages/crisis/routes';
import { referralMobileRoutes } from '../pages/referral/routes';
import { educationMobileRoutes } from '../pages/education/routes';
import { workforceMobileRoutes } from '../pages/workforce/routes';
import { homeschoolMobileRoutes } from '../pages/homeschool/routes';
import { supervisionMobileRoutes } from '../pages/supervision/routes';

const MobileHome = lazy(() => import('../pages/self/MobileHome'));
const MobileSettings = lazy(() => import('../pages/self/MobileSettings'));
const ScreeningTasksPage = lazy(() => import('../pages/self/ScreeningTasksPage'));
const AnswerPage = lazy(() => import('../pages/self/AnswerPage'));
const HelpPage = lazy(() => import('../pages/self/HelpPage'));
const ReportPage = lazy(() => import('../pages/self/ReportPage'));
const CommitteeReportPage = lazy(() => import('../pages/committee/CommitteeReportPage'));
const MobileCareList = lazy(() => import('../pages/care/CareListPage').then((m) => ({ default: m.MobileCareList })));
const CareDetailPage = lazy(() => import('../pages/care/CareDetailPage'));
const VolunteerPage = lazy(() => import('../pages/care/VolunteerPage'));
const MeetingTasksPage = lazy(() => import('../pages/self/MeetingTasksPage'));

/** The phone layout for students, parents, psych-committee members and care teachers. */
export default function MobileApp() {
  const { t } = useTranslation();
  const me = useMe();
  const can = useCan();
  return (
    <div className="xy-mobile" data-testid="mobile-layout">
      <header className="xy-mobile-header">
        <div className="xy-brand" style={{ fontSize: 17, minWidth: 0 }}>
          <span>心</span>
          <span style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>
            {t('app.name')} · {me.account.displayName}
          </span>
        </div>
        <LanguageSwitch />
      </header>
      <main className="xy-mobile-main">
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/m" element={<MobileHome />} />
            <Route path="/m/settings" element={<MobileSettings />} />
            <Route path="/m/screening" element={<ScreeningTasksPage />} />
            <Route path="/m/screening/:campaignId/:key" element={<AnswerPage />} />
            {can('help.request') && <Route path="/m/help" element={<HelpPage />} />}
            {can('alert.raise') && <Route path="/m/report" element={<ReportPage />} />}
            {can('committee.report') && <Route path="/m/committee" element={<CommitteeReportPage />} />}
            {can('care.read') && <Route path="/m/care" element={<MobileCareList />} />}
            {can('care.read') && <Route path="/m/care/volunteer" element={<VolunteerPage base="/m/care" />} />}
            {can('care.read') && <Route path="/m/care/:id" element={<CareDetailPage base="/m/care" />} />}
            {can('care.diary') && <Route path="/m/meeting-tasks" element={<MeetingTasksPage />} />}
            {/* the meeting's notice links to the desktop page; on the phone it means one's tasks */}
            {can('care.diary') && <Route path="/care/meetings" element={<Navigate to="/m/meeting-tasks" replace />} />}
            {counselingMobileRoutes(can)}
            {sessionsMobileRoutes(can)}
            {crisisMobileRoutes(can)}
            {referralMobileRoutes(can)}
            {educationMobileRoutes(can)}
            {workforceMobileRoutes(can)}
            {homeschoolMobileRoutes(can)}
            {supervisionMobileRoutes(can)}
            <Route path="*" element={<Navigate to="/m" replace />} />
          </Routes>
        </Suspense>
      </main>
      <nav className="xy-mobile-nav">
        <NavLink to="/m" end data-testid="mnav-home">
          <HomeOutlined />
          {t('self.home')}
        </NavLink>
        {hasRole(me, 'student') && (
          <NavLink to="/m/screening" data-testid="mnav-screening">
            <FormOutlined />
            {t('answering.nav')}
          </NavLink>
        )}
        <NavLink to="/m/settings" data-testid="mnav-settings">
          <SettingOutlined />
          {t('self.settings')}
        </NavLink>
      </nav>
    </div>
  );
}
