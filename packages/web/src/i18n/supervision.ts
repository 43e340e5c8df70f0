/** Messages of the supervision area, zh-CN first; en-US must have the same keys (tsc checks it). */
export const supervisionZh = {
  title: '督导评估',
};

export const supervisionEn: typeof supervisionZh = {
  title: 'Supervision',
};
