/** Messages of the screening results pages, zh-CN first; en-US must have the same keys (tsc checks it). */
export const resultsZh = {
  title: 'results',
};

export const resultsEn: typeof resultsZh = {
  title: 'results',
};
