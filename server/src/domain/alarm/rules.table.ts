/** Dispatch by sensor kind: each kind's reading rule, event table and timers. */
import type { SensorKind } from '../../../../contract/index.ts';
import { doorRules } from './rules.door.ts';
import { coRules, gasRules } from './rules.gas.ts';
import { smokeRules } from './rules.smoke.ts';
import type { KindRules } from './rules.types.ts';

export const RULES: Readonly<Record<SensorKind, KindRules>> = {
  gas: gasRules,
  co: coRules,
  smoke: smokeRules,
  door: doorRules,
};
