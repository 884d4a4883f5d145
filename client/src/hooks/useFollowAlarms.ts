import { useCallback, useEffect, useRef, useState } from 'react';
import type { Alarm } from '../../../contract/alarm.ts';
import { alarmToFollow, followAction, knownAlarms, type KnownAlarms } from '../domain/follow.ts';
import { useLive } from '../live/useLive.ts';

export interface FollowState {
  /** The sensor the plan went to for a new alarm: drawn highlighted until that alarm is acknowledged or closes. */
  highlightId: string | null;
  /** A new alarm the plan did not go to because the officer was busy: "Go to" offered. */
  prompt: Alarm | null;
  acceptPrompt: () => void;
  dismissPrompt: () => void;
}

/**
 * Moves the plan to each new alarm of the highest priority present, and to each alarm that rises
 * to it (`goTo`), or, when the
 * officer used the console in the last 30 s, offers to. Alarms already open when the console
 * first synced are not new: the plan does not jump on sign-in.
 */
export function useFollowAlarms(enabled: boolean, placed: (sensorId: string) => boolean, goTo: (alarm: Alarm) => void): FollowState {
  const alarms = useLive((s) => s.alarms);
  const synced = useLive((s) => s.synced);
  const [highlight, setHighlight] = useState<Alarm | null>(null);
  const [prompt, setPrompt] = useState<Alarm | null>(null);
  const known = useRef<KnownAlarms | null>(null);
  const lastInteraction = useRef<number | null>(null);
  // The latest callbacks and setting without re-running the effect that watches alarms.
  const latest = useRef({ enabled, placed, goTo });
  latest.current = { enabled, placed, goTo };

  useEffect(() => {
    const note = (): void => {
      lastInteraction.current = Date.now();
    };
    const options = { capture: true, passive: true } as const;
    for (const type of ['pointerdown', 'keydown', 'wheel'] as const) window.addEventListener(type, note, options);
    return () => {
      for (const type of ['pointerdown', 'keydown', 'wheel'] as const) window.removeEventListener(type, note, options);
    };
  }, []);

  useEffect(() => {
    if (known.current === null) {
      if (synced) known.current = knownAlarms(alarms.values());
      return;
    }
    const pick = alarmToFollow(known.current, alarms.values(), latest.current.placed);
    known.current = knownAlarms(alarms.values());
    if (pick === null) return;
    switch (followAction(latest.current.enabled, Date.now(), lastInteraction.current)) {
      case 'go':
        latest.current.goTo(pick);
        setHighlight(pick);
        setPrompt(null);
        break;
      case 'prompt':
        setPrompt(pick);
        break;
      case 'none':
        break;
    }
  }, [alarms, synced]);

  // A prompt for an alarm that has closed has nothing left to point at.
  const promptOpen = prompt !== null && alarms.has(prompt.id);
  // The ring says "this one is new": once acknowledged, the officer has it.
  const highlighted = highlight === null ? undefined : alarms.get(highlight.id);
  const highlightOn = highlighted !== undefined && (highlighted.state === 'active_unacked' || highlighted.state === 'cleared_unacked');

  const acceptPrompt = useCallback(() => {
    if (prompt === null) return;
    latest.current.goTo(prompt);
    setHighlight(prompt);
    setPrompt(null);
  }, [prompt]);
  const dismissPrompt = useCallback(() => setPrompt(null), []);

  return { highlightId: highlightOn ? highlighted.sensorId : null, prompt: promptOpen ? (alarms.get(prompt.id) ?? prompt) : null, acceptPrompt, dismissPrompt };
}
