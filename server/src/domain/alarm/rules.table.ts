/** Dispatch by sensor kind: each kind's reading rule, event table and timers; and a gateway's rules. */
import type { SensorKind } from '../../../../contract/index.ts';
import { doorRules } from './rules.door.ts';
import { coRules, gasRules } from './rules.gas.ts';
import { evaluateGateway, gatewaysTick } from './rules.gateway.ts';
import { leakRules } from './rules.leak.ts';
import { smokeRules } from './rules.smoke.ts';
import { pressureRules, pumpRules, valveRules, waterflowRules } from './rules.sprinkler.ts';
import type { KindRules } from './rules.types.ts';

export const RULES: Readonly<Record<SensorKind, KindRules>> = {
  gas: gasRules,
  co: coRules,
  smoke: smokeRules,
  door: doorRules,
  leak: leakRules,
  waterflow: waterflowRules,
  valve: valveRules,
  pump: pumpRules,
  pressure: pressureRules,
};

/** A gateway is no sensor kind: its status observations and its silence (rules.gateway.ts). */
export const GATEWAY_RULES = { observation: evaluateGateway, tick: gatewaysTick } as const;
