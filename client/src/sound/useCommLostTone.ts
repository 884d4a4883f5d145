/**
 * Wires the live link to the comm-lost tone (comm.tone.ts), with its own silence control: silencing
 * it holds for this outage only, and the alarm sound's mute does not touch it (a muted console must
 * still say that it has gone deaf).
 */
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { AlarmSound, browserAudio } from './alarm.sound.ts';
import { COMM_LOST, COMM_LOST_PATTERN, commToneSounding } from './comm.tone.ts';

/** What the tone is doing, for the screen (and for tests, where headless audio cannot be heard). */
export type CommToneState = 'off' | 'playing' | 'blocked' | 'unsupported' | 'silenced';

export interface CommLostTone {
  state: CommToneState;
  handleSilence: () => void;
  handleEnable: () => void;
}

const noSubscribe = (): (() => void) => () => {};

/** `lostSince`: when the live link was lost, null while it is up (the live store's). */
export function useCommLostTone(lostSince: number | null): CommLostTone {
  const [player, setPlayer] = useState<AlarmSound | null>(null);
  const [silencedOutage, setSilencedOutage] = useState<number | null>(null);

  useEffect(() => {
    // Made at once, not at the loss: the browser lets audio start only after a user gesture, and
    // the page's clicks before the loss are what allow it then.
    const sound = new AlarmSound({
      createContext: browserAudio,
      now: () => performance.now(),
      setInterval: (fn, ms) => setInterval(fn, ms),
      clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
    });
    setPlayer(sound);
    const handlePointerDown = (): void => {
      if (sound.state === 'blocked') void sound.unlock();
    };
    window.addEventListener('pointerdown', handlePointerDown);
    return () => {
      window.removeEventListener('pointerdown', handlePointerDown);
      sound.dispose();
    };
  }, []);

  const sounding = commToneSounding(lostSince, silencedOutage);
  useEffect(() => player?.playPattern(sounding ? COMM_LOST : null, COMM_LOST_PATTERN), [player, sounding]);

  const audio = useSyncExternalStore(
    player ? (l) => player.subscribe(l) : noSubscribe,
    () => player?.state ?? 'running',
    () => 'running' as const,
  );

  const handleSilence = useCallback(() => setSilencedOutage(lostSince), [lostSince]);
  const handleEnable = useCallback(() => void player?.unlock(), [player]);

  let state: CommToneState;
  if (lostSince === null) state = 'off';
  else if (!sounding) state = 'silenced';
  else state = audio === 'running' ? 'playing' : audio;
  return { state, handleSilence, handleEnable };
}
