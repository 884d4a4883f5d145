/** Sends alarm actions one at a time and remembers how the last one went (the server's words on refusal). */
import { useCallback, useState } from 'react';
import type { AlarmAction, AlarmActionType } from '../../../contract/alarm-actions.ts';
import type { ResolveWithFollowUpResponse } from '../../../contract/actions.ts';
import type { ResolveFollowUpDraft } from '../api/actions.api.ts';
import { postAlarmAction } from '../api/alarm.api.ts';
import { messageOf } from '../api/api.client.ts';

export type ActionStatus =
  | { kind: 'idle' }
  | { kind: 'pending'; action: AlarmActionType }
  | { kind: 'failed'; action: AlarmActionType; message: string }
  | { kind: 'done'; action: AlarmActionType };

export interface ActionRunner {
  status: ActionStatus;
  /** The server's answer, or false when refused (the reason is in `status`). */
  run: (action: AlarmAction, followUp?: ResolveFollowUpDraft) => Promise<ResolveWithFollowUpResponse | false>;
}

export function useActionRunner(alarmId: string, onDone: () => void): ActionRunner {
  const [status, setStatus] = useState<ActionStatus>({ kind: 'idle' });
  const run = useCallback(
    async (action: AlarmAction, followUp?: ResolveFollowUpDraft): Promise<ResolveWithFollowUpResponse | false> => {
      setStatus({ kind: 'pending', action: action.type });
      try {
        const answer = await postAlarmAction(alarmId, action, followUp);
        setStatus({ kind: 'done', action: action.type });
        onDone();
        return answer;
      } catch (err) {
        setStatus({ kind: 'failed', action: action.type, message: messageOf(err) });
        return false;
      }
    },
    [alarmId, onDone],
  );
  return { status, run };
}
