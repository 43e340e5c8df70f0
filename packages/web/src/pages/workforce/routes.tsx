import { lazy, type ReactElement } from 'react';
import { TeamOutlined } from '@ant-design/icons';
import type { TFunction } from 'i18next';
import { Route } from 'react-router-dom';
import { Guard, type Can, type NavItem } from '../../app/areas';

const OverviewPage = lazy(() => import('./OverviewPage'));
const SchoolPage = lazy(() => import('./SchoolPage'));

/** This area's entries in the desktop menu (each with group: '...', see MenuGroupId). */
export function workforceNav(t: TFunction, can: Can): NavItem[] {
  void can;
  return [{ key: 'workforce', path: '/workforce', icon: <TeamOutlined />, label: t('workforce.menu'), perm: 'workforce.read', group: 'workforce' }];
}

/** This area's desktop routes (a fragment of <Route>s inside DesktopApp's <Routes>). */
export function workforceDesktopRoutes(): ReactElement {
  return (
    <>
      <Route path="/workforce" element={<Guard perm="workforce.read"><OverviewPage /></Guard>} />
      <Route path="/workforce/schools/:id" element={<Guard perm="workforce.read"><SchoolPage /></Guard>} />
    </>
  );
}

/** This area's phone routes (inside MobileApp's <Routes>): none, the workforce pages are desktop only. */
export function workforceMobileRoutes(can: Can): ReactElement {
  void can;
  return <></>;
}

/** This area's cards on the phone home page: none. */
export function WorkforceHomeCards(): ReactElement | null {
  return null;
}
