/** NFPA 72 signal classes as the console names them (contract/alarm.ts ALARM_CLASSES). */
export const sprinklerEn = {
  'class.alarm': 'Alarm',
  'class.supervisory': 'Supervisory',
  'class.trouble': 'Trouble',
} as const;

export const sprinklerZh: Record<keyof typeof sprinklerEn, string> = {
  'class.alarm': '报警',
  'class.supervisory': '监管',
  'class.trouble': '故障',
};
