/** Tables of the workforce module (Drizzle). */
export {};
