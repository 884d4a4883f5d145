/** Camera evidence in the alarm detail: the stills taken when the alarm was raised, and the live view. */
export const cameraEn = {
  'camera.title': 'Camera evidence',
  'camera.loading': 'Loading the camera stills…',
  'camera.error': 'The camera stills could not be loaded: {msg}',
  'camera.waiting': 'Taking stills from {name}…',
  'camera.none': 'No stills were taken for this alarm.',
  'camera.shot': 'Still {n}',
  'camera.failed': 'No still from {name}: {reason}',
  'camera.simulated': 'Simulated camera (test pattern)',
  'camera.live': 'Live view',
  'camera.liveOf': 'Live view: {name}',
  'camera.closeLive': 'Close live view',
  'camera.liveFailed': 'The live view of {name} is not available (the camera did not answer).',
  'camera.sha': 'SHA-256 {hash}',
  'camera.open': 'Open full size',
} as const;

export const cameraZh: Record<keyof typeof cameraEn, string> = {
  'camera.title': '摄像机证据',
  'camera.loading': '正在加载摄像机截图…',
  'camera.error': '无法加载摄像机截图：{msg}',
  'camera.waiting': '正在从{name}截图…',
  'camera.none': '此报警没有截图。',
  'camera.shot': '截图 {n}',
  'camera.failed': '{name}没有截图：{reason}',
  'camera.simulated': '模拟摄像机（测试图案）',
  'camera.live': '实时画面',
  'camera.liveOf': '实时画面：{name}',
  'camera.closeLive': '关闭实时画面',
  'camera.liveFailed': '{name}的实时画面不可用（摄像机无响应）。',
  'camera.sha': 'SHA-256 {hash}',
  'camera.open': '查看原图',
};
