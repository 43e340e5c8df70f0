import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ROLE_INFO, type Permission, type Role } from '@xinyu/core';
import { api, ApiError, onAuthProblem, setCsrfToken } from '../api/client';
import type { Me } from '../api/types';

export type SessionState = { status: 'loading' } | { status: 'anonymous' } | { status: 'signed-in'; me: Me };

interface SessionValue {
  state: SessionState;
  /** Reloads /auth/me (after login, password change, TOTP enrolment). */
  refresh: () => Promise<Me | null>;
  signedIn: (me: Me) => void;
  logout: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const signedIn = useCallback((me: Me) => {
    setCsrfToken(me.csrfToken);
    setState({ status: 'signed-in', me });
  }, []);

  const refresh = useCallback(async () => {
    try {
      const me = await api.get<Me>('/auth/me', undefined, { quiet401: true });
      signedIn(me);
      return me;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        setCsrfToken(null);
        setState({ status: 'anonymous' });
        return null;
      }
      throw e;
    }
  }, [signedIn]);

  const logout = useCallback(async () => {
    try {
      await api.post('/auth/logout', undefined, { quiet401: true });
    } catch {
      // signed out anyway
    }
    setCsrfToken(null);
    setState({ status: 'anonymous' });
  }, []);

  useEffect(() => {
    refresh().catch(() => setState({ status: 'anonymous' }));
  }, [refresh]);

  useEffect(
    () =>
      onAuthProblem((err) => {
        if (err.status === 401) {
          setCsrfToken(null);
          setState({ status: 'anonymous' });
        } else {
          // password_change_required / mfa_enrolment_required: Me tells which page to force
          refresh().catch(() => undefined);
        }
      }),
    [refresh],
  );

  const value = useMemo(() => ({ state, refresh, signedIn, logout }), [state, refresh, signedIn, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

/** The signed-in user; only for components rendered behind the sign-in gate. */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useMe while not signed in');
  return state.me;
}

export function useCan(): (p: Permission) => boolean {
  const me = useMe();
  return useCallback((p: Permission) => me.permissions.includes(p), [me]);
}

/** Phone layout when every role the user has is a phone role (student, parent, committee, care teacher). */
export function isMobileUser(me: Me): boolean {
  return me.roles.length > 0 && me.roles.every((r) => ROLE_INFO[r.role].mobile);
}

export function needsPasswordChange(me: Me): boolean {
  return me.account.mustChangePassword;
}

export function needsTotpEnrolment(me: Me): boolean {
  return me.account.mfaRequired && !me.account.totpEnabled;
}

export function topRank(me: Me): number {
  return Math.max(0, ...me.roles.map((r) => ROLE_INFO[r.role].rank));
}

export function hasRole(me: Me, role: Role): boolean {
  return me.roles.some((r) => r.role === role);
}
