/** HTTP contracts of the homeschool module (zod). */
export {};
