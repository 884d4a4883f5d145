import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { CONDITIONS } from '../../../contract/alarm.ts';
import { conditionLabel } from '../i18n/alarm.labels.ts';
import { I18nContext, makeI18n } from '../i18n/I18nContext.ts';
import { LOCALES } from '../i18n/dictionary.ts';
import { StateLegend } from './StateLegend.tsx';

function render(locale: (typeof LOCALES)[number]): string {
  return renderToStaticMarkup(
    <I18nContext.Provider value={makeI18n(locale, 'UTC')}>
      <StateLegend />
    </I18nContext.Provider>,
  );
}

/** The legend entry (one <li>) of a display state. */
function entry(html: string, state: string): string {
  const start = html.indexOf(`data-state="${state}"`);
  expect(start, state).toBeGreaterThan(-1);
  const end = html.indexOf('</li>', start);
  return html.slice(start, end);
}

describe('the plan legend', () => {
  it('names every alarm type under the shape it is drawn with, in every language', () => {
    for (const locale of LOCALES) {
      const html = render(locale);
      const listed = [...html.matchAll(/data-conditions="([^"]*)"/g)].flatMap((m) => (m[1] ?? '').split(' '));
      expect([...listed].sort()).toEqual([...CONDITIONS].sort());
      for (const condition of CONDITIONS) expect(html).toContain(conditionLabel(condition, locale));
    }
  });

  it('lists gas, forced doors and denied bursts under Alarm, not Pre-alarm', () => {
    const html = render('en');
    for (const c of ['gas', 'door_forced', 'access_denied_burst', 'leak']) {
      expect(entry(html, 'alarm')).toContain(conditionLabel(c, 'en'));
      expect(entry(html, 'pre_alarm')).not.toContain(conditionLabel(c, 'en'));
    }
  });
});
