/** Messages of the education area, zh-CN first; en-US must have the same keys (tsc checks it). */
export const educationZh = {
  title: '健康教育',
};

export const educationEn: typeof educationZh = {
  title: 'Education',
};
