/** The page's sound player and what the browser lets it do, shared by the alarm sound and the comm-lost tone. */
import { useEffect, useState, useSyncExternalStore } from 'react';
import { AlarmSound, browserAudio, type SoundState } from './alarm.sound.ts';

const noSubscribe = (): (() => void) => () => {};

/**
 * A player made at once, not when it must first sound: the browser lets audio start only after a
 * user gesture, so any click on the page before then is what may lift its block.
 */
export function useSoundPlayer(): { player: AlarmSound | null; state: SoundState } {
  const [player, setPlayer] = useState<AlarmSound | null>(null);

  useEffect(() => {
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

  const state = useSyncExternalStore(
    player ? (l) => player.subscribe(l) : noSubscribe,
    () => player?.state ?? 'running',
    () => 'running' as const,
  );
  return { player, state };
}
