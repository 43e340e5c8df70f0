import { lazy, type ReactElement } from 'react';
import { BarChartOutlined, BankOutlined, MedicineBoxOutlined, NodeIndexOutlined, SolutionOutlined } from '@ant-design/icons';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Route } from 'react-router-dom';
import { api } from '../../api/client';
import { Guard, type Can, type NavItem } from '../../app/areas';
import { useCan } from '../../app/session';
import { useAsync } from '../../app/useAsync';
import { HomeLink } from '../self/WarningHomeCards';
import type { ClinicReferral, Items } from './types';

const ReferralListPage = lazy(() => import('./ReferralPages').then((m) => ({ default: m.ReferralListPage })));
const NewReferralPage = lazy(() => import('./ReferralPages').then((m) => ({ default: m.NewReferralPage })));
const ReferralDetailPage = lazy(() => import('./ReferralPages').then((m) => ({ default: m.ReferralDetailPage })));
const ReturnListPage = lazy(() => import('./ReturnPages').then((m) => ({ default: m.ReturnListPage })));
const NewReturnPlanPage = lazy(() => import('./ReturnPages').then((m) => ({ default: m.NewReturnPlanPage })));
const ReturnPlanPage = lazy(() => import('./ReturnPages').then((m) => ({ default: m.ReturnPlanPage })));
const InstitutionsPage = lazy(() => import('./InstitutionsPage'));
const MeasuresPage = lazy(() => import('./MeasuresPage'));
const ClinicListPage = lazy(() => import('./ClinicPages').then((m) => ({ default: m.ClinicListPage })));
const ClinicDetailPage = lazy(() => import('./ClinicPages').then((m) => ({ default: m.ClinicDetailPage })));

/** This area's entries in the desktop menu (DesktopApp adds them after the care entries). */
export function referralNav(t: TFunction, _can: Can): NavItem[] {
  return [
    { key: 'referrals', path: '/referrals', icon: <NodeIndexOutlined />, label: t('referral.menuReferrals'), perm: 'crisis.read' },
    { key: 'returns', path: '/returns', icon: <SolutionOutlined />, label: t('referral.menuReturns'), perm: 'crisis.read' },
    { key: 'institutions', path: '/institutions', icon: <BankOutlined />, label: t('referral.menuInstitutions'), perm: 'institution.manage' },
    { key: 'measures', path: '/measures/counseling', icon: <BarChartOutlined />, label: t('referral.menuMeasures'), perm: 'counseling.measures' },
  ];
}

/** This area's desktop routes (a fragment of <Route>s inside DesktopApp's <Routes>). */
export function referralDesktopRoutes(): ReactElement {
  return (
    <>
      <Route path="/referrals" element={<Guard perm="crisis.read"><ReferralListPage /></Guard>} />
      <Route path="/referrals/new" element={<Guard perm="crisis.manage"><NewReferralPage /></Guard>} />
      <Route path="/referrals/:id" element={<Guard perm="crisis.read"><ReferralDetailPage /></Guard>} />
      <Route path="/returns" element={<Guard perm="crisis.read"><ReturnListPage /></Guard>} />
      <Route path="/returns/new" element={<Guard perm="crisis.manage"><NewReturnPlanPage /></Guard>} />
      <Route path="/returns/:id" element={<Guard perm="crisis.read"><ReturnPlanPage /></Guard>} />
      <Route path="/institutions" element={<Guard perm="institution.manage"><InstitutionsPage /></Guard>} />
      <Route path="/measures/counseling" element={<Guard perm="counseling.measures"><MeasuresPage /></Guard>} />
    </>
  );
}

/** This area's phone routes (inside MobileApp's <Routes>): the clinician's referrals. */
export function referralMobileRoutes(can: Can): ReactElement {
  return (
    <>
      {can('referral.respond') && <Route path="/m/referrals" element={<ClinicListPage />} />}
      {can('referral.respond') && <Route path="/m/referrals/:id" element={<ClinicDetailPage />} />}
    </>
  );
}

function ClinicHomeCard() {
  const { t } = useTranslation();
  const { data } = useAsync((signal) => api.get<Items<ClinicReferral>>('/clinic/referrals', { status: 'pending' }, { signal }), []);
  const n = data?.items.length ?? 0;
  return (
    <HomeLink to="/m/referrals" icon={<MedicineBoxOutlined style={{ fontSize: 22, color: n ? '#cf1322' : '#1677ff' }} />} title={t('referral.clinic.home')}
      sub={n ? t('referral.clinic.homeSub', { n }) : t('referral.clinic.homeSubNone')} testId="home-clinic-referrals" />
  );
}

/** This area's cards on the phone home page: a clinician's referrals with the pending count. */
export function ReferralHomeCards(): ReactElement | null {
  const can = useCan();
  if (!can('referral.respond')) return null;
  return <ClinicHomeCard />;
}
