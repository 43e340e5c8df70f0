// pure rules of crisis intervention and referral: one file per rule set, exported here
export {};
export * from './referral.js';
