export * from './observation.ts';
export * from './facility.ts';
export * from './api.ts';
export * from './alarm.ts';
export * from './auth.ts';
export * from './devices.ts';
export * from './drill.ts';
export * from './schedule.ts';
