/** Sound, and the server-trouble banner. */
export const soundEn = {
  'sound.mute': 'Mute sound',
  'sound.sounding': 'Mute…',
  'sound.muteFor': 'Mute for {n} min',
  'sound.mutedUntil': 'Sound muted until {time} — new alarms still sound',
  'sound.unmute': 'Unmute',
  'sound.blocked': 'The browser is blocking alarm sounds.',
  'sound.enable': 'Click here to enable sound',
  'sound.unsupported': 'This browser cannot play alarm sounds: watch the screen.',
  'trouble.influx': 'Readings are being buffered: InfluxDB unreachable since {time}',
  'trouble.outbox': '{n} readings waiting in the outbox',
  'trouble.outboxGrowing': 'Outbox growing: {n} readings not yet written to InfluxDB (since {time})',
  'trouble.broker': 'MQTT broker unreachable since {time}: sensor messages are not arriving',
  'trouble.detail': 'Server says: {detail}',
} as const satisfies Record<string, string>;

export const soundZh: Record<keyof typeof soundEn, string> = {
  'sound.mute': '静音',
  'sound.sounding': '静音…',
  'sound.muteFor': '静音 {n} 分钟',
  'sound.mutedUntil': '已静音至 {time} — 新报警仍会响铃',
  'sound.unmute': '取消静音',
  'sound.blocked': '浏览器阻止了报警声音。',
  'sound.enable': '点击此处启用声音',
  'sound.unsupported': '此浏览器无法播放报警声音：请留意屏幕。',
  'trouble.influx': '读数正在缓存：InfluxDB 自 {time} 起无法连接',
  'trouble.outbox': '待写队列中有 {n} 条读数',
  'trouble.outboxGrowing': '待写队列增长中：{n} 条读数尚未写入 InfluxDB（自 {time} 起）',
  'trouble.broker': 'MQTT 消息代理自 {time} 起无法连接：传感器消息无法到达',
  'trouble.detail': '服务器信息：{detail}',
};
