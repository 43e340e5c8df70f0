/** Messages of referral and return to school, zh-CN first; en-US must have the same keys (tsc checks it). */
export const referralZh = {
  menu: '转介与复学',
};

export const referralEn: typeof referralZh = {
  menu: 'Referral and return to school',
};
