import { describe, expect, it, vi } from 'vitest';
import { AlarmSound, type AudioLike } from './alarm.sound.ts';
import { COMM_LOST, COMM_LOST_PATTERN } from './comm.tone.ts';
import { OOS_REMINDER_PATTERN } from './oos.reminder.ts';

interface Started {
  at: number;
  freq: number;
  wave: string;
}

function fakeAudio(initial: 'running' | 'suspended', clockMs: () => number) {
  const started: Started[] = [];
  const listeners: (() => void)[] = [];
  const param = () => ({ value: 0, setValueAtTime: vi.fn(), linearRampToValueAtTime: vi.fn() });
  const ctx = {
    state: initial as string,
    get currentTime() {
      // The audio clock runs with the page clock, 10 s apart.
      return 10 + clockMs() / 1000;
    },
    destination: {} as AudioNode,
    resume: vi.fn(async () => {
      ctx.state = 'running';
      listeners.forEach((l) => l());
    }),
    close: vi.fn(async () => {}),
    createOscillator: () => {
      const osc = {
        type: 'sine',
        frequency: param(),
        connect: vi.fn(),
        start: (at: number) => started.push({ at, freq: osc.frequency.value, wave: osc.type }),
        stop: vi.fn(),
      };
      return osc as unknown as OscillatorNode;
    },
    createGain: () => ({ gain: param(), connect: vi.fn() }) as unknown as GainNode,
    addEventListener: (_: 'statechange', l: () => void) => listeners.push(l),
  };
  return { ctx: ctx as AudioLike & { state: string }, started };
}

function setup(initial: 'running' | 'suspended' = 'running') {
  let now = 0;
  const audio = fakeAudio(initial, () => now);
  let tick: (() => void) | null = null;
  const sound = new AlarmSound({
    createContext: () => audio.ctx,
    now: () => now,
    setInterval: (fn) => ((tick = fn), 1),
    clearInterval: () => (tick = null),
  });
  const advance = (ms: number): void => {
    for (let t = 0; t < ms; t += 200) {
      now += 200;
      tick?.();
    }
  };
  return { sound, audio, advance, isTicking: () => tick !== null };
}

describe('alarm sound player (Web Audio)', () => {
  it('puts the critical two-tone on the audio clock, once per tone, cycle after cycle', () => {
    const { sound, audio, advance } = setup();
    sound.play('critical');
    advance(2_400);
    const offsets = audio.started.map((s) => Math.round((s.at - 10) * 1000));
    expect(offsets.slice(0, 8)).toEqual([0, 250, 500, 750, 1_200, 1_450, 1_700, 1_950]);
    expect(new Set(offsets).size).toBe(offsets.length);
    expect(audio.started.slice(0, 2).map((s) => s.freq)).toEqual([1_050, 770]);
    expect(audio.started[0]?.wave).toBe('square');
  });
  it('stops when nothing needs sounding, and plays nothing for low priority', () => {
    const { sound, audio, advance, isTicking } = setup();
    sound.play('high');
    sound.play(null);
    expect(isTicking()).toBe(false);
    sound.play('low');
    advance(5_000);
    expect(audio.started.length).toBeLessThanOrEqual(2);
  });
  it('reports a browser block, queues nothing meanwhile, and plays after unlock', async () => {
    const { sound, audio, advance } = setup('suspended');
    const changed = vi.fn();
    sound.subscribe(changed);
    expect(sound.state).toBe('blocked');
    sound.play('medium');
    advance(1_000);
    expect(audio.started).toHaveLength(0);
    await sound.unlock();
    expect(sound.state).toBe('running');
    expect(changed).toHaveBeenCalled();
    advance(10_000);
    expect(audio.started.length).toBeGreaterThanOrEqual(1);
  });
  it('plays the comm-lost tone by name, in its own waveform, until told to stop', () => {
    const { sound, audio, advance, isTicking } = setup();
    sound.playPattern(COMM_LOST, COMM_LOST_PATTERN);
    advance(6_000);
    const offsets = audio.started.map((s) => Math.round((s.at - 10) * 1000));
    expect(offsets.slice(0, 4)).toEqual([0, 350, 3_000, 3_350]);
    expect(new Set(audio.started.map((s) => s.wave))).toEqual(new Set(['sawtooth']));
    // The same name again keeps its rhythm: nothing restarts, nothing doubles.
    sound.playPattern(COMM_LOST, COMM_LOST_PATTERN);
    advance(400);
    expect(new Set(audio.started.map((s) => Math.round((s.at - 10) * 1000))).size).toBe(audio.started.length);
    sound.playPattern(null, null);
    expect(isTicking()).toBe(false);
  });
  it('plays a reminder once, over the alarm pattern and without stopping it; nothing while blocked', () => {
    const { sound, audio, advance, isTicking } = setup();
    sound.play('critical');
    const before = audio.started.length;
    sound.playOnce(OOS_REMINDER_PATTERN);
    expect(audio.started.slice(before).map((s) => [Math.round((s.at - 10) * 1000), s.freq, s.wave])).toEqual([
      [0, 1_320, 'sine'],
      [240, 990, 'sine'],
    ]);
    expect(isTicking()).toBe(true);
    advance(3_000);
    expect(audio.started.filter((s) => s.wave === 'sine')).toHaveLength(2);
    const blocked = setup('suspended');
    blocked.sound.playOnce(OOS_REMINDER_PATTERN);
    expect(blocked.audio.started).toHaveLength(0);
  });
  it('says so when the browser has no Web Audio', () => {
    const sound = new AlarmSound({ createContext: () => null, now: () => 0, setInterval: () => 1, clearInterval: () => {} });
    expect(sound.state).toBe('unsupported');
    sound.play('critical');
  });
});
