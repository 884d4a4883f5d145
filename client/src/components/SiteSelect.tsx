/** A labelled site selector (names in the viewer's language, as the facility gives them), with an "all sites" choice when `allLabel` is given. */
import type { Facility } from '../../../contract/facility.ts';

export function SiteSelect({
  facility,
  label,
  allLabel,
  value,
  onChange,
  testId,
}: {
  facility: Pick<Facility, 'sites'>;
  label: string;
  /** The empty choice (null): every site. Absent: a site must be chosen. */
  allLabel?: string;
  value: string | null;
  onChange: (siteId: string | null) => void;
  testId?: string;
}) {
  return (
    <label className="field">
      <span className="field__label">{label}</span>
      <select data-testid={testId} value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}>
        {allLabel === undefined ? null : <option value="">{allLabel}</option>}
        {facility.sites.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
    </label>
  );
}
