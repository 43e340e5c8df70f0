import { lazy, type ReactElement } from 'react';
import { BarChartOutlined, ReadOutlined, TeamOutlined } from '@ant-design/icons';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Route } from 'react-router-dom';
import { Guard, type Can, type NavItem } from '../../app/areas';
import { useCan } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { api } from '../../api/client';
import { HomeLink } from '../self/WarningHomeCards';
import type { MyHomeschool } from './shared';

const CoursesPage = lazy(() => import('./CoursesPage'));
const SessionsPage = lazy(() => import('./SessionsPage'));
const OverviewPage = lazy(() => import('./OverviewPage'));
const MyHomeschoolPage = lazy(() => import('./MyHomeschoolPage'));
const MyCoursePage = lazy(() => import('./MyCoursePage'));

/** This area's entries in the desktop menu (each with group: '...', see MenuGroupId). */
export function homeschoolNav(t: TFunction, can: Can): NavItem[] {
  void can;
  return [
    { key: 'hsCourses', path: '/homeschool/courses', icon: <ReadOutlined />, label: t('homeschool.menuCourses'), perm: 'homeschool.read', group: 'education' },
    { key: 'hsSessions', path: '/homeschool/sessions', icon: <TeamOutlined />, label: t('homeschool.menuSessions'), perm: 'homeschool.read', group: 'education' },
    { key: 'hsOverview', path: '/homeschool/overview', icon: <BarChartOutlined />, label: t('homeschool.menuOverview'), perm: 'homeschool.read', group: 'education' },
  ];
}

/** This area's desktop routes (a fragment of <Route>s inside DesktopApp's <Routes>). */
export function homeschoolDesktopRoutes(): ReactElement {
  return (
    <>
      <Route path="/homeschool/courses" element={<Guard perm="homeschool.read"><CoursesPage /></Guard>} />
      <Route path="/homeschool/sessions" element={<Guard perm="homeschool.read"><SessionsPage /></Guard>} />
      <Route path="/homeschool/overview" element={<Guard perm="homeschool.read"><OverviewPage /></Guard>} />
    </>
  );
}

/** This area's phone routes (inside MobileApp's <Routes>). */
export function homeschoolMobileRoutes(can: Can): ReactElement {
  return (
    <>
      {can('parentschool.learn') && <Route path="/m/parentschool" element={<MyHomeschoolPage />} />}
      {can('parentschool.learn') && <Route path="/m/parentschool/courses/:id" element={<MyCoursePage />} />}
    </>
  );
}

function ParentSchoolCard() {
  const { t } = useTranslation();
  const { data } = useAsync((signal) => api.get<MyHomeschool>('/homeschool/my', undefined, { signal }), []);
  const c = data?.credits;
  const sub = !c ? t('homeschool.my.intro') : c.met ? t('homeschool.my.homeSubMet', { earned: c.earned }) : t('homeschool.my.homeSub', { earned: c.earned, standard: c.standard });
  return <HomeLink to="/m/parentschool" icon={<ReadOutlined style={{ fontSize: 22, color: '#722ed1' }} />} title={t('homeschool.my.home')} sub={sub} testId="home-parentschool" />;
}

/** This area's cards on the phone home page: 家长学校 with the year's credits, for parents. */
export function HomeschoolHomeCards(): ReactElement | null {
  const can = useCan();
  if (!can('parentschool.learn')) return null;
  return <ParentSchoolCard />;
}
