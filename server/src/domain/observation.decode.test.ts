import { describe, expect, it } from 'vitest';
import { ALARM_BEARING_EVENTS, PLAUSIBLE_RANGES, isAlarmBearing } from '../../../contract/index.ts';
import { decodeNativeMessage, fastReading, parseNativeTopic, type DecodeContext } from './observation.decode.ts';
import { testRegistry } from '../../../test/support/registry.fixtures.ts';

const NOW = Date.parse('2026-11-27T10:00:00.000Z');
const ctx: DecodeContext = { registry: testRegistry(), now: NOW, maxAgeMs: 90 * 86_400_000, source: 'mqtt' };
const decode = (topic: string, payload: unknown) => decodeNativeMessage(topic, typeof payload === 'string' ? payload : JSON.stringify(payload), ctx);
const reasonOf = (topic: string, payload: unknown) => {
  try {
    const d = decode(topic, payload);
    return d.rejected.map((r) => r.reason);
  } catch (err) {
    return [(err as { reason: string }).reason];
  }
};

describe('native topics', () => {
  it('splits vigil/<site>/<sensor>/<channel>', () => {
    expect(parseNativeTopic('vigil/hq/KIT-GAS-01/reading')).toEqual({ siteId: 'hq', sensorId: 'KIT-GAS-01', channel: 'reading' });
  });
  it.each([
    'vigil/hq/KIT-GAS-01',
    'vigil/hq/KIT-GAS-01/reading/x',
    'other/hq/s/reading',
    'vigil/hq/KIT GAS/reading',
    'vigil/hq/s/telemetry',
    'vigil//s/reading',
  ])('rejects %s as bad_topic', (topic) => {
    expect(reasonOf(topic, { value: 1, unit: '%LEL' })).toEqual(['bad_topic']);
  });
});

describe('payload shapes (docs/contracts.md#mqtt-topics-native)', () => {
  it('reads a reading with epoch-ms ts', () => {
    const { observations } = decode('vigil/hq/KIT-GAS-01/reading', { ts: NOW - 1000, value: 12.5, unit: '%LEL' });
    expect(observations).toEqual([
      {
        siteId: 'hq',
        sensorId: 'KIT-GAS-01',
        zoneId: 'kitchen',
        kind: 'gas',
        ts: NOW - 1000,
        receivedAt: NOW,
        source: 'mqtt',
        channel: 'reading',
        value: 12.5,
        unit: '%LEL',
      },
    ]);
  });
  it('reads an event with an ISO timestamp and credential', () => {
    const { observations } = decode('vigil/hq/SRV-DOOR-01/event', { ts: '2026-11-27T09:59:00.123Z', type: 'access_denied', credential: 'badge-4411' });
    expect(observations[0]).toMatchObject({ channel: 'event', type: 'access_denied', credential: 'badge-4411', ts: Date.parse('2026-11-27T09:59:00.123Z') });
  });
  it('reads a status (last-will shape) and takes the receive time when ts is missing', () => {
    const { observations } = decode('vigil/lodging/GH-SMK-101/status', { online: false });
    expect(observations[0]).toMatchObject({ channel: 'status', online: false, ts: NOW, receivedAt: NOW });
  });
  it('reads a JSON array, rejecting only its bad items', () => {
    const d = decode('vigil/hq/KIT-GAS-01/reading', [
      { value: 1, unit: '%LEL' },
      { value: 'high', unit: '%LEL' },
      { value: 3, unit: '%LEL' },
    ]);
    expect(d.observations.map((o) => (o.channel === 'reading' ? o.value : null))).toEqual([1, 3]);
    expect(d.rejected).toEqual([{ reason: 'invalid_payload', index: 1, detail: expect.stringContaining('value') }]);
  });
  it('keeps the drill id', () => {
    const { observations } = decode('vigil/hq/KIT-GAS-01/reading', { value: 25, unit: '%LEL', drill: 'drill-7' });
    expect(observations[0]?.drill).toBe('drill-7');
  });
  it('stores readings of unknown sensors as unregistered, never drops them', () => {
    const { observations } = decode('vigil/hq/NEW-DEVICE-9/reading', { value: 3, unit: 'ppm' });
    expect(observations[0]).toMatchObject({ sensorId: 'NEW-DEVICE-9', zoneId: 'unregistered', kind: 'unregistered' });
  });
});

describe('every rejection reason', () => {
  const topic = 'vigil/hq/KIT-GAS-01/reading';
  it.each<[string, unknown, string]>([
    ['oversized', JSON.stringify({ value: 1, unit: '%LEL', pad: 'x'.repeat(17_000) }), 'oversized'],
    ['not JSON', '{value: 1', 'not_json'],
    ['NaN literal', '{"value": NaN, "unit": "%LEL"}', 'not_json'],
    ['Infinity through overflow', '{"value": 1e999, "unit": "%LEL"}', 'invalid_payload'],
    ['value as string', { value: '12', unit: '%LEL' }, 'invalid_payload'],
    ['missing value', { unit: '%LEL' }, 'invalid_payload'],
    ['unknown unit', { value: 1, unit: 'furlongs' }, 'invalid_payload'],
    ['unit of another kind', { value: 1, unit: 'ppm' }, 'unit_mismatch'],
    ['fractional epoch', { ts: 1.5, value: 1, unit: '%LEL' }, 'invalid_payload'],
    ['ISO without zone', { ts: '2026-11-27T10:00:00', value: 1, unit: '%LEL' }, 'invalid_payload'],
    ['a bare number', '42', 'invalid_payload'],
    ['null', 'null', 'invalid_payload'],
    ['empty array', '[]', 'invalid_payload'],
  ])('%s → %s', (_name, payload, reason) => {
    expect(reasonOf(topic, payload)).toEqual([reason]);
  });
  it('too many items in one array', () => {
    expect(
      reasonOf(
        topic,
        Array.from({ length: 1001 }, () => 1),
      ),
    ).toEqual(['too_many_items']);
  });
  it('a registered sensor published under another site', () => {
    expect(reasonOf('vigil/lodging/KIT-GAS-01/reading', { value: 1, unit: '%LEL' })).toEqual(['unknown_site']);
  });
  it('unknown event type and out-of-range status', () => {
    expect(reasonOf('vigil/hq/SRV-DOOR-01/event', { type: 'exploded' })).toEqual(['invalid_payload']);
    expect(reasonOf('vigil/hq/SRV-DOOR-01/status', { battery: 140 })).toEqual(['invalid_payload']);
    expect(reasonOf('vigil/hq/SRV-DOOR-01/status', {})).toEqual(['invalid_payload']);
  });
});

describe('the fast reading path agrees with the zod schema', () => {
  // fastReading may only accept what readingPayloadSchema accepts, with the same values.
  const corpus: unknown[] = [
    { value: 1, unit: '%LEL' },
    { ts: NOW, value: -3.5, unit: 'ppm' },
    { ts: NOW, value: 0, unit: '°C', extra: 'ignored' },
    { ts: 1.5, value: 1, unit: '%LEL' },
    { ts: -1, value: 1, unit: '%LEL' },
    { ts: 2 ** 60, value: 1, unit: '%LEL' },
    { ts: '2026-11-27T10:00:00Z', value: 1, unit: '%LEL' },
    { value: Infinity, unit: '%LEL' },
    { value: NaN, unit: '%LEL' },
    { value: '1', unit: '%LEL' },
    { value: 1, unit: 'LEL' },
    { value: 1 },
    { value: 1, unit: '%LEL', drill: 'd-1' },
    { value: 1, unit: '%LEL', drill: 'bad drill id' },
    null,
    [],
    'text',
  ];
  it.each(corpus.map((c) => [JSON.stringify(c) ?? String(c), c]))('%s', async (_name, item) => {
    const { readingPayloadSchema } = await import('../../../contract/index.ts');
    const fast = fastReading(item);
    const zod = readingPayloadSchema.safeParse(item);
    if (fast) {
      expect(zod.success).toBe(true);
      expect({ ts: fast.ts, value: fast.value, unit: fast.unit }).toEqual({ ts: zod.data!.ts, value: zod.data!.value, unit: zod.data!.unit });
    }
  });
  it('takes the fast path for the common shape', () => {
    expect(fastReading({ ts: NOW, value: 12.5, unit: '%LEL' })).not.toBeNull();
  });
});

describe('device time not believed: kept at the receive time, never rejected (docs/contracts.md#device-time-and-plausibility)', () => {
  const HOUR = 3_600_000;
  it.each<[string, number]>([
    ['an hour ahead (clock on the wrong zone or DST)', NOW + HOUR],
    ['8 hours ahead (UTC+8 local time sent as UTC)', NOW + 8 * HOUR],
    ['6 minutes ahead, just past the skew allowed', NOW + 6 * 60_000],
    ['years old (a controller whose RTC lost its battery)', Date.parse('2019-01-01T00:00:00Z')],
    ['older than the raw retention', NOW - 91 * 86_400_000],
    ['epoch 0', 0],
  ])('%s', (_name, deviceTs) => {
    const d = decode('vigil/hq/KIT-GAS-01/reading', { ts: deviceTs, value: 12, unit: '%LEL' });
    expect(d.rejected).toEqual([]);
    expect(d.observations).toEqual([expect.objectContaining({ ts: NOW, receivedAt: NOW, deviceTs, value: 12 })]);
  });
  it('keeps every alarm-bearing event whatever its time', () => {
    const types = [...ALARM_BEARING_EVENTS];
    expect(types.sort()).toEqual(['forced_open', 'gas', 'leak', 'pre_alarm', 'pump_running', 'smoke', 'tamper', 'unbound_signal', 'valve_closed', 'waterflow']);
    for (const type of types) {
      for (const ts of [NOW + 3 * 3_600_000, NOW - 5 * 365 * 86_400_000, '2031-01-01T00:00:00+08:00']) {
        const d = decode('vigil/hq/SRV-DOOR-01/event', { ts, type });
        expect(d.rejected, `${type} at ${ts}`).toEqual([]);
        expect(d.observations[0]).toMatchObject({ type, ts: NOW, deviceTs: typeof ts === 'number' ? ts : Date.parse(ts) });
      }
    }
  });
  it('counts a reading at or above the low threshold as alarm-bearing, never an implausible one (a broken device flooding 1e300 gets no exemption)', () => {
    const [high] = decode('vigil/hq/KIT-GAS-01/reading', { value: 50, unit: '%LEL' }).observations;
    const [absurd] = decode('vigil/hq/KIT-GAS-01/reading', { value: 1e300, unit: '%LEL' }).observations;
    const [low] = decode('vigil/hq/KIT-GAS-01/reading', { value: 2, unit: '%LEL' }).observations;
    expect([high, absurd, low].map((o) => isAlarmBearing(o!, 10))).toEqual([true, false, false]);
    expect(isAlarmBearing(high!, undefined)).toBe(false);
  });
  it('believes a time within the skew allowed, and one within the retention, and marks neither', () => {
    for (const ts of [NOW + 4 * 60_000, NOW - 89 * 86_400_000]) {
      const [o] = decode('vigil/hq/KIT-GAS-01/reading', { ts, value: 1, unit: '%LEL' }).observations;
      expect(o).toMatchObject({ ts });
      expect(o).not.toHaveProperty('deviceTs');
    }
  });
});

describe('plausible ranges (NAMUR NE 43 margins over each unit span; contract/observation.ts PLAUSIBLE_RANGES)', () => {
  const reading = (sensor: string, value: number, unit: string) => decode(`vigil/hq/${sensor}/reading`, { value, unit }).observations[0];
  it.each<[number, boolean]>([
    [-5, true],
    [1e300, true],
    [-1.3, true],
    [103.2, true],
    [-1.25, false],
    [0, false],
    [100, false],
    [103.125, false],
  ])('%s %%LEL implausible: %s', (value, implausible) => {
    const o = reading('KIT-GAS-01', value, '%LEL');
    expect(o).toMatchObject({ value });
    if (implausible) expect(o).toMatchObject({ implausible: true });
    else expect(o).not.toHaveProperty('implausible');
  });
  it('CO up to 10,000 ppm (with margin) is plausible, beyond is not', () => {
    expect(reading('KIT-CO-01', 9_000, 'ppm')).not.toHaveProperty('implausible');
    expect(reading('KIT-CO-01', 20_000, 'ppm')).toMatchObject({ implausible: true });
    expect(reading('KIT-CO-01', -200, 'ppm')).toMatchObject({ implausible: true });
  });
  it('temperature, humidity and obscuration have their own ranges', () => {
    expect(PLAUSIBLE_RANGES['°C'].min).toBeLessThan(-55);
    expect(reading('NEW-DEVICE-9', 400, '°C')).toMatchObject({ implausible: true });
    expect(reading('NEW-DEVICE-9', 21, '°C')).not.toHaveProperty('implausible');
    expect(reading('NEW-DEVICE-9', 140, '%RH')).toMatchObject({ implausible: true });
    expect(reading('NEW-DEVICE-9', -30, '%obs/m')).toMatchObject({ implausible: true });
  });
});
