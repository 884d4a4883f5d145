/** A crosshair: "show on the plan". Drawn, not a font glyph, so every display has it. */
export function LocateIcon() {
  return (
    <svg className="locate-icon" viewBox="0 0 24 24" width="1.2em" height="1.2em" aria-hidden="true">
      <circle cx="12" cy="12" r="7" fill="none" stroke="currentColor" strokeWidth="2.2" />
      <circle cx="12" cy="12" r="2.2" fill="currentColor" />
      <path d="M12 1.5v4.5M12 18v4.5M1.5 12H6M18 12h4.5" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
    </svg>
  );
}
