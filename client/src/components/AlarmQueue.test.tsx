import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { buildQueue, totalsByPriority } from '../domain/alarm.queue.ts';
import { indexFacility } from '../domain/facility.index.ts';
import { I18nContext, makeI18n } from '../i18n/I18nContext.ts';
import type { Locale } from '../i18n/dictionary.ts';
import { makeAlarm, makeFacility, T0 } from '../../../test/support/client.fixtures.ts';
import { AlarmQueue } from './AlarmConsole.tsx';
import { SensorMarker } from './SensorMarker.tsx';

const index = indexFacility(makeFacility());
const noop = (): Promise<void> => Promise.resolve();

function render(queue: ReturnType<typeof buildQueue>, locale: Locale = 'en', stale = false, canAck = true): string {
  return renderToStaticMarkup(
    <I18nContext.Provider value={makeI18n(locale, 'Asia/Shanghai')}>
      <AlarmQueue queue={queue} index={index} stale={stale} canAck={canAck} selectedAlarmId={null} onLocate={() => {}} onOpen={() => {}} onAcknowledge={noop} />
    </I18nContext.Provider>,
  );
}

const rowIds = (html: string): string[] => [...html.matchAll(/data-(?:alarm|incident)-id="([^"]+)"/g)].map((m) => m[1] ?? '');

describe('<AlarmQueue>', () => {
  const alarms = [
    makeAlarm({ id: 'acked-critical', state: 'active_acked', ackedAt: T0, ackedBy: 'li.na' }),
    makeAlarm({ id: 'drill-high', priority: 'high', drill: 'drill-42', condition: 'smoke', class: 'alarm', sensorName: 'Room 204 smoke' }),
    makeAlarm({ id: 'escalated-critical', escalationLevel: 2, sensorId: 'GH-GAS-01', siteId: 'gh', zoneId: 'rooms' }),
  ];

  it('renders rows in queue order (a drill alarm below every real one)', () => {
    expect(rowIds(render(buildQueue(alarms)))).toEqual(['escalated-critical', 'acked-critical', 'drill-high']);
  });

  it('shows priority as a word next to its icon, a DRILL label, the escalation level and the count of unacknowledged', () => {
    const html = render(buildQueue(alarms));
    expect(html).toContain('data-priority="critical"');
    expect(html).toMatch(/class="priority__label">Critical</);
    expect(html).toMatch(/class="priority__label">High</);
    expect(html).toMatch(/tag--drill[^>]*>DRILL</);
    expect(html).toContain('Escalated L2');
    expect(html).toContain('2 unacknowledged');
  });

  it('offers Acknowledge only on unacknowledged alarms', () => {
    const html = render(buildQueue(alarms));
    expect(html.match(/>Acknowledge</g)).toHaveLength(2);
  });

  it('hides Acknowledge from a role that may not acknowledge', () => {
    expect(render(buildQueue(alarms), 'en', false, false)).not.toMatch(/>Acknowledge</);
  });

  it('names the site, zone and floor of each alarm', () => {
    const html = render(buildQueue(alarms));
    expect(html).toContain('Rooms · Guesthouse 2F · Guesthouse');
    expect(html).toContain('Hot kitchen · Canteen 1F · Headquarters');
  });

  it('renders device-supplied text as text, never as markup', () => {
    const html = render(buildQueue([makeAlarm({ id: 'x', sensorName: '<img src=x onerror=alert(1)>' })]));
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  describe('grouping by cause (fire alarms never grouped, group acknowledge asks first)', () => {
    const offline = (n: number, state: 'active_unacked' | 'active_acked' = 'active_unacked') =>
      makeAlarm({
        id: `off-${n}`,
        sensorId: `DEV-${n}`,
        condition: 'offline',
        class: 'trouble',
        priority: 'medium',
        latching: false,
        gatewayId: 'GW-1',
        state,
      });
    const gateway = makeAlarm({
      id: 'gw',
      sensorId: 'GW-1',
      sensorName: 'Kitchen Zigbee bridge',
      sensorKind: 'gateway',
      gatewayId: 'GW-1',
      condition: 'gateway_offline',
      class: 'trouble',
      priority: 'medium',
      latching: false,
      raisedAt: T0 - 120_000,
    });
    const fire = makeAlarm({ id: 'fire', sensorId: 'SMK-1', condition: 'smoke', class: 'alarm', priority: 'critical' });

    it('shows a gateway and its devices as one row that says what it holds, the fire on its own above it', () => {
      const html = render(buildQueue([gateway, offline(1), offline(2), fire]));
      expect(rowIds(html)).toEqual(['fire']);
      expect(html).toContain('data-group-key="gw:hq:GW-1:"');
      expect(html).toContain('Kitchen Zigbee bridge: gateway and its devices offline');
      expect(html).toContain('3 alarms · 3 unacknowledged');
      expect(html).toContain('Medium 3 · Sensor offline 2 · Gateway offline 1');
      expect(html.indexOf('data-alarm-id="fire"')).toBeLessThan(html.indexOf('data-group-key'));
    });

    it('offers to acknowledge the trouble alarms, by count, and asks before doing it', () => {
      const html = render(buildQueue([gateway, offline(1), offline(2, 'active_acked')]));
      expect(html).toContain('Acknowledge 2 trouble alarms…');
      expect(html).not.toContain('Acknowledge all');
      // The confirmation is a second step: not on screen until asked for.
      expect(html).not.toContain('Yes, acknowledge');
    });

    it('says "1 trouble alarm", not "1 trouble alarms"', () => {
      const html = render(buildQueue([gateway, offline(1, 'active_acked'), offline(2, 'active_acked')]));
      expect(html).toContain('Acknowledge 1 trouble alarm…');
    });

    it('speaks Chinese in a group', () => {
      const html = render(buildQueue([gateway, offline(1), offline(2)]), 'zh');
      expect(html).toContain('3 条报警 · 3 条未确认');
      expect(html).toContain('确认 3 条故障报警…');
    });

    it("shows a detector's fire and pre-alarm in one row, acknowledged together under a label that says so", () => {
      const pre = makeAlarm({
        id: 'pre',
        sensorId: 'SMK-1',
        condition: 'smoke_pre_alarm',
        class: 'supervisory',
        priority: 'high',
        latching: false,
        raisedAt: T0 - 60_000,
      });
      const html = render(buildQueue([pre, fire]));
      expect(rowIds(html)).toEqual(['fire']);
      expect(html).toContain('data-also="pre"');
      expect(html).toContain('Acknowledge fire and pre-alarm');
    });
  });

  it('shows totals by priority and state for the selected site beside all sites', () => {
    const all = [...alarms, makeAlarm({ id: 'gh-high', priority: 'high', siteId: 'gh', zoneId: 'rooms', sensorId: 'GH-GAS-01' })];
    const html = renderToStaticMarkup(
      <I18nContext.Provider value={makeI18n('en', 'UTC')}>
        <AlarmQueue
          queue={buildQueue(all)}
          totals={{ site: totalsByPriority(all, 'hq'), all: totalsByPriority(all, null) }}
          siteName="Headquarters"
          index={index}
          stale={false}
          canAck
          selectedAlarmId={null}
          onLocate={() => {}}
          onOpen={() => {}}
          onAcknowledge={noop}
        />
      </I18nContext.Provider>,
    );
    expect(html).toContain('Open alarms by priority (Headquarters / all sites)');
    const cell = (priority: string, state: string): string | undefined =>
      new RegExp(`<tr data-priority="${priority}">.*?<td data-state="${state}">([^<]*)</td>`).exec(html)?.[1];
    expect(cell('critical', 'unacked')).toBe('0 / 1');
    expect(cell('critical', 'acked')).toBe('1 / 1');
    expect(cell('high', 'unacked')).toBe('0 / 1');
    expect(html).not.toContain('data-priority="medium"><th');
  });

  it('says so when there is nothing to do, and when the list may be stale', () => {
    expect(render(buildQueue([]))).toContain('No active alarms');
    expect(render(buildQueue([]), 'en', true)).toContain('Alarm list may be out of date');
  });

  it('speaks Chinese when asked', () => {
    const html = render(buildQueue(alarms), 'zh');
    expect(html).toContain('紧急');
    expect(html).toContain('演练');
    expect(html).toContain('确认');
  });
});

describe('<SensorMarker>', () => {
  it('names the sensor, its kind and its state in text, not by colour alone', () => {
    const sensor = makeFacility().sensors[0];
    if (!sensor) throw new Error('fixture has sensors');
    const html = renderToStaticMarkup(
      <I18nContext.Provider value={makeI18n('en', 'UTC')}>
        <svg>
          <SensorMarker sensor={sensor} state="pre_alarm" radius={10} selected={false} stale onSelect={() => {}} />
        </svg>
      </I18nContext.Provider>,
    );
    expect(html).toContain('aria-label="Sensor KIT-GAS-01 (KIT-GAS-01) — Natural gas — Pre-alarm — stale"');
    expect(html).toContain('<title>');
    expect(html).toContain('data-state="pre_alarm"');
  });
});
