/** Alarm marks on charts and the zone view. */
export const historyEn = {
  'chart.alarm': 'alarm',
  'zone.title': 'Zone: {zone}',
  'zone.open': 'Chart the sensors of {zone}',
  'zone.noMeasured': 'No sensor in this zone measures values (doors and smoke detectors report events).',
  'zone.axes': 'One value axis per unit: %LEL and ppm are never drawn on one scale.',
  'zone.eventSensors.one': '{n} more sensor here reports events only and is not charted.',
  'zone.eventSensors.other': '{n} more sensors here report events only and are not charted.',
  'zone.capped': 'The first {n} of {total} measuring sensors are charted; open a sensor for the others.',
} as const satisfies Record<string, string>;

export const historyZh: Record<keyof typeof historyEn, string> = {
  'chart.alarm': '报警',
  'zone.title': '区域：{zone}',
  'zone.open': '查看 {zone} 的传感器曲线',
  'zone.noMeasured': '该区域没有测量数值的传感器（门禁和烟感只上报事件）。',
  'zone.axes': '每种单位一根数值轴：%LEL 与 ppm 不共用刻度。',
  'zone.eventSensors.one': '另有 {n} 个传感器只上报事件，不绘制曲线。',
  'zone.eventSensors.other': '另有 {n} 个传感器只上报事件，不绘制曲线。',
  'zone.capped': '共 {total} 个测量传感器，仅绘制前 {n} 个；其余请单独打开传感器查看。',
};
