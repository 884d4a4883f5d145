/**
 * Officer actions on alarms and incidents: acknowledge, comment, assign,
 * shelve / unshelve, reset, resolve, tick a procedure step. Each is recorded with who and when — the audit trail is the
 * record. An action is checked in full before anything changes: a refused action changes nothing.
 */
import type { Alarm, AlarmAction } from '../../../../contract/index.ts';
import { isLifeSafety } from '../../../../contract/life-safety.ts';
import { AlarmActionError } from './alarm.errors.ts';
import { alarmChanged, incidentChanged } from './events.ts';
import { summarise } from './flood.ts';
import { acknowledge, close, resetLatched } from './lifecycle.ts';
import { shelve, unshelve } from './shelving.ts';
import { finish, newRun, type ActionLimits, type EngineContext, type EngineResult, type EngineState, type Run } from './engine.types.ts';

const fail = (code: AlarmActionError['code'], message: string): AlarmActionError => new AlarmActionError(code, message);

/** Apply one action to one alarm within a run; the error when refused (nothing changed then). */
function act(run: Run, alarm: Alarm, action: AlarmAction, actor: string, limits: ActionLimits): AlarmActionError | null {
  switch (action.type) {
    case 'ack':
      // ISA-18.2: acknowledging a rtn_unacked alarm closes it; an acked one has nothing to acknowledge.
      if (!acknowledge(run, alarm, actor, action.note ?? null)) return fail('INVALID_TRANSITION', `alarm ${alarm.id} is already acknowledged`);
      return null;
    case 'comment': {
      const text = action.text.trim();
      if (text === '') return fail('REASON_REQUIRED', 'a comment needs text');
      alarmChanged(run, 'commented', alarm, actor, text);
      return null;
    }
    case 'assign': {
      const to = action.to.trim();
      if (to === '') return fail('REASON_REQUIRED', 'an assignee is required');
      alarm.assignedTo = to;
      alarmChanged(run, 'assigned', alarm, actor, null, { assignee: to });
      return null;
    }
    case 'shelve': {
      const reason = action.reason.trim();
      if (alarm.state === 'cleared') return fail('INVALID_TRANSITION', `alarm ${alarm.id} is closed`);
      if (reason === '') return fail('REASON_REQUIRED', 'shelving needs a reason');
      if (!(action.durationS > 0) || action.durationS > limits.maxShelveS) {
        return fail('SHELVE_TOO_LONG', `shelve for 1 to ${limits.maxShelveS} s (asked ${action.durationS} s)`);
      }
      shelve(run, alarm, action.durationS, reason, actor);
      return null;
    }
    case 'unshelve':
      if (alarm.shelved === null) return fail('INVALID_TRANSITION', `alarm ${alarm.id} is not shelved`);
      unshelve(run, alarm, actor, action.note ?? null);
      return null;
    case 'reset':
      if (!alarm.latching) return fail('INVALID_TRANSITION', 'only latching alarms are reset');
      if (alarm.state === 'active_unacked') return fail('INVALID_TRANSITION', 'acknowledge before reset');
      if (alarm.state !== 'active_acked') return fail('INVALID_TRANSITION', `alarm ${alarm.id} is already closed`);
      if (alarm.conditionActive) return fail('CONDITION_ACTIVE', 'the condition is still present: reset when it has returned to normal');
      resetLatched(run, alarm, actor, action.note ?? null);
      return null;
    case 'resolve': {
      const cause = action.cause.trim();
      const correctiveAction = action.correctiveAction.trim();
      if (cause === '' || correctiveAction === '') return fail('REASON_REQUIRED', 'resolving needs a cause and a corrective action');
      if (alarm.resolution !== null) return fail('INVALID_TRANSITION', `alarm ${alarm.id} is already resolved`);
      if (alarm.conditionActive) return fail('CONDITION_ACTIVE', 'the condition is still present');
      // Resolving closes the loop: whatever acknowledgement or reset is missing is done, and recorded.
      if (alarm.state === 'active_unacked' || alarm.state === 'cleared_unacked') acknowledge(run, alarm, actor, 'acknowledged on resolve');
      if (alarm.state === 'active_acked') {
        if (alarm.latching) resetLatched(run, alarm, actor, 'reset on resolve');
        else close(run, alarm);
      }
      alarm.resolution = { causeCategory: action.causeCategory, cause, correctiveAction, by: actor, at: run.now };
      alarmChanged(run, 'resolved', alarm, actor, cause);
      return null;
    }
    case 'sop_step': {
      const text = alarm.sop[action.step];
      if (text === undefined) return fail('NOT_FOUND', `alarm ${alarm.id} has no procedure step ${action.step + 1}`);
      // The tick is only an event: the history is the record of who did which step when, and the
      // pane derives the ticks from it. The step's text goes along, as the procedure may change later.
      const zh = run.ctx.registry.facility.sopsZh?.[alarm.sopKey];
      const textZh = zh?.length === alarm.sop.length ? zh[action.step] : undefined;
      const note = { key: 'sop_step', params: { step: action.step + 1, text, ...(textZh !== undefined && { textZh }) } } as const;
      alarmChanged(run, 'sop_step', alarm, actor, note, { step: action.step, done: action.done });
      return null;
    }
    default:
      return action satisfies never;
  }
}

/**
 * Apply an officer's action to an alarm. `limits` are the acting user's role limits (maximum
 * shelving time). Returns the error, with `code`, when the action is refused.
 */
export function applyAction(
  state: EngineState,
  ctx: EngineContext,
  alarmId: string,
  action: AlarmAction,
  actor: string,
  limits: ActionLimits,
  now: number,
): EngineResult | AlarmActionError {
  const alarm = state.alarms.get(alarmId);
  if (alarm === undefined) return fail('NOT_FOUND', `no alarm ${alarmId}`);
  const run = newRun(state, ctx, now);
  return act(run, alarm, action, actor, limits) ?? finish(run);
}

/**
 * Apply an action to an incident (flood group): acknowledging it acknowledges every member but a
 * life-safety one, which the officer acknowledges on its own (contract/life-safety.ts);
 * shelve, unshelve, reset and resolve apply to each member for which they are valid.
 */
export function applyIncidentAction(
  state: EngineState,
  ctx: EngineContext,
  incidentId: string,
  action: AlarmAction,
  actor: string,
  limits: ActionLimits,
  now: number,
): EngineResult | AlarmActionError {
  const incident = state.incidents.get(incidentId);
  if (incident === undefined) return fail('NOT_FOUND', `no incident ${incidentId}`);
  const run = newRun(state, ctx, now);
  run.quietIncident = incident.id; // one incident event at the end, not one per member
  const members = incident.alarmIds.map((id) => state.alarms.get(id)).filter((a): a is Alarm => a !== undefined);
  switch (action.type) {
    case 'ack': {
      let acked = 0;
      // A life-safety member (the fire and its water flow) is acknowledged on its own row only.
      for (const alarm of members)
        if (!isLifeSafety(alarm) && acknowledge(run, alarm, actor, action.note ?? `acknowledged with incident ${incident.id}`)) acked += 1;
      if (acked === 0) return fail('INVALID_TRANSITION', `incident ${incident.id} has nothing to acknowledge`);
      incident.ackedAt = run.now;
      incident.ackedBy = actor;
      summarise(run, incident);
      incidentChanged(run, 'incident_acked', incident, actor, action.note ?? null);
      return finish(run);
    }
    case 'comment': {
      const text = action.text.trim();
      if (text === '') return fail('REASON_REQUIRED', 'a comment needs text');
      incidentChanged(run, 'incident_commented', incident, actor, text);
      return finish(run);
    }
    case 'assign': {
      const to = action.to.trim();
      if (to === '') return fail('REASON_REQUIRED', 'an assignee is required');
      incident.assignedTo = to;
      for (const alarm of members) if (alarm.state !== 'cleared') act(run, alarm, action, actor, limits);
      incidentChanged(run, 'incident_assigned', incident, actor, null, to);
      return finish(run);
    }
    case 'sop_step':
      // Each member has its own procedure: a step is ticked on the alarm it belongs to.
      return fail('INVALID_TRANSITION', `tick procedure steps on the alarms of incident ${incident.id}`);
    case 'shelve':
    case 'unshelve':
    case 'reset':
    case 'resolve': {
      let applied = 0;
      let refused: AlarmActionError | null = null;
      for (const alarm of members) {
        const error = act(run, alarm, action, actor, limits);
        if (error === null) applied += 1;
        else refused ??= error;
      }
      if (applied === 0) return refused ?? fail('INVALID_TRANSITION', `incident ${incident.id} has no alarm to ${action.type}`);
      summarise(run, incident);
      incidentChanged(run, 'incident_updated', incident, actor, {
        key: 'incident_bulk',
        params: { action: action.type, applied, total: members.length },
      });
      return finish(run);
    }
    default:
      return action satisfies never;
  }
}
