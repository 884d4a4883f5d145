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

export interface PlanShape {
  viewBox: Box;
  /** Zone outlines: the plan's `<rect data-zone="<zone id>">` elements (config/facility.yaml). */
  zones: ReadonlyMap<string, Box>;
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
  return { viewBox, zones };
}

/**
 * The plan's viewBox (so the sensor overlay uses the same coordinates) and its zone outlines.
 * The SVG is parsed as an inert XML document only to read those numbers; it is displayed
 * through <img>, never inserted into the page (it comes from a config file).
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
