/**
 * "Logged once with its reason": a device stuck sending bad data must not flood the log.
 * Returns true the first time a key is seen and again after `windowMs`.
 */
export function createLogLimiter(windowMs: number, maxKeys = 10_000): (key: string, now?: number) => boolean {
  const last = new Map<string, number>();
  return (key, now = Date.now()) => {
    const seen = last.get(key);
    if (seen !== undefined && now - seen < windowMs) return false;
    if (last.size >= maxKeys) last.clear();
    last.set(key, now);
    return true;
  };
}
