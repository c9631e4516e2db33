import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, api, onUnauthorized, readToken, storeToken } from './client.ts';
import type { LoginResult, Operator, SignedInOperator } from './types.ts';

/** Why the login page is showing: nothing yet, a finished session, or a sign-out. */
export type SignedOutReason = 'none' | 'expired' | 'loggedOut';

export type SessionState =
  | { status: 'checking' }
  | { status: 'signedOut'; reason: SignedOutReason }
  | { status: 'unreachable'; error: unknown }
  | { status: 'signedIn'; operator: SignedInOperator };

interface Session {
  state: SessionState;
  login: (username: string, password: string) => Promise<void>;
  logout: () => void;
  recheck: () => void;
}

const SessionContext = createContext<Session | null>(null);

/** When a token stops working (its `exp` claim, epoch ms); null when it cannot be read. */
export function tokenExpiry(token: string): number | null {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

// setTimeout's longest delay; a later expiry is checked again when the timer fires.
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The operator session: the token lives in localStorage (so a reload keeps it), is checked
 * against /v1/operators/me on start, and any 401 from the API ends it.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>(() =>
    readToken() ? { status: 'checking' } : { status: 'signedOut', reason: 'none' },
  );
  const [checks, setChecks] = useState(0);

  useEffect(() => {
    onUnauthorized(() => setState({ status: 'signedOut', reason: 'expired' }));
    return () => onUnauthorized(null);
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `checks` counts the re-checks asked for.
  useEffect(() => {
    if (!readToken()) return;
    const controller = new AbortController();
    api<Operator>('/v1/operators/me', { signal: controller.signal }).then(
      (me) => setState({ status: 'signedIn', operator: { id: me.id, username: me.username, role: me.role } }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        // A 401 has already ended the session through onUnauthorized.
        if (!(error instanceof ApiError && error.status === 401)) setState({ status: 'unreachable', error });
      },
    );
    return () => controller.abort();
  }, [checks]);

  // The session ends when the token expires, even on a page that makes no further calls.
  useEffect(() => {
    if (state.status !== 'signedIn') return;
    const token = readToken();
    const expiry = token ? tokenExpiry(token) : null;
    if (expiry === null) return;
    const timer = window.setTimeout(
      () => {
        if (Date.now() < expiry) return setChecks((n) => n + 1);
        storeToken(null);
        setState({ status: 'signedOut', reason: 'expired' });
      },
      Math.min(Math.max(expiry - Date.now(), 0), MAX_TIMER_MS),
    );
    return () => window.clearTimeout(timer);
  }, [state]);

  const login = useCallback(async (username: string, password: string) => {
    const result = await api<LoginResult>('/v1/operators/login', {
      method: 'POST',
      body: { username, password },
      auth: false,
    });
    storeToken(result.token);
    setState({ status: 'signedIn', operator: result.operator });
  }, []);

  const logout = useCallback(() => {
    storeToken(null);
    setState({ status: 'signedOut', reason: 'loggedOut' });
  }, []);

  const recheck = useCallback(() => {
    setState({ status: 'checking' });
    setChecks((n) => n + 1);
  }, []);

  const value = useMemo(() => ({ state, login, logout, recheck }), [state, login, logout, recheck]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in operator; only for pages rendered inside the signed-in shell. */
export function useOperator(): SignedInOperator {
  const { state } = useSession();
  if (state.status !== 'signedIn') throw new Error('useOperator without a session');
  return state.operator;
}
