/** Placeholder. */
export const x = 1;
