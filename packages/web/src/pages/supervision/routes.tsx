import { lazy, type ReactElement } from 'react';
import { AccountBookOutlined, DashboardOutlined, OrderedListOutlined, TrophyOutlined } from '@ant-design/icons';
import type { TFunction } from 'i18next';
import { Route } from 'react-router-dom';
import { Guard, type Can, type NavItem } from '../../app/areas';

const DashboardPage = lazy(() => import('./DashboardPage'));
const DashboardRecordsPage = lazy(() => import('./DashboardRecordsPage'));
const TargetsPage = lazy(() => import('./TargetsPage'));
const TargetProgressPage = lazy(() => import('./TargetProgressPage'));
const TargetSchoolRecordsPage = lazy(() => import('./TargetProgressPage').then((m) => ({ default: m.TargetSchoolRecordsPage })));
const FundingPage = lazy(() => import('./FundingPage'));
const RatingsPage = lazy(() => import('./RatingsPage'));

/** This area's entries in the desktop menu (each with group: '...', see MenuGroupId). */
export function supervisionNav(t: TFunction, can: Can): NavItem[] {
  void can;
  return [
    { key: 'supervisionDashboard', path: '/supervision/dashboard', icon: <DashboardOutlined />, label: t('supervision.dashboard.menu'), perm: 'supervision.read', group: 'supervision' },
    { key: 'supervisionTargets', path: '/supervision/targets', icon: <OrderedListOutlined />, label: t('supervision.menuTargets'), perm: 'supervision.read', group: 'supervision' },
    { key: 'supervisionFunding', path: '/supervision/funding', icon: <AccountBookOutlined />, label: t('supervision.menuFunding'), perm: 'supervision.read', group: 'supervision' },
    { key: 'supervisionRatings', path: '/supervision/ratings', icon: <TrophyOutlined />, label: t('supervision.menuRatings'), perm: 'supervision.read', group: 'supervision' },
  ];
}

/** This area's desktop routes (a fragment of <Route>s inside DesktopApp's <Routes>). */
export function supervisionDesktopRoutes(): ReactElement {
  return (
    <>
      <Route path="/supervision/dashboard" element={<Guard perm="supervision.read"><DashboardPage /></Guard>} />
      <Route path="/supervision/dashboard/records/:key/:schoolId" element={<Guard perm="supervision.read"><DashboardRecordsPage /></Guard>} />
      <Route path="/supervision/targets" element={<Guard perm="supervision.read"><TargetsPage /></Guard>} />
      <Route path="/supervision/targets/:id" element={<Guard perm="supervision.read"><TargetProgressPage /></Guard>} />
      <Route path="/supervision/targets/:id/schools/:schoolId" element={<Guard perm="supervision.read"><TargetSchoolRecordsPage /></Guard>} />
      <Route path="/supervision/funding" element={<Guard perm="supervision.read"><FundingPage /></Guard>} />
      <Route path="/supervision/ratings" element={<Guard perm="supervision.read"><RatingsPage /></Guard>} />
    </>
  );
}

/** This area's phone routes (inside MobileApp's <Routes>). */
export function supervisionMobileRoutes(can: Can): ReactElement {
  void can;
  return <></>;
}

/** This area's cards on the phone home page. */
export function SupervisionHomeCards(): ReactElement | null {
  return null;
}
