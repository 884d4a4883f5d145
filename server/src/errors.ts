/**
 * Refusals raised by the HTTP layer itself (a bad query, an unknown route, no session, a missing
 * permission, too many requests). Like the domain's errors they carry only a stable `code`: the
 * one error middleware (http/errors.middleware.ts) maps every code to its status.
 */
export const HTTP_ERROR_CODES = ['BAD_REQUEST', 'NOT_FOUND', 'UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED', 'UNSUPPORTED_MEDIA_TYPE'] as const;
export type HttpErrorCode = (typeof HTTP_ERROR_CODES)[number];

export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly code: HttpErrorCode,
    message: string,
    /** Sent to the client as `error.details` (e.g. one `path: message` per invalid field). */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: unknown) => new HttpError('BAD_REQUEST', message, details);
export const notFound = (message: string) => new HttpError('NOT_FOUND', message);
