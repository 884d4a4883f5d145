/** The two buttons that end a filter form: apply what was typed (the form's submit), or clear it all. */
export function FilterButtons({ apply, clear, onClear }: { apply: string; clear: string; onClear: () => void }) {
  return (
    <div className="log-filters__buttons">
      <button type="submit" className="btn btn--primary">
        {apply}
      </button>
      <button type="button" className="btn btn--ghost" onClick={onClear}>
        {clear}
      </button>
    </div>
  );
}
