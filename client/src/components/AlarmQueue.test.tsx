import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { buildQueue } from '../domain/alarm.queue.ts';
import { indexFacility } from '../domain/facility.index.ts';
import { I18nContext, makeI18n } from '../i18n/I18nContext.ts';
import type { Locale } from '../i18n/dictionary.ts';
import { makeAlarm, makeFacility, makeIncident, T0 } from '../../../test/support/client.fixtures.ts';
import { AlarmQueue } from './AlarmConsole.tsx';
import { SensorMarker } from './SensorMarker.tsx';

const index = indexFacility(makeFacility());
const noop = (): Promise<void> => Promise.resolve();

function render(queue: ReturnType<typeof buildQueue>, locale: Locale = 'en', stale = false, canAck = true): string {
  return renderToStaticMarkup(
    <I18nContext.Provider value={makeI18n(locale, 'Asia/Shanghai')}>
      <AlarmQueue
        queue={queue}
        index={index}
        stale={stale}
        canAck={canAck}
        selectedAlarmId={null}
        onLocate={() => {}}
        onOpen={() => {}}
        onAcknowledge={noop}
        onAcknowledgeIncident={noop}
      />
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

  it('renders rows in queue order', () => {
    expect(rowIds(render(buildQueue(alarms)))).toEqual(['escalated-critical', 'drill-high', 'acked-critical']);
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

  it('shows a flood incident as one row with its counts', () => {
    const incident = makeIncident({ id: 'inc-1', alarmIds: ['m1', 'm2'], unackedCount: 2 });
    const queue = buildQueue([makeAlarm({ id: 'm1', incidentId: 'inc-1' }), makeAlarm({ id: 'm2', incidentId: 'inc-1' })], new Map([[incident.id, incident]]));
    const html = render(queue);
    expect(rowIds(html)).toEqual(['inc-1']);
    expect(html).toContain('2 alarms · 2 unacknowledged');
    expect(html).toContain('Acknowledge all');
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
