/**
 * An alarm row rendered to HTML in a language, against the client fixtures' facility: what the
 * console's row tests read.
 *
 * @example `expect(alarmRowHtml(makeAlarm({ id: 'a' }), 'zh')).toContain('燃气泄漏')`
 */
import { renderToStaticMarkup } from 'react-dom/server';
import type { Alarm } from '../../contract/alarm.ts';
import { AlarmRow } from '../../client/src/components/AlarmRow.tsx';
import { indexFacility } from '../../client/src/domain/facility.index.ts';
import { I18nContext, makeI18n } from '../../client/src/i18n/I18nContext.ts';
import { makeFacility } from './client.fixtures.ts';

const index = indexFacility(makeFacility());

export function alarmRowHtml(alarm: Alarm, locale: 'en' | 'zh' = 'en'): string {
  return renderToStaticMarkup(
    <I18nContext.Provider value={makeI18n(locale, 'UTC')}>
      <AlarmRow alarm={alarm} index={index} ack={undefined} canAck selected={false} onAcknowledge={() => {}} onLocate={() => {}} onOpen={() => {}} />
    </I18nContext.Provider>,
  );
}
