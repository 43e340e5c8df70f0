/** Tables of the homeschool module (Drizzle). */
export {};
