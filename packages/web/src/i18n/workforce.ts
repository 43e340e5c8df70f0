/** Messages of the workforce area, zh-CN first; en-US must have the same keys (tsc checks it). */
export const workforceZh = {
  title: '队伍建设',
};

export const workforceEn: typeof workforceZh = {
  title: 'Workforce',
};
