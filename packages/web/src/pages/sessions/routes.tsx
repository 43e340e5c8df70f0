import { lazy, type ReactElement } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Route } from 'react-router-dom';
import { FileProtectOutlined, MailOutlined, PhoneOutlined, TeamOutlined } from '@ant-design/icons';
import { Guard, type Can, type NavItem } from '../../app/areas';
import { useCan } from '../../app/session';
import { HomeLink } from '../self/WarningHomeCards';

const SessionsPage = lazy(() => import('./SessionsPage'));
const SessionFormPage = lazy(() => import('./SessionFormPage'));
const SessionDetailPage = lazy(() => import('./SessionDetailPage'));
const SupervisorsPage = lazy(() => import('./SupervisorsPage'));
const MailboxPage = lazy(() => import('./MailboxPage'));
const MailboxThreadPage = lazy(() => import('./MailboxThreadPage'));
const MailboxRulesPage = lazy(() => import('./MailboxRulesPage'));
const HotlinePage = lazy(() => import('./HotlinePage'));
const MobileMailbox = lazy(() => import('./MobileMailbox'));

const SESSION_ROLES = ['session.write', 'session.supervise'] as const;

/** This area's entries in the desktop menu (DesktopApp adds them after the care entries). */
export function sessionsNav(t: TFunction, can: Can): NavItem[] {
  const sessions = can('session.write') || can('session.supervise');
  return [
    { key: 'sessions', path: '/sessions', icon: <FileProtectOutlined />, label: t('counselingRecords.nav.sessions'), show: sessions },
    { key: 'mailbox', path: '/mailbox', icon: <MailOutlined />, label: t('counselingRecords.nav.mailbox'), perm: 'mailbox.answer' },
    { key: 'hotline', path: '/hotline', icon: <PhoneOutlined />, label: t('counselingRecords.nav.hotline'), show: sessions },
    { key: 'supervisors', path: '/sessions/supervisors', icon: <TeamOutlined />, label: t('counselingRecords.nav.supervisors'), show: sessions },
    { key: 'mailboxRules', path: '/config/mailbox-rules', icon: <MailOutlined />, label: t('counselingRecords.nav.rules'), perm: 'config.write' },
  ];
}

/** This area's desktop routes (a fragment of <Route>s inside DesktopApp's <Routes>). */
export function sessionsDesktopRoutes(): ReactElement {
  return (
    <>
      <Route path="/sessions" element={<Guard perm={SESSION_ROLES}><SessionsPage /></Guard>} />
      <Route path="/sessions/new" element={<Guard perm="session.write"><SessionFormPage /></Guard>} />
      <Route path="/sessions/supervisors" element={<Guard perm={SESSION_ROLES}><SupervisorsPage /></Guard>} />
      <Route path="/sessions/:id" element={<Guard perm={SESSION_ROLES}><SessionDetailPage /></Guard>} />
      <Route path="/mailbox" element={<Guard perm="mailbox.answer"><MailboxPage /></Guard>} />
      <Route path="/mailbox/:id" element={<Guard perm="mailbox.answer"><MailboxThreadPage /></Guard>} />
      <Route path="/config/mailbox-rules" element={<Guard perm={['config.write', 'mailbox.answer']}><MailboxRulesPage /></Guard>} />
      <Route path="/hotline" element={<Guard perm={SESSION_ROLES}><HotlinePage /></Guard>} />
    </>
  );
}

/** This area's phone routes (inside MobileApp's <Routes>). */
export function sessionsMobileRoutes(can: Can): ReactElement {
  return <>{can('mailbox.write') && <Route path="/m/mailbox" element={<MobileMailbox />} />}</>;
}

/** This area's cards on the phone home page: 心灵信箱 for students. */
export function SessionsHomeCards(): ReactElement | null {
  const { t } = useTranslation();
  const can = useCan();
  if (!can('mailbox.write')) return null;
  return <HomeLink to="/m/mailbox" icon={<MailOutlined style={{ fontSize: 22, color: '#13c2c2' }} />} title={t('counselingRecords.m.homeTitle')} sub={t('counselingRecords.m.homeSub')} testId="home-mailbox" />;
}
