/**
 * A drill has ended: every alarm it raised that is still open is closed, with the note
 * "drill ended" and the name of whoever ended it, so nothing of the drill is left in the queue
 * or escalating once it is over. The alarms themselves stay in the store and the log, for the
 * drill report. The drill's rule states go too, so its silent sensors do not go offline.
 */
import { alarmChanged } from './events.ts';
import { touchIncident } from './flood.ts';
import { close } from './lifecycle.ts';
import { finish, newRun, type EngineContext, type EngineResult, type EngineState } from './engine.types.ts';

export function endDrill(state: EngineState, ctx: EngineContext, drillId: string, by: string, now: number): EngineResult {
  const run = newRun(state, ctx, now);
  // Closed before the rule states go: closing frees the alarm's point in its rule state.
  for (const alarm of state.alarms.values()) {
    if (alarm.drill !== drillId || alarm.state === 'cleared') continue;
    close(run, alarm);
    alarmChanged(run, 'cleared', alarm, by, { key: 'drill_ended', params: {} });
    touchIncident(run, alarm);
  }
  for (const [key, rs] of state.sensors) if (rs.drill === drillId) state.sensors.delete(key);
  return finish(run);
}
