/** HTTP contracts of the workforce module (zod). */
export {};
