/** Layout: the header's More menu, the phone layout, and durations of two units. */
export const layoutEn = {
  // Two units of a duration; the second is zero-padded so that a ticking value keeps its width.
  'dur.dh': '{d} d {h} h',
  'dur.hm': '{h} h {m} min',
  'dur.ms': '{m} min {s} s',
} as const satisfies Record<string, string>;

export const layoutZh: Record<keyof typeof layoutEn, string> = {
  // Chinese writes no space between a number and its unit: "4分05秒".
  'dur.dh': '{d}天{h}小时',
  'dur.hm': '{h}小时{m}分',
  'dur.ms': '{m}分{s}秒',
};
