/**
 * The header's More menu: the pages after the first three (Devices found, Reports, Audit,
 * Administration), so that an admin's seven pages leave the header one row at 1280 px. A
 * disclosure of plain buttons: it closes on a choice, on Escape (focus back on More) and on a
 * click elsewhere.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { View } from '../hooks/useView.ts';
import { useI18n } from '../i18n/I18nContext.ts';

interface NavMoreProps {
  views: readonly View[];
  current: View;
  onSelect: (view: View) => void;
}

export function NavMore({ views, current, onSelect }: NavMoreProps) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const listId = useId();
  const inMenu = views.includes(current);

  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent): void => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div className="nav-more" ref={box}>
      <button
        ref={button}
        type="button"
        className="nav-more__button"
        aria-expanded={open}
        aria-controls={listId}
        aria-pressed={inMenu}
        title={inMenu ? t(`nav.${current}`) : undefined}
        onClick={() => setOpen((o) => !o)}
      >
        {t('nav.more')}
        <span aria-hidden="true"> ▾</span>
      </button>
      <ul id={listId} className="nav-more__list" hidden={!open}>
        {views.map((v) => (
          <li key={v}>
            <button
              type="button"
              aria-current={current === v ? 'page' : undefined}
              onClick={() => {
                setOpen(false);
                onSelect(v);
              }}
            >
              {t(`nav.${v}`)}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
