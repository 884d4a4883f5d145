import { useState, type FormEvent } from 'react';
import { RANGE_PRESETS, resolveRange, type TimeRange } from '../domain/time.range.ts';
import { epochToZonedInput, zonedInputToEpoch } from '../format/time.format.ts';
import { useI18n } from '../i18n/I18nContext.ts';

interface RangePickerProps {
  range: TimeRange;
  onChange: (range: TimeRange) => void;
}

/** Preset ranges as buttons; a custom range entered as wall time at the site. */
export function RangePicker({ range, onChange }: RangePickerProps) {
  const { t, timeZone } = useI18n();
  const [customOpen, setCustomOpen] = useState(range.kind === 'custom');
  const initial = resolveRange(range.kind === 'custom' ? range : { kind: 'preset', preset: '24h' }, Date.now());
  const [fromInput, setFromInput] = useState(() => epochToZonedInput(initial.from, timeZone));
  const [toInput, setToInput] = useState(() => epochToZonedInput(initial.to, timeZone));
  const [error, setError] = useState<string | null>(null);

  function handleApply(event: FormEvent) {
    event.preventDefault();
    const from = zonedInputToEpoch(fromInput, timeZone);
    const to = zonedInputToEpoch(toInput, timeZone);
    if (from === null || to === null || to <= from) {
      setError(t('range.invalid'));
      return;
    }
    setError(null);
    onChange({ kind: 'custom', from, to });
  }

  return (
    <div className="range">
      <div className="segmented segmented--wide" role="group">
        {RANGE_PRESETS.map((preset) => (
          <button
            key={preset}
            type="button"
            aria-pressed={range.kind === 'preset' && range.preset === preset}
            onClick={() => {
              setCustomOpen(false);
              onChange({ kind: 'preset', preset });
            }}
          >
            {t(`range.${preset}`)}
          </button>
        ))}
        <button type="button" aria-pressed={customOpen || range.kind === 'custom'} onClick={() => setCustomOpen(true)}>
          {t('range.custom')}
        </button>
      </div>
      {customOpen ? (
        <form className="range__custom" onSubmit={handleApply}>
          <label>
            {t('range.from')}
            <input type="datetime-local" value={fromInput} onChange={(e) => setFromInput(e.target.value)} required />
          </label>
          <label>
            {t('range.to')}
            <input type="datetime-local" value={toInput} onChange={(e) => setToInput(e.target.value)} required />
          </label>
          <span className="range__tz">{timeZone}</span>
          <button type="submit" className="btn">
            {t('range.apply')}
          </button>
          {error ? (
            <span className="range__error" role="alert">
              {error}
            </span>
          ) : null}
        </form>
      ) : null}
    </div>
  );
}
