/** HTTP contracts of the education module (zod). */
export {};
