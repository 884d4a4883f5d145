import type { HandoverErrorCode } from '../../../../contract/index.ts';

/** A handover action refused; the HTTP layer maps `code` to a status and passes `details` on. */
export class HandoverError extends Error {
  override readonly name = 'HandoverError';

  constructor(
    readonly code: HandoverErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
