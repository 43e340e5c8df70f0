/** Startup errors a person can act on: printed as a sentence, without a stack trace. */
export class DataDirLockedError extends Error {}
