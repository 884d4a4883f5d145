/** Why the engine refused an action; the HTTP layer maps `code` to a status. */
import type { AlarmErrorCode } from '../../../../contract/index.ts';

export class AlarmActionError extends Error {
  override readonly name = 'AlarmActionError';
  readonly code: AlarmErrorCode;

  constructor(code: AlarmErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
