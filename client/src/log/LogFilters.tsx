/** The alarm log's filter bar: range, site, zone, sensor, kind, priority, state, real/drill. */
import { useState, type FormEvent } from 'react';
import { ALARM_STATES, PRIORITIES } from '../../../contract/alarm-constants.ts';
import type { Facility } from '../../../contract/facility.ts';
import { SENSOR_KINDS } from '../../../contract/device-kinds.ts';
import { FilterButtons } from '../components/FilterButtons.tsx';
import { epochToZonedInput, zonedInputToEpoch } from '../format/time.format.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { defaultFilter, type DrillFilter, type LogFilter, type StateFilter } from './log.query.ts';

interface LogFiltersProps {
  facility: Facility;
  filter: LogFilter;
  onApply: (filter: LogFilter) => void;
}

const QUICK_RANGES = [
  ['range.24h', 86_400_000],
  ['range.7d', 7 * 86_400_000],
  ['range.30d', 30 * 86_400_000],
] as const;

export function LogFilters({ facility, filter, onApply }: LogFiltersProps) {
  const { t, timeZone } = useI18n();
  const [draft, setDraft] = useState(filter);
  const [fromInput, setFromInput] = useState(() => epochToZonedInput(filter.from, timeZone));
  const [toInput, setToInput] = useState(() => epochToZonedInput(filter.to, timeZone));
  const [invalid, setInvalid] = useState(false);
  const site = facility.sites.find((s) => s.id === draft.site);
  const zones = site ? site.floors.flatMap((f) => f.zones.map((z) => ({ id: z.id, name: `${z.name} · ${f.name}` }))) : [];
  const sensors = sensorChoices(facility, draft.site, draft.zone);

  function patch(p: Partial<LogFilter>) {
    setDraft((d) => ({ ...d, ...p }));
  }

  function handleQuick(spanMs: number) {
    const now = Date.now();
    setFromInput(epochToZonedInput(now - spanMs, timeZone));
    setToInput(epochToZonedInput(now, timeZone));
  }

  function handleSubmit(event: FormEvent) {
    event.preventDefault();
    const from = zonedInputToEpoch(fromInput, timeZone);
    const to = zonedInputToEpoch(toInput, timeZone);
    if (from === null || to === null || to <= from) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    // The end is a whole minute: include it.
    onApply({ ...draft, from, to: to + 59_999 });
  }

  function handleReset() {
    const d = defaultFilter(Date.now());
    setDraft(d);
    setFromInput(epochToZonedInput(d.from, timeZone));
    setToInput(epochToZonedInput(d.to, timeZone));
    onApply(d);
  }

  return (
    <form className="log-filters" onSubmit={handleSubmit} aria-label={t('log.filters')}>
      <label className="field">
        <span className="field__label">{t('range.from')}</span>
        <input type="datetime-local" value={fromInput} onChange={(e) => setFromInput(e.target.value)} required />
      </label>
      <label className="field">
        <span className="field__label">{t('range.to')}</span>
        <input type="datetime-local" value={toInput} onChange={(e) => setToInput(e.target.value)} required />
      </label>
      <div className="segmented log-filters__quick" role="group" aria-label={t('log.quick')}>
        {QUICK_RANGES.map(([key, span]) => (
          <button key={key} type="button" onClick={() => handleQuick(span)}>
            {t(key)}
          </button>
        ))}
      </div>
      <Select
        label={t('header.site')}
        value={draft.site}
        onChange={(v) => patch({ site: v, zone: '', sensor: '' })}
        options={facility.sites.map((s) => [s.id, s.name])}
      />
      <Select
        label={t('panel.zone')}
        value={draft.zone}
        onChange={(v) => patch({ zone: v, sensor: '' })}
        options={zones.map((z) => [z.id, z.name])}
        disabled={!site}
      />
      <Select label={t('log.sensor')} value={draft.sensor} onChange={(v) => patch({ sensor: v })} options={sensors} testId="log-sensor" />
      <Select
        label={t('panel.kind')}
        value={draft.kind}
        onChange={(v) => patch({ kind: v as LogFilter['kind'] })}
        options={SENSOR_KINDS.map((k) => [k, t(`kind.${k}`)])}
      />
      <Select
        label={t('log.priority')}
        value={draft.priority}
        onChange={(v) => patch({ priority: v as LogFilter['priority'] })}
        options={PRIORITIES.map((p) => [p, t(`priority.${p}`)])}
      />
      <Select
        label={t('panel.state')}
        value={draft.state}
        onChange={(v) => patch({ state: v as StateFilter })}
        options={[['open', t('log.state.open')], ['closed', t('log.state.closed')], ...ALARM_STATES.map((s): [string, string] => [s, t(`alarmState.${s}`)])]}
      />
      <label className="field">
        <span className="field__label">{t('log.drill')}</span>
        <select value={draft.drill} onChange={(e) => patch({ drill: e.target.value as DrillFilter })}>
          <option value="include">{t('log.drill.include')}</option>
          <option value="exclude">{t('log.drill.exclude')}</option>
          <option value="only">{t('log.drill.only')}</option>
        </select>
      </label>
      <FilterButtons apply={t('range.apply')} clear={t('log.reset')} onClear={handleReset} />
      {invalid ? (
        <p className="range__error" role="alert">
          {t('range.invalid')}
        </p>
      ) : null}
      <span className="range__tz">{timeZone}</span>
    </form>
  );
}

/** The sensors of the chosen site and zone (all when none is chosen), by name, as [id, "name (id)"]. */
function sensorChoices(facility: Facility, siteId: string, zoneId: string): [string, string][] {
  return facility.sensors
    .filter((s) => (!siteId || s.siteId === siteId) && (!zoneId || s.zoneId === zoneId))
    .map((s): [string, string] => [s.id, s.name && s.name !== s.id ? `${s.name} (${s.id})` : s.id])
    .sort((a, b) => a[1].localeCompare(b[1]));
}

interface SelectProps {
  label: string;
  value: string;
  options: readonly (readonly [string, string])[];
  onChange: (value: string) => void;
  disabled?: boolean;
  testId?: string;
}

function Select({ label, value, options, onChange, disabled, testId }: SelectProps) {
  const { t } = useI18n();
  return (
    <label className="field">
      <span className="field__label">{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled} data-testid={testId}>
        <option value="">{t('log.any')}</option>
        {options.map(([v, name]) => (
          <option key={v} value={v}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
