/** Drop null and undefined fields: GraphQL's "not given" becomes the platform client's "absent". */
export function definedFields<T extends Record<string, unknown>>(
  input: T,
): { [K in keyof T]?: Exclude<T[K], null | undefined> } {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value !== null && value !== undefined) out[key] = value;
  }
  return out as { [K in keyof T]?: Exclude<T[K], null | undefined> };
}
