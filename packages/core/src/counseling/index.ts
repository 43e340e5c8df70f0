// pure rules of counseling (rooms, appointments, mailbox): one file per rule set, exported here
export * from './rooms.js';
export * from './mailbox.js';
