/** The plan following new alarms, the "Go to" prompt, floor overflow and the all-sites overview. */
export const followEn = {
  'follow.toggle': 'Follow alarms',
  'follow.toggleHint': 'The plan goes to each new alarm of the highest priority present, unless you used the console in the last 30 s',
  'follow.prompt': 'New alarm: {priority}',
  'follow.where': '{site} · {floor}',
  'follow.go': 'Go to',
  'follow.goTo': 'Go to {sensor}',
  'follow.dismiss': 'Dismiss',
  'follow.followed': 'new alarm, followed here',
  'plan.moreFloors': 'More floors',
  'plan.moreFloorsLabel': '{n} more floors, {attention} need attention',
  'sites.title': 'All sites',
  'sites.unacked': '{n} unacknowledged',
  'sites.option': '{name} — {n} unacknowledged',
  'sites.show': 'Show {site}',
} as const satisfies Record<string, string>;

export const followZh: Record<keyof typeof followEn, string> = {
  'follow.toggle': '跟随报警',
  'follow.toggleHint': '出现当前最高优先级的新报警时，平面图自动跳转过去；若您在 30 秒内操作过控制台则不跳转',
  'follow.prompt': '新报警：{priority}',
  'follow.where': '{site} · {floor}',
  'follow.go': '前往',
  'follow.goTo': '前往 {sensor}',
  'follow.dismiss': '忽略',
  'follow.followed': '新报警，已跳转至此',
  'plan.moreFloors': '更多楼层',
  'plan.moreFloorsLabel': '另有 {n} 个楼层，{attention} 处需要关注',
  'sites.title': '所有园区',
  'sites.unacked': '{n} 条未确认',
  'sites.option': '{name} — {n} 条未确认',
  'sites.show': '查看 {site}',
};
