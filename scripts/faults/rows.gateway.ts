import mqtt from 'mqtt';
import { eventually } from '../../test/support/vigil.ts';
import { GATEWAY_ID, Z2M_BASE, Z2M_DEVICES } from './facility.ts';
import { pointsOf } from './points.ts';
import { row, type Row } from './report.ts';
import { alarms, alarmsSince, rssTracker, type Stack } from './stack.ts';

// Row 7: a Zigbee2MQTT gateway's start-up traffic

export async function gateway(s: Stack): Promise<Row> {
  const rss = rssTracker(s);
  const alarmsBefore = (await alarms(s)).total;
  const t0 = Date.now();
  const notes: string[] = [];
  // The gateway's own credential, as an installer gets it: user name and client id are its id.
  const gw = await s.vigil.cli(['gateway', 'add', GATEWAY_ID]);
  const field = (name: string): string | undefined => new RegExp(`^${name}: (\\S+)$`, 'm').exec(gw.stdout)?.[1];
  const [username, clientId, password] = [field('username'), field('client id'), field('password')];
  if (gw.code !== 0 || !username || !clientId || !password) throw new Error(`vigil gateway add ${GATEWAY_ID} failed (${gw.code}): ${gw.stderr || gw.stdout}`);
  const client = await mqtt.connectAsync(s.broker.url, { username, password, clientId, reconnectPeriod: 0, connectTimeout: 5000, protocolVersion: 4 });
  let closes = 0;
  client.on('close', () => closes++);
  const base = Z2M_BASE;
  const sequence: [string, string, boolean][] = [
    [`${base}/bridge/state`, JSON.stringify({ state: 'online' }), true],
    [
      `${base}/bridge/info`,
      JSON.stringify({
        version: '1.40.2',
        commit: 'abc1234',
        coordinator: { type: 'zStack3x0', meta: { revision: 20230507 } },
        network: { channel: 11, pan_id: 6754 },
        log_level: 'info',
        permit_join: false,
      }),
      true,
    ],
    [
      `homeassistant/binary_sensor/0x00158d0001a2b3c4/smoke/config`,
      JSON.stringify({
        name: 'Hall smoke',
        state_topic: `${base}/Hall smoke`,
        device_class: 'smoke',
        value_template: '{{ value_json.smoke }}',
        payload_on: true,
        payload_off: false,
        unique_id: '0x00158d0001a2b3c4_smoke_zigbee2mqtt',
        device: { identifiers: ['zigbee2mqtt_0x00158d0001a2b3c4'], name: 'Hall smoke' },
      }),
      true,
    ],
    [
      `homeassistant/binary_sensor/0x00158d0001a2b3c5/contact/config`,
      JSON.stringify({
        name: 'Hall door',
        state_topic: `${base}/Hall door`,
        device_class: 'door',
        value_template: '{{ value_json.contact }}',
        payload_on: false,
        payload_off: true,
        unique_id: '0x00158d0001a2b3c5_contact_zigbee2mqtt',
      }),
      true,
    ],
    [`${base}/Garage climate`, JSON.stringify({ temperature: 18.4, humidity: 52, battery: 87, linkquality: 96 }), false],
    [`${base}/Hall door`, JSON.stringify({ contact: true, battery: 91, linkquality: 120, tamper: false, battery_low: false }), false],
    [`${base}/Hall smoke`, JSON.stringify({ smoke: false, battery: 100, linkquality: 84, tamper: false, battery_low: false, test: false }), false],
  ];
  let acked = 0;
  for (const [topic, payload, retain] of sequence) {
    await client.publishAsync(topic, payload, { qos: 1, retain });
    acked++;
  }
  const points = async (sensor: string): Promise<number> =>
    (await pointsOf(s, 'event', sensor, t0)) + (await pointsOf(s, 'status', sensor, t0)) + (await pointsOf(s, 'reading', sensor, t0));
  const bound = Object.keys(Z2M_DEVICES);
  const storedDevices = await eventually(
    async () => {
      const counts = await Promise.all(bound.map(points));
      return counts.every((c) => c > 0) ? counts : undefined;
    },
    10_000,
    'both bound devices stored',
  ).catch(async () => Promise.all(bound.map(points)));
  const raised = await alarmsSince(s, alarmsBefore, null, 0);
  const stillConnected = client.connected && closes === 0;
  await client.endAsync();
  const stored = storedDevices.filter((c) => c > 0).length;
  const checks = [
    { what: 'the gateway stayed connected', ok: stillConnected },
    {
      what: `its bound devices are stored (${stored} of ${bound.length}: ${bound.map((b, i) => `${b} ${storedDevices[i]} points`).join(', ')})`,
      ok: stored === bound.length,
    },
  ];
  notes.push(
    `${username} signed in with its \`vigil gateway add\` credential; ${acked} messages acknowledged: bridge state and info, 2 discovery configs, an unbound device, then the 2 bound devices' states`,
  );
  const r = row(7, 'Zigbee2MQTT gateway: bridge, discovery, unbound device, then bound devices', null, raised, 0, null, rss.stop(), checks, notes);
  r.published = bound.length;
  r.stored = stored;
  r.lost = bound.length - stored;
  r.pass &&= r.lost === 0;
  return r;
}
