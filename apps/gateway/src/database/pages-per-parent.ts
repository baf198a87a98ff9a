import { sql } from "kysely";
import type { PageRequest } from "../shared/pagination.js";
import type { Database, Executor } from "./database.js";

/** What {@link pagesPerParent} reads. */
export interface PagesPerParentQuery<Table extends keyof Database> {
  table: Table;
  /** The column that names a row's parent (the connection's owner). */
  parentColumn: keyof Database[Table] & string;
  /** The parents, one page each. */
  parentIds: readonly string[];
  /** The same page for every parent. */
  page: PageRequest;
  /** The columns to read (`id` and `parentColumn` are always read); absent: every column. */
  columns?: readonly (keyof Database[Table] & string)[] | undefined;
}

/**
 * One keyset page of rows (by numeric `id`, newest first unless `inverted`) for each of many parents, in one
 * statement: a connection under each of a hundred parents is one query, not a hundred. Each parent's page is
 * a LATERAL subquery over the `(parent, id)` index that stops at the page size, so a parent with many rows
 * costs no more than one with a page's worth. Rows come back grouped by parent in the order of `parentIds`,
 * each group in page order.
 */
export async function pagesPerParent<Table extends keyof Database, Row>(
  db: Executor,
  { table, parentColumn, parentIds, page, columns }: PagesPerParentQuery<Table>,
): Promise<Row[]> {
  const parents = [...new Set(parentIds)];
  if (parents.length === 0) return [];
  const selected = columns
    ? sql.join([...new Set(["id", parentColumn, ...columns])].map((column) => sql.ref(`t.${column}`)))
    : sql`t.*`;
  const conditions = [sql`${sql.ref(`t.${parentColumn}`)} = p.parent`];
  if (page.after !== undefined) conditions.push(sql`t.id < ${page.after}`);
  if (page.before !== undefined) conditions.push(sql`t.id > ${page.before}`);
  const direction = page.inverted ? sql`asc` : sql`desc`;
  const { rows } = await sql<Row>`
    select r.*
      from unnest(${parents}::text[]) with ordinality as p(parent, ord)
     cross join lateral (select ${selected} from ${sql.table(table)} as t
                          where ${sql.join(conditions, sql` and `)}
                          order by t.id ${direction}
                          limit ${page.limit}) as r
     order by p.ord, r.id ${direction}`.execute(db);
  return rows;
}
