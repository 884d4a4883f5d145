import { useEffect, useState } from 'react';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Reads a viewBox string; null if it is not four finite numbers with a positive size. */
export function parseViewBox(value: string | null | undefined): Box | null {
  if (!value) return null;
  const n = value
    .trim()
    .split(/[\s,]+/)
    .map(Number);
  if (n.length !== 4 || n.some((v) => !Number.isFinite(v))) return null;
  const [x, y, width, height] = n as [number, number, number, number];
  return width > 0 && height > 0 ? { x, y, width, height } : null;
}

/** A text of the plan (a room's name, a note), drawn by the dashboard in screen pixels. */
export interface PlanLabel {
  text: string;
  /** The same text in Chinese: the plan's `<text data-zh="…">`; null where the plan gives none (room numbers). */
  textZh: string | null;
  /** Its anchor (the text's middle) in the plan's coordinates. */
  x: number;
  y: number;
  /** The room around it (the smallest rectangle of the plan holding the anchor): its width bounds the label's. */
  room: Box | null;
  /** A room's name (`note`: the plan's small print, class `sm`, drawn smaller and given up first when room is short). */
  kind: 'room' | 'note';
}

export interface PlanShape {
  viewBox: Box;
  /** Zone outlines: the plan's `<rect data-zone="<zone id>">` elements (config/facility.yaml). */
  zones: ReadonlyMap<string, Box>;
  labels: readonly PlanLabel[];
  /**
   * The plan without its texts, as a data: URL for <img>: texts drawn inside the picture shrink
   * with it (unreadable once the side panel takes room), so the dashboard draws them itself.
   */
  imageUrl: string;
}

export type PlanGeometry = { kind: 'loading' } | { kind: 'ready'; plan: PlanShape } | { kind: 'error' };

/** The numbers of a plan this dashboard uses; nothing of the file is ever inserted into the page. */
export function readPlanShape(svgText: string): PlanShape | null {
  const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
  const svg = doc.documentElement;
  if (svg.nodeName !== 'svg') return null;
  const viewBox =
    parseViewBox(svg.getAttribute('viewBox')) ??
    parseViewBox(`0 0 ${parseFloat(svg.getAttribute('width') ?? '')} ${parseFloat(svg.getAttribute('height') ?? '')}`);
  if (!viewBox) return null;
  const zones = new Map<string, Box>();
  for (const rect of doc.querySelectorAll('rect[data-zone]')) {
    const box = parseViewBox(['x', 'y', 'width', 'height'].map((a) => rect.getAttribute(a) ?? 'NaN').join(' '));
    const id = rect.getAttribute('data-zone');
    if (box && id) zones.set(id, box);
  }
  const rects = [...doc.querySelectorAll('rect')].flatMap((r) => {
    const box = parseViewBox(['x', 'y', 'width', 'height'].map((a) => r.getAttribute(a) ?? 'NaN').join(' '));
    return box ? [box] : [];
  });
  const labels: PlanLabel[] = [];
  for (const text of [...doc.querySelectorAll('text')]) {
    const x = parseFloat(text.getAttribute('x') ?? '');
    const y = parseFloat(text.getAttribute('y') ?? '');
    const content = (text.textContent ?? '').trim();
    // A text the dashboard cannot place stays in the picture.
    if (!Number.isFinite(x) || !Number.isFinite(y) || content === '' || text.querySelector('tspan') !== null) continue;
    const holding = rects.filter((b) => x >= b.x && x <= b.x + b.width && y >= b.y && y <= b.y + b.height);
    const room = holding.reduce<Box | null>((best, b) => (best === null || b.width * b.height < best.width * best.height ? b : best), null);
    labels.push({ text: content, textZh: text.getAttribute('data-zh')?.trim() || null, x, y, room, kind: text.classList.contains('sm') ? 'note' : 'room' });
    text.remove();
  }
  const imageUrl = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(doc))}`;
  return { viewBox, zones, labels, imageUrl };
}

/**
 * The plan's viewBox (so the sensor overlay uses the same coordinates), its zone outlines and its
 * texts. The SVG is parsed as an inert XML document to read those; it is displayed (without its
 * texts) through <img>, never inserted into the page (it comes from a config file).
 */
export function usePlanGeometry(planUrl: string): PlanGeometry {
  const [geometry, setGeometry] = useState<PlanGeometry>({ kind: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    setGeometry({ kind: 'loading' });
    fetch(planUrl, { signal: controller.signal })
      .then(async (res) => {
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const plan = readPlanShape(await res.text());
        setGeometry(plan ? { kind: 'ready', plan } : { kind: 'error' });
      })
      .catch(() => {
        if (!controller.signal.aborted) setGeometry({ kind: 'error' });
      });
    return () => controller.abort();
  }, [planUrl]);
  return geometry;
}
