/** Pure rules of the workforce area. */
export {};
