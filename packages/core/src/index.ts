export * from './access/roles.js';
export * from './access/scope.js';
export * from './org/org.js';
export * from './roster/cells.js';
export * from './roster/columns.js';
export * from './roster/students.js';
export * from './roster/staff.js';
export * as contracts from './contracts/index.js';
export * from './instruments/index.js';
