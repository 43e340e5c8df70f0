/** Messages of crisis intervention, zh-CN first; en-US must have the same keys (tsc checks it). */
export const crisisZh = {
  menu: '危机干预',
};

export const crisisEn: typeof crisisZh = {
  menu: 'Crisis intervention',
};
