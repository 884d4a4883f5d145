/** The live link: the comm-lost tone in the lost-connection banner, and health chips whose answer is late. */
export const linkEn = {
  'link.silence': 'Silence tone',
  'link.silenced': 'Tone silenced for this outage',
  'link.blocked': 'The browser is blocking the tone',
  'link.enable': 'Enable sound',
  'link.unsupported': 'No tone: this browser cannot play sound',
  'health.late': 'No answer from the server for {n} s: state unknown',
} as const satisfies Record<string, string>;

export const linkZh: Record<keyof typeof linkEn, string> = {
  'link.silence': '静音提示音',
  'link.silenced': '本次中断的提示音已静音',
  'link.blocked': '浏览器阻止了提示音',
  'link.enable': '启用声音',
  'link.unsupported': '无提示音：此浏览器无法播放声音',
  'health.late': '服务器 {n} 秒未应答：状态未知',
};
