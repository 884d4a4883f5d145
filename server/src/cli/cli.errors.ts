/** Command-line failures: USAGE exits 2, the rest 1. */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    readonly code: 'USAGE' | 'CANCELLED' | 'FAILED',
    message: string,
  ) {
    super(message);
  }
}
