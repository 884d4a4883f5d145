import { useEffect, useState } from 'react';

export interface ViewBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Reads a viewBox string; null if it is not four finite numbers with a positive size. */
export function parseViewBox(value: string | null | undefined): ViewBox | null {
  if (!value) return null;
  const n = value.trim().split(/[\s,]+/).map(Number);
  if (n.length !== 4 || n.some((v) => !Number.isFinite(v))) return null;
  const [x, y, width, height] = n as [number, number, number, number];
  return width > 0 && height > 0 ? { x, y, width, height } : null;
}

export type PlanGeometry = { kind: 'loading' } | { kind: 'ready'; viewBox: ViewBox } | { kind: 'error' };

/**
 * The plan's viewBox, so the sensor overlay can use the same coordinates. The SVG is parsed
 * as an inert XML document only to read that attribute; it is displayed through <img>, never
 * inserted into the page (it comes from a config file).
 */
export function usePlanViewBox(planUrl: string): PlanGeometry {
  const [geometry, setGeometry] = useState<PlanGeometry>({ kind: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    setGeometry({ kind: 'loading' });
    fetch(planUrl, { signal: controller.signal })
      .then(async (res) => {
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const doc = new DOMParser().parseFromString(await res.text(), 'image/svg+xml');
        const svg = doc.documentElement;
        const viewBox =
          parseViewBox(svg.getAttribute('viewBox')) ??
          parseViewBox(`0 0 ${parseFloat(svg.getAttribute('width') ?? '')} ${parseFloat(svg.getAttribute('height') ?? '')}`);
        setGeometry(viewBox ? { kind: 'ready', viewBox } : { kind: 'error' });
      })
      .catch(() => {
        if (!controller.signal.aborted) setGeometry({ kind: 'error' });
      });
    return () => controller.abort();
  }, [planUrl]);
  return geometry;
}
