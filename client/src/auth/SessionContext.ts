/** The signed-in user for every component that shows or hides an action by role. */
import { createContext, useContext } from 'react';
import type { User } from '../../../contract/auth.ts';
import { can, type Permission } from '../../../contract/roles.ts';

export interface Session {
  user: User;
  /** The client only hides what the server would refuse; the server still decides. */
  can: (permission: Permission) => boolean;
  logout: () => void;
}

export function makeSession(user: User, logout: () => void): Session {
  return { user, can: (permission) => can(user.role, permission), logout };
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession needs a <SessionContext.Provider>');
  return session;
}
