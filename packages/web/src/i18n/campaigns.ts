/** Messages of the screening campaigns pages, zh-CN first; en-US must have the same keys (tsc checks it). */
export const campaignsZh = {
  title: 'campaigns',
};

export const campaignsEn: typeof campaignsZh = {
  title: 'campaigns',
};
