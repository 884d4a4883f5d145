// The drill report's "time to account for everyone" (docs/contracts.md#presence-in-hazard-zones):
// from each fire alarm's muster, in English and in Chinese, and flagged while someone is missing.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { MusterSummary } from '../../../contract/presence.ts';
import { indexFacility } from '../domain/facility.index.ts';
import { I18nContext, makeI18n } from '../i18n/I18nContext.ts';
import type { Locale } from '../i18n/dictionary.ts';
import { makeAlarm } from '../../../test/support/contract.fixtures.ts';
import { makeDrillReport, makeFacility, T0 } from '../../../test/support/client.fixtures.ts';
import { ReportBody } from './DrillReportPage.tsx';

const facility = makeFacility();
const index = indexFacility(facility);
const done: MusterSummary = { alarmId: 'a1', building: 'Guesthouse', people: 3, accounted: 3, startedAt: T0, timeToAccountS: 75 };
const open: MusterSummary = { alarmId: 'a2', building: 'Staff canteen', people: 2, accounted: 1, startedAt: T0, timeToAccountS: null };

function render(musters: MusterSummary[] | undefined, locale: Locale): string {
  const report = { ...makeDrillReport([]), ...(musters && { musters }) };
  return renderToStaticMarkup(
    <I18nContext.Provider value={makeI18n(locale, 'Asia/Shanghai')}>
      <ReportBody report={report} facility={facility} index={index} />
    </I18nContext.Provider>,
  );
}

describe('drill report: time to account for everyone', () => {
  it('gives each muster its time, or how many are accounted for while someone is missing', () => {
    const html = render([done, open], 'en');
    expect(html).toContain('Time to account for everyone');
    expect(html).toContain('Guesthouse: 1 min 15 s (3 people)');
    expect(html).toMatch(/report-meta--warn"><dt>Time to account for everyone<\/dt><dd>Staff canteen: 1 of 2 accounted for/);
  });

  it('names the fire alarm of each muster: two in one building are told apart', () => {
    const alarm = (id: string, sensorName: string) => makeAlarm({ id, sensorId: 'KIT-GAS-01', sensorName });
    const report = { ...makeDrillReport([]), unexpected: [alarm('a1', 'Room 103 smoke'), alarm('a3', 'Room 104 smoke')] };
    const html = renderToStaticMarkup(
      <I18nContext.Provider value={makeI18n('en', 'Asia/Shanghai')}>
        <ReportBody report={{ ...report, musters: [done, { ...done, alarmId: 'a3', accounted: 0, timeToAccountS: null }] }} facility={facility} index={index} />
      </I18nContext.Provider>,
    );
    expect(html).toContain('Guesthouse · Room 103 smoke: 1 min 15 s (3 people)');
    expect(html).toContain('Guesthouse · Room 104 smoke: 0 of 3 accounted for');
  });

  it('in Chinese', () => {
    expect(render([done], 'zh')).toContain('清点全部人员用时');
  });

  it('a report without musters (no fire alarm, or an older server) shows no such line', () => {
    expect(render(undefined, 'en')).not.toContain('Time to account for everyone');
  });
});
