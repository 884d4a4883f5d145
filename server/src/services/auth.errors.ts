/** Why an auth or admin action was refused; the HTTP layer maps `code` to a status (http/errors.middleware.ts). */
import type { AuthErrorCode } from '../../../contract/index.ts';

export class AuthError extends Error {
  override readonly name = 'AuthError';

  constructor(
    readonly code: AuthErrorCode,
    message: string,
    readonly details?: { lockedUntil?: number; retryAfterS?: number },
  ) {
    super(message);
  }
}
