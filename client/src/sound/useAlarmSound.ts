/** Wires the live alarms to the sound player, with the officer's mute (kept across a reload). */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Priority } from '../../../contract/alarm.ts';
import { useNow } from '../hooks/useNow.ts';
import { useLive } from '../live/useLive.ts';
import type { SoundState } from './alarm.sound.ts';
import { soundingPriority, type Mute } from './sound.patterns.ts';
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
  useEffect(() => player?.play(priority), [player, priority]);

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
