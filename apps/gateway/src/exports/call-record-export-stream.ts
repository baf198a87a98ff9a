import type { Executor } from "../database/database.js";
import {
  type CallRecordExportFilter,
  type ExportPosition,
  exportUpperBound,
  readExportPage,
} from "./call-record-export.query.js";
import type { ExportColumn } from "./call-record-export-columns.js";
import type { ExportFormat } from "./export-format.js";

/** How an export ended, for its audit line. */
export type ExportResult = "completed" | "client went away" | "failed";

/** What {@link callRecordExportStream} needs. */
export interface CallRecordExportStreamOptions {
  db: Executor;
  filter: CallRecordExportFilter;
  format: ExportFormat;
  columns: readonly ExportColumn[];
  /** Rows read per query. */
  pageSize: number;
  /** Aborted when the client goes away (the request's signal). */
  signal: AbortSignal;
  /** Called once, when the export ends, with the rows written so far. */
  onEnd(result: ExportResult, rows: number, error?: unknown): void;
  /**
   * Called on a database error mid-stream: breaks the client's connection, so that it sees an incomplete
   * transfer, never a file that looks complete. Returns false when there is no connection to break (a
   * request made in-process): the stream errors instead.
   */
  breakConnection(): boolean;
}

/**
 * The export as a byte stream that reads the database one keyset page at a time, and only when its consumer
 * asks for more: `pull` runs a query when the HTTP response has written what came before (a client that
 * stops reading stops the queries; the memory held is a page and the socket's buffers, whatever the range).
 * The set exported is fixed when it starts: CDRs of the range stored up to the highest row id then.
 *
 * Why keyset pages and not a server-side cursor: a cursor pins a pooled connection and an open transaction
 * for as long as the slowest client takes to download (and PostgreSQL ends a session idle in a transaction
 * after `idle_in_transaction_session_timeout`, 10 s on every gateway connection, see database/database.ts,
 * which a slow reader reaches), while each page here is one short statement on whatever connection is free;
 * and PGlite's Kysely dialect cannot stream rows at all.
 */
export function callRecordExportStream(options: CallRecordExportStreamOptions): ReadableStream<Uint8Array> {
  const { db, filter, format, columns, pageSize, signal } = options;
  const encoder = new TextEncoder();
  let maxId: number | undefined;
  let after: ExportPosition | undefined;
  let rows = 0;
  let ended = false;
  const end = (result: ExportResult, error?: unknown) => {
    if (ended) return;
    ended = true;
    signal.removeEventListener("abort", onAbort);
    options.onEnd(result, rows, error);
  };
  const onAbort = () => end("client went away");
  signal.addEventListener("abort", onAbort);

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (ended) return;
        try {
          let text = "";
          if (maxId === undefined) {
            maxId = await exportUpperBound(db);
            text += format.head(columns);
          }
          const page = await readExportPage(db, filter, { columns, maxId, after, limit: pageSize });
          if (ended) return;
          rows += page.rows.length;
          text += format.rows(columns, page.rows);
          after = page.next;
          if (text !== "") controller.enqueue(encoder.encode(text));
          if (after === undefined) {
            controller.close();
            end("completed");
          }
        } catch (error) {
          if (ended) return;
          end("failed", error);
          // With the connection broken, closing the stream only lets the response's writer finish quietly.
          if (options.breakConnection()) controller.close();
          else controller.error(error);
        }
      },
      cancel() {
        end("client went away");
      },
    },
    // Nothing is read ahead: a page is queried only when the response asks for the next chunk.
    { highWaterMark: 0 },
  );
}
