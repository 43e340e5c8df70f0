/** HTTP contracts of the supervision module (zod). */
export {};

// --- the supervision dashboard (helper D2) ---
export * from './supervision-dashboard.js';
