import { useEffect, useRef, type ReactNode } from 'react';
import { useAuth } from './use-auth.js';

/** Props of {@link RequireAuth}. */
export interface RequireAuthProps {
  /** Rendered while loading or redirecting to the sign-in page; default nothing. */
  readonly fallback?: ReactNode;
  readonly children?: ReactNode;
}

/**
 * Renders its children when signed in; when signed out, starts one sign-in that comes back to the current path.
 *
 * @param props - the children and the fallback.
 * @returns the children, or the fallback.
 * @see RFC 6749 §4.1.1
 */
export function RequireAuth({ fallback = null, children }: RequireAuthProps): ReactNode {
  const { status, signIn } = useAuth();
  const started = useRef(false);
  useEffect(() => {
    if (status !== 'signed-out' || started.current) return;
    started.current = true;
    signIn({ returnTo: location.pathname + location.search + location.hash }).catch(() => {
      started.current = false;
    });
  }, [status, signIn]);
  return status === 'signed-in' ? children : fallback;
}
