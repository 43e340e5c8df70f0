/** Pure rules of the education area. */
export {};
