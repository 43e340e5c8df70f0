// pure rules of crisis intervention and referral: one file per rule set, exported here
export {};
export * from './cases.js';
export * from './referral.js';
