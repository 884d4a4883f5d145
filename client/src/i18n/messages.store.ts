/** Several servers: the trouble banner's line for a shared database (PostgreSQL) that does not answer. */
export const storeEn = {
  'trouble.store': 'Database unreachable since {time}: new alarms and acknowledgements are not being recorded',
} as const satisfies Record<string, string>;

export const storeZh: Record<keyof typeof storeEn, string> = {
  'trouble.store': '数据库自 {time} 起无法连接：新报警和确认未被记录',
};
