// Every module's tables, for drizzle-kit and for typed queries.
export * from '../modules/org/tables.js';
export * from '../modules/auth/tables.js';
export * from '../modules/access/tables.js';
export * from '../modules/audit/tables.js';
export * from '../modules/notify/tables.js';
export * from '../modules/screening/tables.js';
export * from '../modules/warning/tables.js';
export * from '../modules/committee/tables.js';
export * from '../modules/care/tables.js';
export * from '../modules/sweep/tables.js';
export * from '../modules/staffcare/tables.js';
export * from '../modules/counseling/tables.js';
export * from '../modules/crisis/tables.js';
export * from '../modules/education/tables.js';
export * from '../modules/workforce/tables.js';
export * from '../modules/homeschool/tables.js';
export * from '../modules/supervision/tables.js';
