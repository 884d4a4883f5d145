/** Errors that carry an HTTP status and a stable `code`; the error middleware turns them into answers. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: unknown) => new HttpError(400, 'BAD_REQUEST', message, details);
export const notFound = (message: string) => new HttpError(404, 'NOT_FOUND', message);
