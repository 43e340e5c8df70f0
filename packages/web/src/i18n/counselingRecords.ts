/** Messages of session records, mailbox and hotline, zh-CN first; en-US must have the same keys (tsc checks it). */
export const counselingRecordsZh = {
  menu: '咨询记录、信箱与热线',
};

export const counselingRecordsEn: typeof counselingRecordsZh = {
  menu: 'Session records, mailbox and hotline',
};
