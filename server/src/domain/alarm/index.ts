/** The alarm domain's public API. */
export { evaluate, tick } from './alarm.engine.ts';
export { endDrill } from './drill.end.ts';
export { ruleKey } from './engine.types.ts';
export { applyAction, applyIncidentAction } from './actions.ts';
export { takeOutOfService, returnToService } from './out-of-service.ts';
export { AlarmActionError } from './alarm.errors.ts';
export { sensorsShownOffline } from './rules.gateway.ts';
export { cameraStatus } from './rules.camera.ts';
export {
  createEngineState,
  persistEngineState,
  restoreEngineState,
  openAlarms,
  openIncidents,
  sensorLiveState,
  sensorLiveStates,
  type PersistedEngineState,
} from './engine.state.ts';
export {
  DEFAULT_ACTION_LIMITS,
  DEFAULT_ENGINE_SETTINGS,
  type ActionLimits,
  type EngineContext,
  type EngineResult,
  type EngineSettings,
  type EngineState,
  type RegistryView,
  type SensorRuleState,
  type PointState,
} from './engine.types.ts';
