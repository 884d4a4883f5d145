// A simulated device's MQTT identity. On a broker that binds each credential to one client id
// (Vigil's: services/device-credentials.broker.ts), a device must connect as `sim@<sensor>` with
// that same text as its client id; anything else is refused.
import { describe, expect, it } from 'vitest';
import { deviceIdentity } from './mqtt.publisher.ts';

describe('device identity', () => {
  it('{sensor} in the user name: each device signs in as itself, its client id the same name', () => {
    expect(deviceIdentity({ username: 'sim@{sensor}' }, 'vigil-sim-ab12', 'KIT-GAS-01')).toEqual({ username: 'sim@KIT-GAS-01', clientId: 'sim@KIT-GAS-01' });
  });

  it('a plain user name (or none): one shared credential, a client id unique to this run and device', () => {
    expect(deviceIdentity({ username: 'sim' }, 'vigil-sim-ab12', 'KIT-GAS-01')).toEqual({ clientId: 'vigil-sim-ab12-KIT-GAS-01' });
    expect(deviceIdentity({}, 'vigil-sim-ab12', 'KIT-GAS-01')).toEqual({ clientId: 'vigil-sim-ab12-KIT-GAS-01' });
  });
});
