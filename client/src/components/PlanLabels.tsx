/**
 * The plan's texts (room names, notes), drawn over the plan in screen pixels: inside the picture
 * they shrink with it and become unreadable once the side panel takes room. Each keeps to its
 * room's width (wrapping onto a second line, then shortened with the full text in its tooltip);
 * where two would still overlap, the one drawn later (notes before room names, smaller rooms
 * before larger) gives way, so no two texts are ever drawn over each other.
 */
import { textIn } from '../../../contract/alarm-text.ts';
import { useLayoutEffect, useRef, type CSSProperties } from 'react';
import type { Box, PlanLabel } from '../hooks/usePlanGeometry.ts';
import { useI18n } from '../i18n/I18nContext.ts';

interface PlanLabelsProps {
  viewBox: Box;
  labels: readonly PlanLabel[];
}

/** When no room holds a text, it may take this share of the plan's width. */
const FREE_WIDTH = 0.25;

/** Room names first, then the larger rooms: what to keep when two texts would collide. */
function rank(label: PlanLabel): number {
  return (label.kind === 'room' ? 1e12 : 0) + (label.room ? label.room.width * label.room.height : 0);
}

function overlaps(a: DOMRect, b: DOMRect): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

export function PlanLabels({ viewBox, labels }: PlanLabelsProps) {
  const layerRef = useRef<HTMLDivElement>(null);
  const { locale } = useI18n();

  // Which texts give way depends on the drawn size: measured after layout, again on every resize.
  useLayoutEffect(() => {
    const layer = layerRef.current;
    if (!layer) return;
    const place = (): void => {
      const items = [...layer.querySelectorAll<HTMLElement>('.plan__label')];
      for (const el of items) el.removeAttribute('data-hidden');
      const order = items.map((el, i) => ({ el, rank: rank(labels[i]!) })).sort((a, b) => b.rank - a.rank);
      const kept: DOMRect[] = [];
      for (const { el } of order) {
        const box = el.getBoundingClientRect();
        // Shortened text says so in its tooltip; whole text needs none.
        if (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1) el.title = el.textContent ?? '';
        else el.removeAttribute('title');
        if (kept.some((k) => overlaps(k, box))) el.setAttribute('data-hidden', 'true');
        else kept.push(box);
      }
    };
    place();
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(place);
    observer?.observe(layer);
    return () => observer?.disconnect();
  }, [labels, locale]);

  return (
    <div className="plan__labels" ref={layerRef} aria-hidden="true">
      {labels.map((label, i) => {
        const width = label.room ? label.room.width / viewBox.width : FREE_WIDTH;
        const style = {
          left: `${((label.x - viewBox.x) / viewBox.width) * 100}%`,
          top: `${((label.y - viewBox.y) / viewBox.height) * 100}%`,
          maxWidth: `${width * 100}%`,
        } as CSSProperties;
        return (
          <span key={i} className={`plan__label plan__label--${label.kind}`} style={style}>
            {textIn(label.text, label.textZh ?? undefined, locale)}
          </span>
        );
      })}
    </div>
  );
}
