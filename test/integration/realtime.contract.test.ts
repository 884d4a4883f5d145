// One realtime contract, two servers: the real Vigil (alarms raised by MQTT readings through a real
// Mosquitto) and the stand-in the browser tests use (test/e2e/fake.vigil.ts). The suite itself is
// test/support/realtime.contract.ts; what it protects is docs/contracts.md#realtime-socketio and
// docs/architecture.md#realtime (snapshot, ordered events, resync, recovery).
import path from 'node:path';
import mqtt from 'mqtt';
import type { Alarm } from '../../contract/index.ts';
import { makeAlarms, startFakeVigil } from '../e2e/fake.vigil.ts';
import { describeRealtimeContract } from '../support/realtime.contract.ts';
import { startInflux, startMosquitto, stopAllServices } from '../support/services.ts';
import { startVigil } from '../support/vigil.ts';

const FACILITY = path.resolve('test/fixtures/facility.yaml');

describeRealtimeContract('the real server', async () => {
  const [broker, influx] = await Promise.all([startMosquitto(), startInflux()]);
  const vigil = await startVigil({ mqttUrl: broker.url, influxUrl: influx.url, influxDb: 'vigil_realtime_contract', env: { FACILITY_FILE: FACILITY } });
  await vigil.addUser('officer1', 'officer');
  const cookie = await vigil.login('officer1');
  const device = await mqtt.connectAsync(broker.url, { clientId: 'realtime-contract', clean: true, reconnectPeriod: 0 });
  let n = 0;
  return {
    url: vigil.url,
    // As the dashboard's browser: the session cookie and its own origin (Vigil refuses a signed-in state change from no or another origin).
    headers: { cookie, origin: vigil.url },
    actor: 'officer1',
    // A smoke event of a registered detector in a drill of its own: drill traffic runs on its own
    // rule state per drill, so a fresh alarm on every call, each a real event through Mosquitto
    // and ingest. (Unregistered devices no longer do: a site has one unknown-device alarm.)
    raiseAlarm: async () => {
      await device.publishAsync('vigil/t1/T-SMK-01/event', JSON.stringify({ type: 'smoke', drill: `contract-${++n}` }), { qos: 1 });
    },
    close: async () => {
      await device.endAsync();
      await vigil.stop();
      await stopAllServices();
    },
  };
});

describeRealtimeContract('the stand-in of the browser tests (test/e2e/fake.vigil.ts)', async () => {
  const fake = await startFakeVigil({ facilityFile: FACILITY });
  let n = 0;
  return {
    url: fake.url,
    headers: {},
    actor: fake.role,
    raiseAlarm: async () => {
      const now = Date.now();
      const alarm: Alarm = {
        ...makeAlarms(fake.facility, 1, now)[0]!,
        id: `al_contract_${++n}`,
        state: 'active_unacked',
        ackedAt: null,
        ackedBy: null,
        raisedAt: now,
        activatedAt: now,
        updatedAt: now,
      };
      fake.push(alarm, 'raised');
    },
    close: () => fake.close(),
  };
});
