import { lazy, type ReactElement } from 'react';
import { AlertOutlined, NotificationOutlined, TeamOutlined } from '@ant-design/icons';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Route } from 'react-router-dom';
import { Guard, type Can, type NavItem } from '../../app/areas';
import { hasRole, useMe } from '../../app/session';
import { HomeLink } from '../self/WarningHomeCards';

const CrisisListPage = lazy(() => import('./CrisisListPage'));
const CaseDetailPage = lazy(() => import('./CaseDetailPage'));
const ClosurePage = lazy(() => import('./ClosurePages').then((m) => ({ default: m.ClosurePage })));
const AnalysisPrintPage = lazy(() => import('./ClosurePages').then((m) => ({ default: m.AnalysisPrintPage })));
const ConferencesPage = lazy(() => import('./ConferencesPage'));
const MyNoticesPage = lazy(() => import('./MyNoticesPage'));

/** This area's entries in the desktop menu (DesktopApp adds them after the care entries). */
export function crisisNav(t: TFunction, _can: Can): NavItem[] {
  return [
    { key: 'crisis', path: '/crisis', icon: <AlertOutlined />, label: t('crisis.menu'), perm: 'crisis.read' },
    { key: 'crisisConferences', path: '/crisis-conferences', icon: <TeamOutlined />, label: t('crisis.menuConferences'), perm: 'crisis.read' },
  ];
}

/** This area's desktop routes (a fragment of <Route>s inside DesktopApp's <Routes>). */
export function crisisDesktopRoutes(): ReactElement {
  return (
    <>
      <Route path="/crisis" element={<Guard perm="crisis.read"><CrisisListPage /></Guard>} />
      <Route path="/crisis/:id" element={<Guard perm="crisis.read"><CaseDetailPage /></Guard>} />
      <Route path="/crisis/:id/close" element={<Guard perm="crisis.close"><ClosurePage /></Guard>} />
      <Route path="/crisis/:id/analysis" element={<Guard perm="crisis.read"><AnalysisPrintPage /></Guard>} />
      <Route path="/crisis-conferences" element={<Guard perm="crisis.read"><ConferencesPage /></Guard>} />
    </>
  );
}

/** This area's phone routes (inside MobileApp's <Routes>): a parent's 学校通知. */
export function crisisMobileRoutes(can: Can): ReactElement {
  return <>{can('self.read') && <Route path="/m/notices" element={<MyNoticesPage />} />}</>;
}

/** This area's cards on the phone home page: 学校通知 for parents (students never see guardian notices). */
export function CrisisHomeCards(): ReactElement | null {
  const { t } = useTranslation();
  const me = useMe();
  if (!hasRole(me, 'parent')) return null;
  return <HomeLink to="/m/notices" icon={<NotificationOutlined style={{ fontSize: 22, color: '#1677ff' }} />} title={t('crisis.home.notices')} sub={t('crisis.home.noticesSub')} testId="home-notices" />;
}
