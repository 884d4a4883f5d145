/** Layout: the header's More menu, the phone layout, and durations of two units. */
export const layoutEn = {
  'nav.more': 'More',
  // Shown instead of the full page names where the header is short of room; the full name stays the button's name.
  'nav.short.console': 'Console',
  'nav.short.log': 'Log',
  'nav.short.drills': 'Drills',
  'header.menu': 'Menu',
  // Two units of a duration (client/src/format/duration.format.ts).
  'dur.dh': '{d} d {h} h',
  'dur.hm': '{h} h {m} min',
  'dur.ms': '{m} min {s} s',
} as const satisfies Record<string, string>;

export const layoutZh: Record<keyof typeof layoutEn, string> = {
  'nav.more': '更多',
  'nav.short.console': '控制台',
  'nav.short.log': '记录',
  'nav.short.drills': '演练',
  'header.menu': '菜单',
  // Chinese writes no space between a number and its unit: "2小时5分钟", "4分钟5秒".
  'dur.dh': '{d}天{h}小时',
  'dur.hm': '{h}小时{m}分钟',
  'dur.ms': '{m}分钟{s}秒',
};
