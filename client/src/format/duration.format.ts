/**
 * Durations as people say them: "2 h 5 min", "4 min 5 s", "3 d", "45 s" — "2小时5分钟",
 * "4分钟5秒", "3天", "45秒" — the two largest units, enough at a glance; a unit that is zero
 * is left out ("1 h", not "1 h 00 min").
 */
import type { Translate } from '../i18n/dictionary.ts';

export function formatDuration(ms: number, t: Translate): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3_600);
  const m = Math.floor((total % 3_600) / 60);
  const s = total % 60;
  if (d > 0) return h > 0 ? t('dur.dh', { d, h }) : t('dur.d', { n: d });
  if (h > 0) return m > 0 ? t('dur.hm', { h, m }) : t('dur.h', { n: h });
  if (m > 0) return s > 0 ? t('dur.ms', { m, s }) : t('dur.m', { n: m });
  return t('dur.s', { n: s });
}
