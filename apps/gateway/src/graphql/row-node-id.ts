/**
 * Node IDs for rows keyed by a platform ID that the platform may reuse (a binding's subscriptionId, a CDR's
 * icid): the main row keeps the bare platform ID (the IDs clients already hold stay valid), any other row of
 * the same platform ID gets `platformId#rowId`, so that every node ID names one row.
 */
export function rowNodeId(platformId: string, rowId: number, isMain: boolean): string {
  return isMain ? platformId : `${platformId}#${rowId}`;
}

/** A node ID made by {@link rowNodeId}, split; `rowId` is absent for a bare platform ID. */
export function parseRowNodeId(id: string): { platformId: string; rowId?: number } {
  const match = /^(.*)#(\d{1,15})$/s.exec(id);
  return match ? { platformId: match[1]!, rowId: Number(match[2]) } : { platformId: id };
}

/**
 * Load the row a node ID names: by row id when it has one (and that row carries the platform ID), else, as
 * for an ID that merely ends in `#digits`, the main row of the whole ID.
 */
export async function loadRowNode<Row>(
  id: string,
  byRowId: (rowId: number) => Promise<Row | undefined>,
  platformIdOf: (row: Row) => string,
  main: (platformId: string) => Promise<Row | undefined>,
): Promise<Row | null> {
  const { platformId, rowId } = parseRowNodeId(id);
  if (rowId !== undefined) {
    const row = await byRowId(rowId);
    if (row && platformIdOf(row) === platformId) return row;
  }
  return (await main(id)) ?? null;
}
