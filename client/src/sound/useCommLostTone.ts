/**
 * Wires the live link to the comm-lost tone (comm.tone.ts), with its own silence control: silencing
 * it holds for this outage only, and the alarm sound's mute does not touch it (a muted console must
 * still say that it has gone deaf).
 */
import { useCallback, useEffect, useState } from 'react';
import { COMM_LOST, COMM_LOST_PATTERN, commToneSounding } from './comm.tone.ts';
import { useSoundPlayer } from './useSoundPlayer.ts';

/** What the tone is doing, for the screen (and for tests, where headless audio cannot be heard). */
export type CommToneState = 'off' | 'playing' | 'blocked' | 'unsupported' | 'silenced';

export interface CommLostTone {
  state: CommToneState;
  handleSilence: () => void;
  handleEnable: () => void;
}

/** `lostSince`: when the live link was lost, null while it is up (the live store's). */
export function useCommLostTone(lostSince: number | null): CommLostTone {
  const { player, state: audio } = useSoundPlayer();
  const [silencedOutage, setSilencedOutage] = useState<number | null>(null);

  const sounding = commToneSounding(lostSince, silencedOutage);
  useEffect(() => player?.playPattern(sounding ? COMM_LOST : null, COMM_LOST_PATTERN), [player, sounding]);

  const handleSilence = useCallback(() => setSilencedOutage(lostSince), [lostSince]);
  const handleEnable = useCallback(() => void player?.unlock(), [player]);

  let state: CommToneState;
  if (lostSince === null) state = 'off';
  else if (!sounding) state = 'silenced';
  else state = audio === 'running' ? 'playing' : audio;
  return { state, handleSilence, handleEnable };
}
