/** The handover domain's public API. */
export { buildSnapshot, type LinkHealth, type OutOfServiceSensor, type SnapshotInput } from './handover.snapshot.ts';
export { checkAcceptable, checkSignable, countHandovers, decideShelved, type Decision } from './handover.rules.ts';
export { HandoverError } from './handover.errors.ts';
