/** The fault suite's options (`--quick`, `--only`), its load profiles and the names it shares. */
import { parseArgs } from 'node:util';
import { DEMO_ACCOUNTS } from '../../contract/auth.ts';

export const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});

interface Profile {
  /** Steady load, readings/s. */
  rate: number;
  /** Load before the fault and after recovery. */
  preS: number;
  postS: number;
  vigilDownS: number;
  brokerDownS: number;
  influxDownS: number;
  burstRate: number;
  burstS: number;
  intruderS: number;
  /** Messages published as fast as the broker takes them, to measure this run's ceiling. */
  ceilingCount: number;
  /** Give up waiting for recovery (or for the last points) after this long. */
  patienceS: number;
}

const FULL: Profile = {
  rate: 5_000,
  preS: 10,
  postS: 5,
  vigilDownS: 5,
  brokerDownS: 10,
  influxDownS: 60,
  burstRate: 50_000,
  burstS: 30,
  intruderS: 10,
  ceilingCount: 200_000,
  patienceS: 180,
};
const QUICK: Profile = {
  rate: 1_000,
  preS: 3,
  postS: 2,
  vigilDownS: 3,
  brokerDownS: 5,
  influxDownS: 5,
  burstRate: 10_000,
  burstS: 10,
  intruderS: 5,
  ceilingCount: 30_000,
  patienceS: 60,
};
export const P = args.quick ? QUICK : FULL;
export const ONLY = args.only ? new Set(args.only.split(',').map(Number)) : null;
export const DB = 'vigil_faults';
export const INGEST_ID = 'vigil-ingest';
export const OFFICER = DEMO_ACCOUNTS.find((a) => a.role === 'officer')!;
export const log = (line: string): boolean => process.stderr.write(`${line}\n`);
