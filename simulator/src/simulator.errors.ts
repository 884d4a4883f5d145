/**
 * Typed errors with a `code`, so callers decide by code, not by message text: the CLI maps `USAGE` to exit code 2 (a bad
 * flag or argument) and everything else to exit code 1, printing the message as it is.
 */
export type SimulatorErrorCode = 'USAGE' | 'FACILITY_INVALID' | 'SCENARIO_INVALID' | 'SCENARIO_UNKNOWN' | 'BROKER_UNREACHABLE' | 'PUBLISH_FAILED';

export class SimulatorError extends Error {
  constructor(
    readonly code: SimulatorErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SimulatorError';
  }
}

/** A bad flag, argument or combination of them: exit code 2. */
export function usageError(message: string): SimulatorError {
  return new SimulatorError('USAGE', message);
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
