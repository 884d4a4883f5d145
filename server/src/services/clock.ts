/** Time is a port (STYLE.md): services take a Clock; tests drive a fake one. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
