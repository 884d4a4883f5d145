/** The seven rows of the fault suite, by number (`--only` picks among them). */
import type { Ceiling } from './points.ts';
import type { Row } from './report.ts';
import { gateway } from './rows.gateway.ts';
import { intruder, retained } from './rows.ingest.ts';
import { burst, killVigil, stopBroker, stopInflux } from './rows.load.ts';
import type { Stack } from './stack.ts';

export const ROWS: [number, (s: Stack, c: Ceiling) => Promise<Row>][] = [
  [1, killVigil],
  [2, stopBroker],
  [3, stopInflux],
  [4, burst],
  [5, intruder],
  [6, retained],
  [7, gateway],
];
