export * from './common.js';
export * from './auth.js';
export * from './org.js';
export * from './admin.js';
export * from './notify.js';
export * from './screening.js';
export * from './warning.js';
export * from './committee.js';
