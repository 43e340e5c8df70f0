import { lazy, Suspense, useMemo, useState } from 'react';
import { Button, Drawer, Dropdown, Grid, Layout, Menu, Space, Typography } from 'antd';
import type { MenuProps } from 'antd';
import {
  ApartmentOutlined,
  AuditOutlined,
  CloudUploadOutlined,
  HomeOutlined,
  IdcardOutlined,
  LogoutOutlined,
  MenuOutlined,
  SettingOutlined,
  TagsOutlined,
  TeamOutlined,
  UserOutlined,
  FormOutlined,
  ScheduleOutlined,
  WarningOutlined,
  FieldTimeOutlined,
  CommentOutlined,
  SafetyOutlined,
  TrophyOutlined,
  UsergroupAddOutlined,
  FileSearchOutlined,
  CalendarOutlined,
  NotificationOutlined,
  DashboardOutlined,
  CarryOutOutlined,
  SolutionOutlined,
  HeartOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Route, Routes, useLocation, useNavigate, useParams } from 'react-router-dom';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { NotificationBell } from '../components/NotificationBell';
import { Loading } from '../components/Loading';
import { useCan, useMe, useSession } from './session';
import { Guard, NotFound, type MenuGroupId, type NavItem } from './areas';
import { counselingDesktopRoutes, counselingNav } from '../pages/counseling/routes';
import { sessionsDesktopRoutes, sessionsNav } from '../pages/sessions/routes';
import { crisisDesktopRoutes, crisisNav } from '../pages/crisis/routes';
import { referralDesktopRoutes, referralNav } from '../pages/referral/routes';
import { educationDesktopRoutes, educationNav } from '../pages/education/routes';
import { workforceDesktopRoutes, workforceNav } from '../pages/workforce/routes';
import { homeschoolDesktopRoutes, homeschoolNav } from '../pages/homeschool/routes';
import { supervisionDesktopRoutes, supervisionNav } from '../pages/supervision/routes';

const HomePage = lazy(() => import('../pages/home/HomePage'));
const OrgTreePage = lazy(() => import('../pages/org/OrgTreePage'));
const UnitPage = lazy(() => import('../pages/org/UnitPage'));
const StudentListPage = lazy(() => import('../pages/org/StudentListPage'));
const StudentProfilePage = lazy(() => import('../pages/org/StudentProfilePage'));
const StaffListPage = lazy(() => import('../pages/org/StaffListPage'));
const ImportPage = lazy(() => import('../pages/org/ImportPage'));
const AuditPage = lazy(() => import('../pages/audit/AuditPage'));
const AccountsPage = lazy(() => import('../pages/access/AccountsPage'));
const SettingsPage = lazy(() => import('../pages/auth/SettingsPage'));
const CircumstanceCategoriesPage = lazy(() => import('../pages/config/CircumstanceCategoriesPage'));
const NotificationsPage = lazy(() => import('../pages/notify/NotificationsPage'));
const InstrumentsPage = lazy(() => import('../pages/screening/InstrumentsPage'));
const CampaignListPage = lazy(() => import('../pages/screening/CampaignListPage'));
const CampaignPage = lazy(() => import('../pages/screening/CampaignPage'));
const ResponseReportPage = lazy(() => import('../pages/screening/ResponseReportPage'));
const AlertsPage = lazy(() => import('../pages/warning/AlertsPage'));
const AlertDetailPage = lazy(() => import('../pages/warning/AlertDetailPage'));
const WarningPolicyPage = lazy(() => import('../pages/config/WarningPolicyPage'));
const CommitteeStatusPage = lazy(() => import('../pages/committee/CommitteeStatusPage'));
const CareListPage = lazy(() => import('../pages/care/CareListPage'));
const CareDetailPage = lazy(() => import('../pages/care/CareDetailPage'));
const VolunteerPage = lazy(() => import('../pages/care/VolunteerPage'));
const ParentVolunteersPage = lazy(() => import('../pages/care/ParentVolunteersPage'));
const HonoursPage = lazy(() => import('../pages/care/HonoursPage'));
const BoardPage = lazy(() => import('../pages/warning/BoardPage'));
const MeetingPage = lazy(() => import('../pages/care/MeetingPage'));
const SweepListPage = lazy(() => import('../pages/sweep/SweepListPage'));
const SweepClassPage = lazy(() => import('../pages/sweep/SweepClassPage'));
const SweepCompletionPage = lazy(() => import('../pages/sweep/SweepCompletionPage'));
const StaffCareListPage = lazy(() => import('../pages/staffcare/StaffCareListPage'));
const StaffCaseDetailPage = lazy(() => import('../pages/staffcare/StaffCaseDetailPage'));
const StaffSweepPage = lazy(() => import('../pages/staffcare/StaffSweepPage'));
const StaffSweepGroupPage = lazy(() => import('../pages/staffcare/StaffSweepGroupPage'));
const SchoolCalendarPage = lazy(() => import('../pages/config/SchoolCalendarPage'));
const CommitteeRulePage = lazy(() => import('../pages/config/CommitteeRulePage'));
const CarePolicyPage = lazy(() => import('../pages/config/CarePolicyPage'));


/** The menu's headings: the seeds' four areas (四位一体) between the organisation and the settings. */
const MENU_GROUPS: { id: MenuGroupId; keys: string[] }[] = [
  { id: 'org', keys: ['org', 'students', 'staff', 'imports', 'accounts'] },
  { id: 'screening', keys: ['instruments', 'campaigns'] },
  { id: 'warning', keys: ['alerts', 'board', 'committee', 'sweeps', 'care', 'careVolunteer', 'careParents', 'careHonours', 'meetings', 'staffcare'] },
  { id: 'counseling', keys: ['counselingRooms', 'counselingSlots', 'counselingRegister', 'sessions', 'mailbox', 'hotline', 'supervisors'] },
  { id: 'crisis', keys: ['crisis', 'crisisConferences', 'referrals', 'returns', 'institutions', 'measures'] },
  // the areas below name their group on each menu entry (NavItem.group)
  { id: 'education', keys: [] },
  { id: 'workforce', keys: [] },
  { id: 'supervision', keys: [] },
  { id: 'system', keys: ['audit', 'circumstances', 'warningPolicy', 'calendar', 'committeeRule', 'carePolicy', 'mailboxRules', 'settings'] },
];

/** The warning pages lived under /screening/alerts before they took every source: old links still work. */
function OldAlertsRedirect() {
  const id = useParams().id;
  const { search } = useLocation();
  return <Navigate to={{ pathname: id ? `/alerts/${id}` : '/alerts', search }} replace />;
}

export default function DesktopApp() {
  const { t } = useTranslation();
  const me = useMe();
  const can = useCan();
  const { logout } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const [collapsed, setCollapsed] = useState(false);
  const [drawer, setDrawer] = useState(false);

  const nav = useMemo<NavItem[]>(
    () =>
      [
        { key: 'home', path: '/', icon: <HomeOutlined />, label: t('menu.home') },
        { key: 'org', path: '/org', icon: <ApartmentOutlined />, label: t('menu.org'), perm: 'org.read' as const },
        { key: 'students', path: '/students', icon: <TeamOutlined />, label: t('menu.students'), perm: 'student.read' as const },
        { key: 'staff', path: '/staff', icon: <IdcardOutlined />, label: t('menu.staff'), perm: 'staff.read' as const },
        { key: 'instruments', path: '/instruments', icon: <FormOutlined />, label: t('menu.instruments'), perm: 'instrument.read' as const },
        { key: 'campaigns', path: '/screening/campaigns', icon: <ScheduleOutlined />, label: t('campaigns.menu'), perm: 'screening.progress' as const },
        { key: 'alerts', path: '/alerts', icon: <WarningOutlined />, label: t('warning.menu'), perm: 'alert.read' as const },
        { key: 'board', path: '/alerts/board', icon: <DashboardOutlined />, label: t('warning.board.menu'), perm: 'alert.board' as const },
        { key: 'care', path: '/care', icon: <SafetyOutlined />, label: t('care.menu'), perm: 'care.read' as const },
        // any teacher may volunteer (the server checks the staff record); bureau staff have no school
        { key: 'careVolunteer', path: '/care/volunteer', icon: <HeartOutlined />, label: t('care.volunteer.menu'), show: me.roles.length === 0 || me.roles.some((r) => ['school_leader', 'counselor', 'head_teacher', 'care_teacher'].includes(r.role)) },
        { key: 'careParents', path: '/care/parents', icon: <UsergroupAddOutlined />, label: t('care.parents.menu'), perm: 'care.manage' as const },
        { key: 'careHonours', path: '/care/honours', icon: <TrophyOutlined />, label: t('care.honours.menu'), show: can('care.honours') || can('care.nominate') || can('care.select') },
        { key: 'meetings', path: '/care/meetings', icon: <CarryOutOutlined />, label: t('warning.meeting.menu'), perm: 'care.manage' as const },
        { key: 'committee', path: '/committee', icon: <CommentOutlined />, label: t('committee.menu'), perm: 'committee.read' as const },
        { key: 'sweeps', path: '/sweeps', icon: <FileSearchOutlined />, label: t('sweep.menu'), perm: 'sweep.progress' as const },
        { key: 'staffcare', path: '/staffcare', icon: <HeartOutlined />, label: t('staffCare.menu'), perm: 'staffcare.read' as const },
        ...counselingNav(t, can),
        ...sessionsNav(t, can),
        ...crisisNav(t, can),
        ...referralNav(t, can),
        ...educationNav(t, can),
        ...homeschoolNav(t, can),
        ...workforceNav(t, can),
        ...supervisionNav(t, can),
        { key: 'imports', path: '/imports', icon: <CloudUploadOutlined />, label: t('menu.imports'), perm: 'roster.import' as const },
        { key: 'accounts', path: '/accounts', icon: <UserOutlined />, label: t('menu.accounts'), perm: 'account.manage' as const },
        { key: 'audit', path: '/audit', icon: <AuditOutlined />, label: t('menu.audit'), perm: 'audit.read' as const },
        { key: 'circumstances', path: '/config/circumstances', icon: <TagsOutlined />, label: t('menu.circumstances'), perm: 'config.write' as const },
        { key: 'warningPolicy', path: '/config/warning-policy', icon: <FieldTimeOutlined />, label: t('warning.policy.menu'), perm: 'config.write' as const },
        { key: 'calendar', path: '/config/calendar', icon: <CalendarOutlined />, label: t('sweep.calendar.menu'), perm: 'config.write' as const },
        { key: 'committeeRule', path: '/config/committee-rule', icon: <NotificationOutlined />, label: t('sweep.rule.menu'), perm: 'config.write' as const },
        { key: 'carePolicy', path: '/config/care-policy', icon: <SolutionOutlined />, label: t('carePolicy.menu'), perm: 'config.write' as const },
        { key: 'settings', path: '/settings', icon: <SettingOutlined />, label: t('menu.settings') },
      ].filter((n) => (n.show ?? true) && (!n.perm || can(n.perm))),
    [t, can, me],
  );

  const selected =
    nav
      .filter((n) => n.path !== '/' && location.pathname.startsWith(n.path))
      .sort((a, b) => b.path.length - a.path.length)[0]?.key ?? (location.pathname === '/' ? 'home' : '');

  const userMenu: MenuProps['items'] = [
    { key: 'settings', icon: <SettingOutlined />, label: t('app.settings'), onClick: () => void navigate('/settings') },
    { key: 'logout', icon: <LogoutOutlined />, label: t('app.logout'), onClick: () => void logout(), danger: true },
  ];

  const narrow = !screens.md;

  const menuItems = useMemo<NonNullable<MenuProps['items']>>(() => {
    const item = (n: NavItem) => ({ key: n.key, icon: n.icon, label: <Link to={n.path} data-testid={`menu-${n.key}`}>{n.label}</Link> });
    const inGroup = (n: NavItem, g: { id: MenuGroupId; keys: string[] }) => n.group === g.id || (!n.group && g.keys.includes(n.key));
    const grouped = new Set(nav.filter((n) => MENU_GROUPS.some((g) => inGroup(n, g))).map((n) => n.key));
    const groups = MENU_GROUPS.map((g) => ({ g, items: nav.filter((n) => inGroup(n, g)) })).filter((x) => x.items.length);
    // a short menu (a head teacher's) needs no headings
    if (nav.length <= 12) return nav.map(item);
    return [
      ...nav.filter((n) => n.key === 'home').map(item),
      ...groups.map(({ g, items }) => ({ type: 'group' as const, key: `group-${g.id}`, label: collapsed && !narrow ? null : t(`menu.group.${g.id}`), children: items.map(item) })),
      ...nav.filter((n) => n.key !== 'home' && !grouped.has(n.key)).map(item),
    ];
  }, [nav, t, collapsed, narrow]);

  const menu = <Menu mode="inline" selectedKeys={[selected]} data-testid="main-menu" onClick={() => setDrawer(false)} items={menuItems} />;
  const brand = (
    <div className="xy-brand" style={{ height: 56, padding: '0 20px' }}>
      <span style={{ color: '#1677ff', fontSize: 22 }}>心</span>
      {(narrow || !collapsed) && t('app.name')}
    </div>
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {narrow ? (
        <Drawer open={drawer} onClose={() => setDrawer(false)} placement="left" size={240} styles={{ body: { padding: 0 } }} closable={false}>
          {brand}
          {menu}
        </Drawer>
      ) : (
        <Layout.Sider collapsible collapsed={collapsed} onCollapse={setCollapsed} theme="light" width={208} style={{ borderRight: '1px solid #f0f0f0' }} data-testid="sider">
          {brand}
          {menu}
        </Layout.Sider>
      )}
      <Layout>
        <Layout.Header
          style={{ background: '#fff', padding: '0 16px', display: 'flex', alignItems: 'center', justifyContent: 'space-between', borderBottom: '1px solid #f0f0f0', gap: 8 }}
        >
          {narrow ? (
            <Button type="text" icon={<MenuOutlined />} onClick={() => setDrawer(true)} aria-label="menu" data-testid="menu-toggle" />
          ) : (
            <Typography.Text type="secondary" ellipsis style={{ minWidth: 0 }}>
              {t('app.fullName')}
            </Typography.Text>
          )}
          <Space>
            <NotificationBell />
            <LanguageSwitch />
            <Dropdown menu={{ items: userMenu }} placement="bottomRight">
              <Button type="text" icon={<UserOutlined />} data-testid="user-menu">
                {me.account.displayName}
              </Button>
            </Dropdown>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: narrow ? 12 : 24, minWidth: 0 }}>
          <Suspense fallback={<Loading />}>
            <Routes>
              <Route path="/" element={<HomePage />} />
              <Route path="/org" element={<Guard perm="org.read"><OrgTreePage /></Guard>} />
              <Route path="/org/units/:id" element={<Guard perm="org.read"><UnitPage /></Guard>} />
              <Route path="/students" element={<Guard perm="student.read"><StudentListPage /></Guard>} />
              <Route path="/students/:id" element={<Guard perm="student.read"><StudentProfilePage /></Guard>} />
              <Route path="/staff" element={<Guard perm="staff.read"><StaffListPage /></Guard>} />
              <Route path="/imports" element={<Guard perm="roster.import"><ImportPage /></Guard>} />
              <Route path="/accounts" element={<Guard perm="account.manage"><AccountsPage /></Guard>} />
              <Route path="/audit" element={<Guard perm="audit.read"><AuditPage /></Guard>} />
              <Route path="/config/circumstances" element={<Guard perm="config.write"><CircumstanceCategoriesPage /></Guard>} />
              <Route path="/config/warning-policy" element={<Guard perm="config.write"><WarningPolicyPage /></Guard>} />
              <Route path="/config/calendar" element={<Guard perm="config.write"><SchoolCalendarPage /></Guard>} />
              <Route path="/config/committee-rule" element={<Guard perm="config.write"><CommitteeRulePage /></Guard>} />
              <Route path="/config/care-policy" element={<Guard perm="config.write"><CarePolicyPage /></Guard>} />
              <Route path="/settings" element={<SettingsPage />} />
              <Route path="/notifications" element={<NotificationsPage />} />
              <Route path="/instruments" element={<Guard perm="instrument.read"><InstrumentsPage /></Guard>} />
              <Route path="/screening/campaigns" element={<Guard perm="screening.progress"><CampaignListPage /></Guard>} />
              <Route path="/screening/campaigns/:id" element={<Guard perm="screening.progress"><CampaignPage /></Guard>} />
              <Route path="/screening/responses/:id" element={<Guard perm="screening.results"><ResponseReportPage /></Guard>} />
              <Route path="/alerts" element={<Guard perm="alert.read"><AlertsPage /></Guard>} />
              <Route path="/alerts/board" element={<Guard perm="alert.board"><BoardPage /></Guard>} />
              <Route path="/alerts/:id" element={<Guard perm="alert.read"><AlertDetailPage /></Guard>} />
              <Route path="/screening/alerts/:id?" element={<OldAlertsRedirect />} />
              <Route path="/committee" element={<Guard perm="committee.read"><CommitteeStatusPage /></Guard>} />
              <Route path="/care" element={<Guard perm="care.read"><CareListPage /></Guard>} />
              <Route path="/care/meetings" element={<Guard perm={['care.manage', 'care.diary', 'alert.raise']}><MeetingPage /></Guard>} />
              <Route path="/care/:id" element={<Guard perm="care.read"><CareDetailPage /></Guard>} />
              <Route path="/care/volunteer" element={<VolunteerPage />} />
              <Route path="/care/parents" element={<Guard perm="care.manage"><ParentVolunteersPage /></Guard>} />
              <Route path="/care/honours" element={<HonoursPage />} />
              <Route path="/sweeps" element={<Guard perm="sweep.progress"><SweepListPage /></Guard>} />
              <Route path="/sweeps/:id" element={<Guard perm="sweep.progress"><SweepCompletionPage /></Guard>} />
              <Route path="/sweeps/:id/classes/:classId" element={<Guard perm="sweep.review"><SweepClassPage /></Guard>} />
              <Route path="/staffcare" element={<Guard perm="staffcare.read"><StaffCareListPage /></Guard>} />
              <Route path="/staffcare/sweeps/:id" element={<Guard perm="staffcare.read"><StaffSweepPage /></Guard>} />
              <Route path="/staffcare/sweeps/:id/groups/:unitId/:tier" element={<Guard perm={['staffcare.review', 'staffcare.leaders']}><StaffSweepGroupPage /></Guard>} />
              <Route path="/staffcare/:id" element={<Guard perm="staffcare.read"><StaffCaseDetailPage /></Guard>} />
              {counselingDesktopRoutes()}
              {sessionsDesktopRoutes()}
              {crisisDesktopRoutes()}
              {referralDesktopRoutes()}
              {educationDesktopRoutes()}
              {workforceDesktopRoutes()}
              {homeschoolDesktopRoutes()}
              {supervisionDesktopRoutes()}
              <Route path="/m/*" element={<Navigate to="/" replace />} />
              <Route path="*" element={<NotFound />} />
            </Routes>
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
