import { lazy, type ReactElement } from 'react';
import { CalendarOutlined, HomeOutlined, ScheduleOutlined, SmileOutlined } from '@ant-design/icons';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Route } from 'react-router-dom';
import { Guard, type Can, type NavItem } from '../../app/areas';
import { hasRole, useMe } from '../../app/session';
import { HomeLink } from '../self/WarningHomeCards';

const RoomsPage = lazy(() => import('./RoomsPage'));
const SlotsPage = lazy(() => import('./SlotsPage'));
const RegisterPage = lazy(() => import('./RegisterPage'));
const BookForStudentPage = lazy(() => import('./BookForStudentPage'));
const MyAppointmentsPage = lazy(() => import('./MyAppointmentsPage'));

/** This area's entries in the desktop menu (DesktopApp adds them after the care entries). */
export function counselingNav(t: TFunction, can: Can): NavItem[] {
  return [
    { key: 'counselingRooms', path: '/counseling/rooms', icon: <HomeOutlined />, label: t('counseling.menuRooms'), perm: 'room.read' },
    { key: 'counselingSlots', path: '/counseling/slots', icon: <ScheduleOutlined />, label: t('counseling.menuSlots'), perm: 'appointment.manage', show: can('appointment.manage') },
    { key: 'counselingRegister', path: '/counseling/register', icon: <CalendarOutlined />, label: t('counseling.menuRegister'), perm: 'appointment.manage' },
  ];
}

/** This area's desktop routes (a fragment of <Route>s inside DesktopApp's <Routes>). */
export function counselingDesktopRoutes(): ReactElement {
  return (
    <>
      <Route path="/counseling/rooms" element={<Guard perm="room.read"><RoomsPage /></Guard>} />
      <Route path="/counseling/slots" element={<Guard perm="appointment.manage"><SlotsPage /></Guard>} />
      <Route path="/counseling/register" element={<Guard perm="appointment.manage"><RegisterPage /></Guard>} />
      <Route path="/counseling/book/:studentId" element={<Guard perm="appointment.book"><BookForStudentPage /></Guard>} />
    </>
  );
}

/** This area's phone routes (inside MobileApp's <Routes>). */
export function counselingMobileRoutes(can: Can): ReactElement {
  return (
    <>
      {can('appointment.book') && <Route path="/m/appointments" element={<MyAppointmentsPage />} />}
      {can('appointment.book') && <Route path="/counseling/book/:studentId" element={<BookForStudentPage />} />}
    </>
  );
}

/** This area's cards on the phone home page: 预约心理辅导 for students and parents. */
export function CounselingHomeCards(): ReactElement | null {
  const { t } = useTranslation();
  const me = useMe();
  if (!hasRole(me, 'student') && !hasRole(me, 'parent')) return null;
  return <HomeLink to="/m/appointments" icon={<SmileOutlined style={{ fontSize: 22, color: '#13c2c2' }} />} title={t('counseling.mine.home')} sub={t('counseling.mine.homeSub')} testId="home-appointments" />;
}
