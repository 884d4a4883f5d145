/** Several servers: the trouble banner's line for a site no server runs. */
export const clusterEn = {
  'trouble.cluster.one': 'No server is running site {sites} (since {time}): its alarms and readings are not being processed',
  'trouble.cluster.other': 'No server is running sites {sites} (since {time}): their alarms and readings are not being processed',
} as const satisfies Record<string, string>;

export const clusterZh: Record<keyof typeof clusterEn, string> = {
  'trouble.cluster.one': '没有服务器在运行站点 {sites}（自 {time} 起）：其报警和读数未被处理',
  'trouble.cluster.other': '没有服务器在运行站点 {sites}（自 {time} 起）：其报警和读数未被处理',
};
