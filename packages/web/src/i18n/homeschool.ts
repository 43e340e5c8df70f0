/** Messages of the homeschool area, zh-CN first; en-US must have the same keys (tsc checks it). */
export const homeschoolZh = {
  title: '家校社协同',
};

export const homeschoolEn: typeof homeschoolZh = {
  title: 'Home–school',
};
