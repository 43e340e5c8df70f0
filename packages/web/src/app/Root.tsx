import { lazy, Suspense, type ReactNode } from 'react';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { Loading } from '../components/Loading';
import { isMobileUser, needsPasswordChange, needsTotpEnrolment, SessionProvider, useSession } from './session';

const LoginPage = lazy(() => import('../pages/auth/LoginPage'));
const ClassCodeLoginPage = lazy(() => import('../pages/auth/ClassCodeLoginPage'));
const ForcedPasswordPage = lazy(() => import('../pages/auth/ForcedPages').then((m) => ({ default: m.ForcedPasswordPage })));
const ForcedTotpPage = lazy(() => import('../pages/auth/ForcedPages').then((m) => ({ default: m.ForcedTotpPage })));
const DesktopApp = lazy(() => import('./DesktopApp'));
const MobileApp = lazy(() => import('./MobileApp'));

function Gate(): ReactNode {
  const { state } = useSession();
  const location = useLocation();
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'anonymous') {
    return (
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/class-code" element={<ClassCodeLoginPage />} />
        <Route
          path="*"
          element={<Navigate to={`/login${location.pathname !== '/' ? `?next=${encodeURIComponent(location.pathname + location.search)}` : ''}`} replace />}
        />
      </Routes>
    );
  }
  const me = state.me;
  if (needsPasswordChange(me)) return <ForcedPasswordPage />;
  if (needsTotpEnrolment(me)) return <ForcedTotpPage />;
  // computer room: shows who is signed in on the shared PC (continue or sign out), or moves on after signing in
  if (location.pathname === '/class-code') return <ClassCodeLoginPage />;
  if (location.pathname === '/login') {
    const next = new URLSearchParams(location.search).get('next');
    return <Navigate to={next?.startsWith('/') ? next : '/'} replace />;
  }
  return isMobileUser(me) ? <MobileApp /> : <DesktopApp />;
}

export function Root() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider locale={i18n.language === 'en-US' ? enUS : zhCN} theme={{ token: { colorPrimary: '#1677ff', borderRadius: 6 } }}>
      <AntApp>
        <SessionProvider>
          <Suspense fallback={<Loading />}>
            <Gate />
          </Suspense>
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  );
}
