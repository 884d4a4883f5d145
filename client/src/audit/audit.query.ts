/**
 * The audit viewer's filters as the server reads them (`GET /api/audit`), and how an entry is
 * shown. Kept apart from the page so the rules are tested without a browser.
 */
import type { AuditEntry } from '../../../contract/api.ts';

export interface AuditFilters {
  /** Who acted (a username). */
  user: string;
  /** An action (`user.create`) or a family (`user.*`); empty for all. */
  action: string;
  /** An alarm id, as shown in the alarm log. */
  alarm: string;
}

export const NO_FILTERS: AuditFilters = { user: '', action: '', alarm: '' };

/** The families the action picker offers; any other action can be typed. */
export const ACTION_FAMILIES = ['alarm.*', 'incident.*', 'sensor.*', 'drill.*', 'auth.*', 'user.*', 'session.*', 'apikey.*', 'device.*', 'gateway.*'] as const;

/** One page of entries: newest first, `before` the id of the oldest entry already shown. */
export const PAGE_SIZE = 100;

/** The query for one page: blank filters are left out (the server reads a blank as a value). */
export function auditQuery(filters: AuditFilters, before: number | null, limit = PAGE_SIZE): URLSearchParams {
  const query = new URLSearchParams({ limit: String(limit) });
  const user = filters.user.trim();
  const action = filters.action.trim();
  // An id pasted with its target prefix (`alarm:al_…`, as the trail writes it) means the same alarm.
  const alarm = filters.alarm.trim().replace(/^alarm:/, '');
  if (user) query.set('user', user);
  if (action) query.set('action', action);
  if (alarm) query.set('alarm', alarm);
  if (before !== null) query.set('before', String(before));
  return query;
}

/** The `before` for the next page, or null when this page was the last (shorter than asked). */
export function nextBefore(page: readonly AuditEntry[], limit = PAGE_SIZE): number | null {
  if (page.length < limit) return null;
  return page.reduce((min, e) => Math.min(min, e.id), Number.POSITIVE_INFINITY);
}

/**
 * An entry's detail on one line: `key: value` pairs for an object, the value itself otherwise,
 * nothing for null. Long values are cut so one entry stays one row.
 */
export function detailText(detail: unknown, max = 160): string {
  if (detail === null || detail === undefined) return '';
  const text =
    typeof detail === 'object' && !Array.isArray(detail)
      ? Object.entries(detail as Record<string, unknown>)
          .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(', ')
      : typeof detail === 'string'
        ? detail
        : JSON.stringify(detail);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
