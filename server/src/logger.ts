import pino from 'pino';

export type Logger = pino.Logger;

/** The root logger; components take a child with `{ component }` so every line says who spoke. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'vigil' }, timestamp: pino.stdTimeFunctions.isoTime });
}
