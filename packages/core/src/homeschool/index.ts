/** Pure rules of the homeschool area. */
export {};
