/** Tables of the supervision module (Drizzle). */
export {};
