import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DRILL_TARGETS } from '../../../contract/drill.ts';
import { indexFacility } from '../domain/facility.index.ts';
import { I18nContext, makeI18n } from '../i18n/I18nContext.ts';
import type { Locale } from '../i18n/dictionary.ts';
import { makeAlarm, makeDrillReport, makeFacility, missedItem, T0 } from '../../../test/support/client.fixtures.ts';
import { ExpectedAlarmsTable } from './ReportTables.tsx';

const index = indexFacility(makeFacility());
const acked = makeAlarm({ id: 'a1', drill: 'drill-x', ackedAt: T0 + 12_300, ackedBy: 'officer' });
const report = makeDrillReport([
  {
    expectation: { sensorId: 'KIT-GAS-01', condition: 'gas', priority: 'critical' },
    outcome: 'raised',
    dueAt: null,
    raised: true,
    alarm: acked,
    triggerAt: T0 - 400,
    displayedAt: T0,
    displayS: 0.4,
    ackedBy: 'officer',
    ackS: 12.3,
    resolvedS: null,
    displayOk: true,
    ackOk: true,
    ack: 'in_time',
    closedByDrillEnd: false,
  },
  missedItem({ zoneId: 'kitchen', condition: 'gas_rise', priority: 'medium' }),
]);

/** Ended early: one alarm raised, its acknowledgement cut short, closed by the end; one never played. */
const endedEarly = makeDrillReport([
  {
    ...report.items[0]!,
    alarm: makeAlarm({ id: 'a2', drill: 'drill-x' }),
    ackedBy: null,
    ackS: null,
    ackOk: false,
    ack: 'not_played',
    closedByDrillEnd: true,
  },
  { ...missedItem({ sensorId: 'KIT-GAS-01', condition: 'gas_rise', priority: 'medium' }), outcome: 'not_played' },
]);
/** Running: one alarm raised and not acknowledged within its target yet; one not due yet. */
const running = makeDrillReport([
  { ...endedEarly.items[0]!, ack: 'pending', closedByDrillEnd: false },
  { ...missedItem({ sensorId: 'KIT-GAS-01', condition: 'gas_rise', priority: 'medium' }), outcome: 'pending', dueAt: T0 + 90_000 },
]);

function render(locale: Locale, shown = report): string {
  return renderToStaticMarkup(
    <I18nContext.Provider value={makeI18n(locale, 'Asia/Shanghai')}>
      <ExpectedAlarmsTable report={shown} index={index} />
    </I18nContext.Provider>,
  );
}

describe('<ExpectedAlarmsTable> (drill report)', () => {
  it('shows the raised alarm with display and acknowledgement times, marks and who acknowledged', () => {
    const html = render('en');
    expect(html).toContain(`Display (target ≤ ${DRILL_TARGETS.displayS} s)`);
    expect(html).toContain('✓ Raised 10:00:00'); // T0 is 02:00 UTC: site time in Shanghai
    expect(html).toContain('0.40 s');
    expect(html).toContain('12.3 s');
    expect(html).toContain('✓ within target');
    expect(html).toContain('by officer · target ≤ 1 min');
    expect(html).toContain('not resolved');
  });
  it('marks the missed alarm MISSED, naming the zone it was expected in', () => {
    const html = render('en');
    expect(html).toContain('data-outcome="missed"');
    expect(html).toContain('✗ MISSED');
    expect(html).toContain('any sensor in Hot kitchen');
  });
  it('a drill ended early: the unplayed alarm is "not played", never MISSED, and its alarm closed with the drill', () => {
    const html = render('en', endedEarly);
    expect(html).toContain('data-outcome="not_played"');
    expect(html).toContain('— not played (the drill ended first)');
    expect(html).toContain('not judged (the drill ended before the target)');
    expect(html).toContain('closed: drill ended');
    expect(html).not.toContain('MISSED');
    expect(html).not.toContain('not acknowledged');
  });
  it('a running drill: not yet due is pending with its time, and so is an acknowledgement inside its target', () => {
    const html = render('en', running);
    expect(html).toContain('data-outcome="pending"');
    expect(html).toContain('pending (due by 10:01:30)');
    expect(html).toContain('data-mark="none">— pending<');
    expect(html).not.toContain('MISSED');
    expect(html).not.toContain('not acknowledged');
  });
  it('prints in Chinese', () => {
    const html = render('zh');
    expect(html).toContain('显示用时（目标 ≤ 10秒）');
    expect(html).toContain('✗ 漏报');
    expect(html).toContain('确认人 officer');
  });
});
