import { useSyncExternalStore } from 'react';
import { session } from './client';
import { can, type Operation } from './permissions';
import type { SessionState } from './session';

export function useSession(): SessionState {
  return useSyncExternalStore(session.subscribe, () => session.current);
}

/** `can(op)` for the signed-in role: what the page offers. */
export function useCan(): (operation: Operation) => boolean {
  const { role } = useSession();
  return (operation) => can(role, operation);
}
