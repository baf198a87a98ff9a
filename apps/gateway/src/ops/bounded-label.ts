/** Label value for a value that did not fit: too long, malformed, or past the limit of distinct values. */
export const OTHER_LABEL = "(other)";

/** Options for {@link createBoundedLabel}. */
export interface BoundedLabelOptions {
  /** Distinct values kept as themselves; later new ones become {@link OTHER_LABEL}. */
  maxValues: number;
  /** What a value must look like to be kept as itself. */
  pattern: RegExp;
}

/**
 * Label values taken from what clients send (GraphQL operation names, error codes) with a bounded number of
 * distinct values, so that no client can grow the metrics without end: the first `maxValues` well-formed
 * values are kept as themselves, every other one is counted as {@link OTHER_LABEL}.
 */
export function createBoundedLabel(options: BoundedLabelOptions): (value: string) => string {
  const kept = new Set<string>();
  return (value) => {
    if (kept.has(value)) return value;
    if (!options.pattern.test(value) || kept.size >= options.maxValues) return OTHER_LABEL;
    kept.add(value);
    return value;
  };
}
