/**
 * A sensor's alarms over a chart's range, for marking alarm periods: `GET /api/alarms?sensor=`
 * (with its site and zone too, and the list filtered here again, so a server that ignores the
 * sensor filter still gives the right marks); the live store adds alarms raised since.
 */
import { useEffect, useMemo, useState } from 'react';
import type { Alarm } from '../../../contract/alarm.ts';
import type { Sensor } from '../../../contract/facility.ts';
import { fetchAlarms } from '../api/alarm.api.ts';
import { useLive } from '../live/useLive.ts';

/** An alarm raised this long before the range can still be active inside it. */
const LOOKBACK_MS = 24 * 3_600_000;
const LIMIT = 200;

export function sensorAlarmsQuery(sensor: Pick<Sensor, 'id' | 'siteId' | 'zoneId'>, from: number, to: number): URLSearchParams {
  return new URLSearchParams({
    site: sensor.siteId,
    zone: sensor.zoneId,
    sensor: sensor.id,
    from: String(Math.round(from - LOOKBACK_MS)),
    to: String(Math.round(to)),
    limit: String(LIMIT),
  });
}

/** `from`/`to` are the range as chosen; a live tail moving `to` does not refetch. */
export function useSensorAlarms(sensor: Sensor, from: number, to: number, enabled = true): Alarm[] {
  const [stored, setStored] = useState<Alarm[]>([]);
  const liveAlarms = useLive((s) => s.alarms);
  const key = `${sensor.id}|${Math.round(from / 60_000)}`;

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    fetchAlarms(sensorAlarmsQuery(sensor, from, to), controller.signal).then(
      (res) => setStored(res.alarms.filter((a) => a.sensorId === sensor.id)),
      () => {
        // Marks are an aid: without the list, the live alarms still show.
      },
    );
    return () => controller.abort();
    // Keyed on the sensor and the range start only: a live tail moving `to` must not refetch.
  }, [key, enabled]);

  return useMemo(() => {
    const live = [...liveAlarms.values()].filter((a) => a.sensorId === sensor.id);
    return [...stored, ...live];
  }, [stored, liveAlarms, sensor.id]);
}
