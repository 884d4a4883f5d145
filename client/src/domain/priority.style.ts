import type { Priority } from '../../../contract/alarm.ts';

export type PriorityIcon = 'octagon' | 'triangle' | 'diamond' | 'circle';

export interface PriorityStyle {
  colorVar: string;
  icon: PriorityIcon;
  /** Text inside the icon, so the icon reads even in greyscale. */
  glyph: string;
  labelKey: `priority.${Priority}`;
}

/** Priority is shown by colour, icon shape and text together (never colour alone). */
export const PRIORITY_STYLES: Record<Priority, PriorityStyle> = {
  critical: { colorVar: '--prio-critical', icon: 'octagon', glyph: '!!', labelKey: 'priority.critical' },
  high: { colorVar: '--prio-high', icon: 'triangle', glyph: '!', labelKey: 'priority.high' },
  medium: { colorVar: '--prio-medium', icon: 'diamond', glyph: '·', labelKey: 'priority.medium' },
  low: { colorVar: '--prio-low', icon: 'circle', glyph: 'i', labelKey: 'priority.low' },
};
