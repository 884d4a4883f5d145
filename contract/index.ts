export * from './observation.ts';
export * from './facility.ts';
