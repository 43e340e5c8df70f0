/** HTTP contracts of the supervision module (zod). */
export {};
