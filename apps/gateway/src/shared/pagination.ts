/** Keyset page request: rows with id below `before`/above `after`, newest first unless `inverted`. */
export interface PageRequest {
  after?: number | undefined;
  before?: number | undefined;
  limit: number;
  /** Oldest first (used for backward pagination). */
  inverted?: boolean;
}
