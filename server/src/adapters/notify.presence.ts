/**
 * The line an escalation message adds about the people its alarm's raise found in the zone
 * (docs/contracts.md#presence-in-hazard-zones), in the facility's language. Names belong in
 * notifications (they are for people); unknown badges are already masked.
 */
import type { AlarmPresence, PresentPerson, TextLanguage } from '../../../contract/index.ts';

const person = (p: PresentPerson, lang: TextLanguage): string => {
  const name = lang === 'zh' ? (p.nameZh ?? p.name) : p.name;
  return name === undefined ? p.badge : `${name} (${p.badge})`;
};

export function presenceLine(presence: AlarmPresence, lang: TextLanguage): string {
  const h = presence.windowHours;
  const names = presence.people.map((p) => person(p, lang));
  if (lang === 'zh')
    return names.length === 0
      ? `过去 ${h} 小时内刷卡进入本区域且未刷卡离开的人员：无`
      : `过去 ${h} 小时内刷卡进入本区域且未刷卡离开的人员（${names.length} 人）：${names.join('、')}`;
  const head = `People who badged into this zone in the last ${h} h and have not badged out`;
  return names.length === 0 ? `${head}: none` : `${head} (${names.length}): ${names.join(', ')}`;
}
