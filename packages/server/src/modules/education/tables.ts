/** Tables of the education module (Drizzle). */
export {};
