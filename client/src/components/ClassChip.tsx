/**
 * An alarm's NFPA 72 signal class as a framed word: alarm (a fire, gas, water flowing),
 * supervisory (a closed valve, a running fire pump) or trouble (the monitoring is impaired). The
 * word and the frame's style carry it as well as the colour (WCAG 1.4.1).
 */
import type { AlarmClass } from '../../../contract/alarm.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import '../styles/signal-class.css';

export function ClassChip({ signal }: { signal: AlarmClass }) {
  const { t } = useI18n();
  return (
    <span className={`tag tag--class tag--class-${signal}`} data-class={signal}>
      {t(`class.${signal}`)}
    </span>
  );
}
