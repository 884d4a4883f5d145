/** The frame every full page (admin, audit, reports, drills, devices found) shares: title, an optional Refresh and intro, then its content. */
import type { ReactNode } from 'react';

export function PageShell({
  className,
  label,
  testId,
  title,
  refresh,
  intro,
  children,
}: {
  /** Extra class beside `log`, the page layout. */
  className: string;
  label: string;
  testId: string;
  title: string;
  /** A button in the heading that asks the server again. */
  refresh?: { label: string; onRefresh: () => void };
  intro?: string;
  children: ReactNode;
}) {
  return (
    <main className={`log ${className}`} aria-label={label} data-testid={testId}>
      <div className="log__main">
        <header className="log__head">
          <h2 className="log__title">{title}</h2>
          {refresh ? (
            <button type="button" className="btn" onClick={refresh.onRefresh}>
              {refresh.label}
            </button>
          ) : null}
        </header>
        {intro === undefined ? null : <p className="drills__muted">{intro}</p>}
        {children}
      </div>
    </main>
  );
}
