// New CDRs received live, folded in front of the page the gateway returned: newest first, none twice.

/** Anything with the id of a CallRecord node. */
export interface HasId {
  id: string;
}

/**
 * The rows to show: the live ones not (yet) in `page`, newest received first, then `page`. A refetch that
 * brings a live row into `page` shows it once, at its place in the page.
 */
export function mergeLiveRecords<T extends HasId>(live: readonly T[], page: readonly T[]): T[] {
  const inPage = new Set(page.map((row) => row.id));
  const seen = new Set<string>();
  const fresh: T[] = [];
  for (const row of live) {
    if (inPage.has(row.id) || seen.has(row.id)) continue;
    seen.add(row.id);
    fresh.push(row);
  }
  return [...fresh, ...page];
}

/** `live` with `row` received: in front, replacing an older copy of the same CDR. */
export function addLiveRecord<T extends HasId>(live: readonly T[], row: T): T[] {
  return [row, ...live.filter((other) => other.id !== row.id)];
}
