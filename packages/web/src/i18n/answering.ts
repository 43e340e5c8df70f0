/** Messages of the screening answering pages, zh-CN first; en-US must have the same keys (tsc checks it). */
export const answeringZh = {
  title: 'answering',
};

export const answeringEn: typeof answeringZh = {
  title: 'answering',
};
