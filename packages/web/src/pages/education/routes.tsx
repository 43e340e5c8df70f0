import { lazy, type ReactElement } from 'react';
import { BookOutlined, ExperimentOutlined, ImportOutlined, ScheduleOutlined, TeamOutlined } from '@ant-design/icons';
import type { TFunction } from 'i18next';
import { Route } from 'react-router-dom';
import { Guard, type Can, type NavItem } from '../../app/areas';

const LessonsPage = lazy(() => import('./LessonsPage'));
const BulkPage = lazy(() => import('./BulkPage'));
const ImportPage = lazy(() => import('./ImportPage'));
const ActivitiesPage = lazy(() => import('./ActivitiesPage'));
const ClubsPage = lazy(() => import('./ClubsPage'));

/** This area's entries in the desktop menu (each with group: '...', see MenuGroupId). */
export function educationNav(t: TFunction, can: Can): NavItem[] {
  return [
    { key: 'eduLessons', path: '/education/lessons', icon: <BookOutlined />, label: t('education.menuLessons'), perm: 'education.read', group: 'education' },
    { key: 'eduBulk', path: '/education/lessons/bulk', icon: <ScheduleOutlined />, label: t('education.menuBulk'), perm: 'education.record', show: can('education.record'), group: 'education' },
    { key: 'eduImport', path: '/education/lessons/import', icon: <ImportOutlined />, label: t('education.menuImport'), perm: 'education.record', show: can('education.record'), group: 'education' },
    { key: 'eduActivities', path: '/education/activities', icon: <ExperimentOutlined />, label: t('education.menuActivities'), perm: 'education.read', group: 'education' },
    { key: 'eduClubs', path: '/education/clubs', icon: <TeamOutlined />, label: t('education.menuClubs'), perm: 'education.read', group: 'education' },
  ];
}

/** This area's desktop routes (a fragment of <Route>s inside DesktopApp's <Routes>). */
export function educationDesktopRoutes(): ReactElement {
  return (
    <>
      <Route path="/education/lessons" element={<Guard perm="education.read"><LessonsPage /></Guard>} />
      <Route path="/education/lessons/bulk" element={<Guard perm="education.record"><BulkPage /></Guard>} />
      <Route path="/education/lessons/import" element={<Guard perm="education.record"><ImportPage /></Guard>} />
      <Route path="/education/activities" element={<Guard perm="education.read"><ActivitiesPage /></Guard>} />
      <Route path="/education/clubs" element={<Guard perm="education.read"><ClubsPage /></Guard>} />
    </>
  );
}

/** This area's phone routes (inside MobileApp's <Routes>): none — staff use the desktop pages, which work at phone width. */
export function educationMobileRoutes(can: Can): ReactElement {
  void can;
  return <></>;
}

/** This area's cards on the phone home page: none (students and parents have no education pages here). */
export function EducationHomeCards(): ReactElement | null {
  return null;
}
