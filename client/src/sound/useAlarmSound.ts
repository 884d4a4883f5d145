/**
 * Wires the live alarms to the sound player, with the officer's mute (kept across a reload), and
 * chimes once when an out-of-service period nears its end (oos.reminder.ts).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Priority } from '../../../contract/alarm.ts';
import { useNow } from '../hooks/useNow.ts';
import { useLive } from '../live/useLive.ts';
import type { SoundState } from './alarm.sound.ts';
import { OOS_REMINDER_PATTERN, endingSoon, reminderSounds } from './oos.reminder.ts';
import { soundingPriority, soundingSignal, type Mute } from './sound.patterns.ts';
import { useSoundPlayer } from './useSoundPlayer.ts';

const MUTE_KEY = 'vigil.soundMute';

export interface AlarmSoundControls {
  state: SoundState;
  /** What would sound now (null: nothing), whether or not the browser lets it. */
  priority: Priority | null;
  mute: Mute | null;
  handleMute: (minutes: number) => void;
  handleUnmute: () => void;
  handleEnable: () => void;
}

function loadMute(): Mute | null {
  try {
    const saved = JSON.parse(localStorage.getItem(MUTE_KEY) ?? 'null') as Mute | null;
    return saved && typeof saved.until === 'number' && typeof saved.since === 'number' && saved.until > Date.now() ? saved : null;
  } catch {
    return null;
  }
}

function saveMute(mute: Mute | null): void {
  try {
    if (mute) localStorage.setItem(MUTE_KEY, JSON.stringify(mute));
    else localStorage.removeItem(MUTE_KEY);
  } catch {
    // Not remembered across a reload; the mute still holds in this page.
  }
}

export function useAlarmSound(): AlarmSoundControls {
  const alarms = useLive((s) => s.alarms);
  const now = useNow();
  const [mute, setMute] = useState<Mute | null>(loadMute);
  const { player, state } = useSoundPlayer();

  const activeMute = mute && now < mute.until ? mute : null;
  const priority = useMemo(() => soundingPriority(alarms.values(), activeMute, now), [alarms, activeMute, now]);
  const signal = useMemo(() => soundingSignal(alarms.values(), activeMute, now), [alarms, activeMute, now]);
  useEffect(() => player?.playPattern(signal?.name ?? null, signal?.pattern ?? null), [player, signal?.name, signal?.pattern]);

  // Null until the console first synced: what is near then was announced before this page.
  const synced = useLive((s) => s.synced);
  const sensors = useLive((s) => s.sensors);
  const announced = useRef<ReadonlySet<string> | null>(null);
  const soon = useMemo(() => endingSoon(sensors.values(), now), [sensors, now]);
  useEffect(() => {
    if (!synced || player === null) return;
    if (reminderSounds(soon, announced.current, activeMute, Date.now())) player.playOnce(OOS_REMINDER_PATTERN);
    announced.current = soon;
  }, [player, synced, soon, activeMute]);

  const handleMute = useCallback((minutes: number) => {
    const at = Date.now();
    const next = { since: at, until: at + minutes * 60_000 };
    saveMute(next);
    setMute(next);
  }, []);
  const handleUnmute = useCallback(() => {
    saveMute(null);
    setMute(null);
  }, []);
  const handleEnable = useCallback(() => void player?.unlock(), [player]);

  return { state, priority, mute: activeMute, handleMute, handleUnmute, handleEnable };
}
