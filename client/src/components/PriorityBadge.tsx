import { PRIORITY_STYLES } from '../domain/priority.style.ts';
import type { Priority } from '../../../contract/alarm.ts';
import { useI18n } from '../i18n/I18nContext.ts';
import { ShapeIcon } from './ShapePath.tsx';

/** Priority by colour, icon and word together. */
export function PriorityBadge({ priority }: { priority: Priority }) {
  const { t } = useI18n();
  const style = PRIORITY_STYLES[priority];
  return (
    <span className={`priority priority--${priority}`} data-priority={priority}>
      <ShapeIcon shape={style.icon} color={`var(${style.colorVar})`} glyph={style.glyph} size="1.9em" />
      <span className="priority__label">{t(style.labelKey)}</span>
    </span>
  );
}
