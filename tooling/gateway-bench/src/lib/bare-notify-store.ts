// What P2's bare baseline stores: each push's body as it came, one row per push in `received_notifications`
// (the table where the gateway keeps every body it accepts), a whole batch in one multi-row insert.
import pg from "pg";

/** One received push: its bytes and its `Content-Type`, nothing parsed. */
export interface ReceivedBody {
  body: Buffer;
  contentType: string | null;
}

const INSERT_BODIES = `
insert into received_notifications (path, content_type, verdict, http_status, body, body_size)
select '/notify', r.content_type, 'accepted', 200, r.body, octet_length(r.body)
from unnest($1::bytea[], $2::text[]) as r(body, content_type)`;

/** Store `bodies` in one statement (one commit). */
export async function storeBodies(pool: pg.Pool, bodies: readonly ReceivedBody[]): Promise<void> {
  await pool.query({
    name: "bare_notify_insert",
    text: INSERT_BODIES,
    values: [bodies.map((b) => b.body), bodies.map((b) => b.contentType)],
  });
}

/** A pool the size of the gateway's (`pg`'s default there: 10 connections). */
export function openBodyPool(databaseUrl: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10, idleTimeoutMillis: 0 });
  pool.on("error", () => {});
  return pool;
}
