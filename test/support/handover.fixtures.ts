/** For the handover's tests: the refusal a call raises. */
import { HandoverError } from '../../server/src/domain/handover/index.ts';

/** The HandoverError `fn` throws; fails the test when it throws anything else or nothing. */
export function refusalOf(fn: () => unknown): HandoverError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HandoverError) return err;
    throw err;
  }
  throw new Error('not refused');
}

/** The HandoverError `promise` rejects with; fails the test when it rejects with anything else or resolves. */
export async function refusalOfAsync(promise: Promise<unknown>): Promise<HandoverError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof HandoverError) return err;
    throw err;
  }
  throw new Error('not refused');
}
