/** The full-page sensor history: zoom, comparison with the previous period, clipped values, CSV. */
export const chartsEn = {
  'charts.openPage': 'Open full page',
  'charts.pageTitle': '{sensor} — history',
  'charts.back': 'Back to the console',
  'charts.unknownSensor': 'No sensor {id} in this facility',
  'charts.compare': 'Compare with the previous period',
  'charts.previous': 'previous period',
  'charts.zoomHint': 'Drag across the chart to zoom in',
  'charts.resetZoom': 'Reset zoom',
  'charts.zoomed': 'Zoomed: {from} – {to}',
  'charts.csv': 'Export CSV',
  'charts.clipped.one': '{n} extreme value is drawn at the edge of the chart with its real value',
  'charts.clipped.other': '{n} extreme values are drawn at the edge of the chart with their real value',
  'charts.alarms': 'Alarms in this range: {n}',
} as const satisfies Record<string, string>;

export const chartsZh: Record<keyof typeof chartsEn, string> = {
  'charts.openPage': '打开完整页面',
  'charts.pageTitle': '{sensor} — 历史',
  'charts.back': '返回控制台',
  'charts.unknownSensor': '本设施中没有传感器 {id}',
  'charts.compare': '与上一周期对比',
  'charts.previous': '上一周期',
  'charts.zoomHint': '在图表上拖动以放大',
  'charts.resetZoom': '重置缩放',
  'charts.zoomed': '已放大：{from} – {to}',
  'charts.csv': '导出 CSV',
  'charts.clipped.one': '{n} 个极端值画在图表边缘，并标出其实际数值',
  'charts.clipped.other': '{n} 个极端值画在图表边缘，并标出其实际数值',
  'charts.alarms': '此范围内的报警：{n}',
};
