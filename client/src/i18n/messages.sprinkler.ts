/** NFPA 72 signal classes as the console and the drill report name them (contract/alarm.ts ALARM_CLASSES), and the report's sprinkler counts. */
export const sprinklerEn = {
  'class.alarm': 'Alarm',
  'class.supervisory': 'Supervisory',
  'class.trouble': 'Trouble',
  'report.signals': 'Signals',
  'reports.byClass': 'Per signal class (NFPA 72)',
  'reports.col.class': 'Signal class',
  'report.signalsValue': '{alarm} alarm, {supervisory} supervisory, {trouble} trouble; sprinklers: {waterflow} water flow, {valve} valve',
} as const;

export const sprinklerZh: Record<keyof typeof sprinklerEn, string> = {
  'class.alarm': '报警',
  'class.supervisory': '监管',
  'class.trouble': '故障',
  'report.signals': '信号',
  'reports.byClass': '按信号类别（NFPA 72）',
  'reports.col.class': '信号类别',
  'report.signalsValue': '报警 {alarm}，监管 {supervisory}，故障 {trouble}；喷淋：水流 {waterflow}，阀门 {valve}',
};
