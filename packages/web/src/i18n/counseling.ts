/** Messages of counseling rooms and appointments, zh-CN first; en-US must have the same keys (tsc checks it). */
export const counselingZh = {
  menu: '心理辅导室与预约',
};

export const counselingEn: typeof counselingZh = {
  menu: 'Counseling rooms and appointments',
};
