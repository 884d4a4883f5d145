/**
 * The kinds of device an alarm can be about, without zod: the dashboard imports them from here, so
 * that its bundle holds none of the schemas of facility.ts, gateway.ts and camera.ts, which
 * re-export them.
 */

/**
 * Sprinkler supervision (docs/contracts.md#sprinkler-supervision): `waterflow` is a riser's flow
 * switch, `valve` a control valve's supervisory switch, `pump` a fire pump controller, `pressure`
 * the riser's water pressure in bar.
 */
export const SENSOR_KINDS = ['gas', 'co', 'smoke', 'door', 'leak', 'waterflow', 'valve', 'pump', 'pressure'] as const;
export type SensorKind = (typeof SENSOR_KINDS)[number];

/** `Alarm.sensorKind` of a gateway's own alarm (its `sensorId` is the gateway's id). */
export const GATEWAY_KIND = 'gateway';

/** The `sensorKind` of a camera's own trouble alarm (`camera_offline`). */
export const CAMERA_KIND = 'camera';
