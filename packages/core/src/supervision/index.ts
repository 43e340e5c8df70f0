/** Pure rules of the supervision area. */
export {};
