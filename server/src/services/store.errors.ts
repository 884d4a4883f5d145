/**
 * The operational store cannot be used right now: PostgreSQL did not answer within its bound
 * (frozen, overloaded, the network to it cut) or could not be reached at all. The request is
 * answered 503 `STORE_UNAVAILABLE` instead of waiting with no end; the health answer's `store`
 * part and the console's trouble banner say the same to the duty officer.
 *
 * Nothing was confirmed: a statement that had already reached a frozen server may still take
 * effect when it resumes (it reads its socket before it notices the connection is gone), so a
 * change tried again afterwards may find itself already done.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly code = 'STORE_UNAVAILABLE';

  constructor(reason: string, options?: ErrorOptions) {
    super(`the database is not answering (${reason}); try again once it does`, options);
  }
}
