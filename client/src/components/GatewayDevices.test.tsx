/**
 * Requirement: "A gateway offline is one trouble alarm, with its devices' offline states shown
 * under it, not 14 separate alarms." The alarm detail of a gateway's offline alarm lists the
 * devices behind it with their live state, offline first; an ordinary alarm has no such list.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Alarm, SensorLiveState } from '../../../contract/alarm.ts';
import type { Facility, Sensor } from '../../../contract/facility.ts';
import { GATEWAY_KIND, type Gateway } from '../../../contract/gateway.ts';
import { makeSession, SessionContext } from '../auth/SessionContext.ts';
import { indexFacility } from '../domain/facility.index.ts';
import { I18nContext, makeI18n } from '../i18n/I18nContext.ts';
import type { Locale } from '../i18n/dictionary.ts';
import { LiveStore } from '../live/live.store.ts';
import { LiveStoreContext } from '../live/useLive.ts';
import { makeAlarm, makeFacility, makeSensorState, snapshot } from '../../../test/support/client.fixtures.ts';
import { AlarmDetail } from './AlarmDetail.tsx';
import { AlarmQueue } from './AlarmConsole.tsx';
import { buildQueue } from '../domain/alarm.queue.ts';

function facilityWithGateway(): Facility {
  const base = makeFacility();
  const template = base.sensors[0];
  if (!template) throw new Error('fixture has sensors');
  const device = (id: string, name: string, kind: Sensor['kind']): Sensor => ({
    ...template,
    id,
    name,
    kind,
    source: { adapter: 'zigbee2mqtt', gateway: 'KIT-Z2M', topic: `zigbee2mqtt/${name}` },
  });
  const gateway: Gateway = {
    id: 'KIT-Z2M',
    name: 'Kitchen Zigbee bridge',
    adapter: 'zigbee2mqtt',
    baseTopic: 'zigbee2mqtt',
    discoveryPrefix: 'homeassistant',
    siteId: 'hq',
    zoneId: 'kitchen',
    floorId: 'canteen-1f',
    heartbeatS: null,
    // Registry order: the online one first, so "offline first" is the component's doing.
    sensorIds: ['KIT-SMK-01', 'KIT-SMK-02', 'KIT-DOOR-01'],
  };
  return {
    ...base,
    sensors: [
      ...base.sensors,
      device('KIT-SMK-01', 'Pantry smoke', 'smoke'),
      device('KIT-SMK-02', 'Stove smoke', 'smoke'),
      device('KIT-DOOR-01', 'Back door', 'door'),
    ],
    gateways: [gateway],
  };
}

const gatewayAlarm = makeAlarm({
  id: 'gw-1',
  sensorId: 'KIT-Z2M',
  sensorName: 'Kitchen Zigbee bridge',
  sensorKind: GATEWAY_KIND,
  gatewayId: 'KIT-Z2M',
  condition: 'gateway_offline',
  class: 'trouble',
  priority: 'medium',
  siteId: 'hq',
  zoneId: 'kitchen',
  lastValue: null,
  peakValue: null,
  unit: null,
  message: 'Zigbee bridge offline: 3 detectors unsupervised',
});

const states: SensorLiveState[] = [
  makeSensorState({ sensorId: 'KIT-SMK-01', online: true }),
  makeSensorState({ sensorId: 'KIT-SMK-02', online: false }),
  makeSensorState({ sensorId: 'KIT-DOOR-01', online: false, lastSeen: null }),
];

function renderDetail(alarm: Alarm, locale: Locale = 'en', facility = facilityWithGateway()): string {
  const store = new LiveStore({ requestResync: () => {} });
  store.handleSnapshot(snapshot(1, [alarm], states));
  const session = makeSession({ username: 'officer', displayName: 'officer', role: 'officer', disabled: false }, () => {});
  return renderToStaticMarkup(
    <I18nContext.Provider value={makeI18n(locale, 'UTC')}>
      <SessionContext.Provider value={session}>
        <LiveStoreContext.Provider value={store}>
          <AlarmDetail alarmId={alarm.id} index={indexFacility(facility)} onLocate={() => {}} onClose={() => {}} />
        </LiveStoreContext.Provider>
      </SessionContext.Provider>
    </I18nContext.Provider>,
  );
}

/** Each listed device's id and state, in the order shown. */
const listed = (html: string): string[] => [...html.matchAll(/data-sensor-id="([^"]+)" data-link="([^"]+)"/g)].map((m) => `${m[1]}:${m[2]}`);

describe('<AlarmDetail> of a gateway offline alarm', () => {
  it('lists every device behind the gateway, offline ones first, each with its state', () => {
    const html = renderDetail(gatewayAlarm);
    expect(html).toContain('Devices behind this gateway');
    expect(listed(html)).toEqual(['KIT-SMK-02:offline', 'KIT-DOOR-01:offline', 'KIT-SMK-01:online']);
    expect(html).toContain('3 devices, 2 offline');
    expect(html).toMatch(/Stove smoke<\/span><span class="gateway-device__zone">Hot kitchen<\/span><span[^>]*>Offline</);
    expect(html).toMatch(/Pantry smoke<\/span><span class="gateway-device__zone">Hot kitchen<\/span><span[^>]*>Online</);
    expect(html).toMatch(/Back door<\/span>.*?never seen/);
    expect(html).toContain('aria-label="Show Stove smoke on plan"');
    expect(html).toContain('aria-label="Smoke"');
  });

  it('finds the gateway by its alarm when the facility lacks the gateway itself, through its sensors’ sources', () => {
    const facility = { ...facilityWithGateway(), gateways: [] };
    expect(listed(renderDetail(gatewayAlarm, 'en', facility))).toEqual(['KIT-SMK-02:offline', 'KIT-DOOR-01:offline', 'KIT-SMK-01:online']);
  });

  it('speaks Chinese', () => {
    const html = renderDetail(gatewayAlarm, 'zh');
    expect(html).toContain('此网关下的设备');
    expect(html).toContain('3 台设备，2 台离线');
    expect(html).toContain('离线');
    expect(html).toContain('在线');
  });

  it('has no such section for an ordinary alarm', () => {
    const html = renderDetail(makeAlarm({ id: 'gas-1', sensorId: 'KIT-GAS-01', siteId: 'hq', zoneId: 'kitchen' }));
    expect(html).toContain('data-testid="alarm-detail"');
    expect(html).not.toContain('gateway-devices');
    expect(html).not.toContain('Devices behind this gateway');
  });
});

describe('<AlarmQueue> row of a gateway offline alarm', () => {
  it('names the gateway from the facility when the alarm carries no name, never its raw id', () => {
    const index = indexFacility(facilityWithGateway());
    const html = renderToStaticMarkup(
      <I18nContext.Provider value={makeI18n('en', 'UTC')}>
        <AlarmQueue
          queue={buildQueue([{ ...gatewayAlarm, sensorName: '' }])}
          index={index}
          stale={false}
          canAck
          selectedAlarmId={null}
          onLocate={() => {}}
          onOpen={() => {}}
          onAcknowledge={() => Promise.resolve()}
        />
      </I18nContext.Provider>,
    );
    expect(html).toContain('Gateway offline');
    expect(html).toMatch(/class="alarm__sensor">Kitchen Zigbee bridge</);
    expect(html).toContain('Hot kitchen · Canteen 1F');
  });
});
