/**
 * Who is signed in: asks `GET /api/auth/me` on load; a 401 from any later
 * request (or a refused live socket whose session check then says 401) returns to the login screen.
 */
import { useCallback, useEffect, useState } from 'react';
import type { SessionInfo } from '../../../contract/auth.ts';
import { messageOf, onUnauthorized } from '../api/api.client.ts';
import { fetchSession, logout } from '../api/auth.api.ts';

export type SignedOutReason = 'none' | 'expired' | 'loggedOut';

export type SessionGate =
  { kind: 'checking' } | { kind: 'unreachable'; message: string } | { kind: 'signedOut'; reason: SignedOutReason } | { kind: 'signedIn'; session: SessionInfo };

export interface SessionControls {
  gate: SessionGate;
  handleSignedIn: (session: SessionInfo) => void;
  handleLogout: () => void;
  /** Re-asks the server whether the session still holds (after a refused socket). */
  handleVerify: () => void;
  handleRetry: () => void;
}

export function useSessionGate(): SessionControls {
  const [gate, setGate] = useState<SessionGate>({ kind: 'checking' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    fetchSession(controller.signal).then(
      (session) => setGate(session ? { kind: 'signedIn', session } : { kind: 'signedOut', reason: 'none' }),
      (err: unknown) => {
        if (!controller.signal.aborted) setGate({ kind: 'unreachable', message: messageOf(err) });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  useEffect(() => onUnauthorized(() => setGate((g) => (g.kind === 'signedIn' ? { kind: 'signedOut', reason: 'expired' } : g))), []);

  const handleSignedIn = useCallback((session: SessionInfo) => setGate({ kind: 'signedIn', session }), []);
  const handleLogout = useCallback(() => {
    // Leave the console at once; the server forgets the session in the background.
    setGate({ kind: 'signedOut', reason: 'loggedOut' });
    logout().catch(() => {
      // Already expired or the server is away: the cookie is useless either way.
    });
  }, []);
  const handleVerify = useCallback(() => {
    fetchSession().then(
      (session) => {
        if (!session) setGate((g) => (g.kind === 'signedIn' ? { kind: 'signedOut', reason: 'expired' } : g));
      },
      () => {
        // Unreachable: the connection banner already says so; keep the console.
      },
    );
  }, []);
  const handleRetry = useCallback(() => {
    setGate({ kind: 'checking' });
    setAttempt((n) => n + 1);
  }, []);
  return { gate, handleSignedIn, handleLogout, handleVerify, handleRetry };
}
