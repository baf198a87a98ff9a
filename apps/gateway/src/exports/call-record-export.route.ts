import type { Plugin } from "graphql-yoga";
import type { Authenticator } from "../auth/authenticator.js";
import { AuthenticationError, type Caller } from "../auth/caller.js";
import { hasRole } from "../auth/roles.js";
import type { Executor } from "../database/database.js";
import { jsonResponse, useGetRoute } from "../ops/get-route.js";
import type { Logger } from "../shared/logger.js";
import { CALL_RECORD_EXPORT_COLUMNS } from "./call-record-export-columns.js";
import { callRecordExportStream } from "./call-record-export-stream.js";
import { CSV_FORMAT, type ExportFormat, JSONL_FORMAT } from "./export-format.js";
import { parseExportParams } from "./export-params.js";

/** The export's paths, one per format. */
export const CALL_RECORD_EXPORT_PATHS = ["/exports/call-records.csv", "/exports/call-records.jsonl"] as const;

/** Rows per query of an export. */
export const DEFAULT_EXPORT_PAGE_SIZE = 1000;

/** What {@link useCallRecordExport} needs. */
export interface CallRecordExportOptions {
  db: Executor;
  /** Checks the Bearer credentials, as for GraphQL. */
  authenticator: Authenticator;
  logger: Logger;
  /** Rows per query. @default DEFAULT_EXPORT_PAGE_SIZE */
  pageSize?: number | undefined;
  /** Told of a refused credential, to log it as GraphQL's refusals are (given by the composition root). */
  onRefusal?: (error: AuthenticationError) => void;
}

const CHALLENGE = { "www-authenticate": 'Bearer realm="privnum"' };

/**
 * `GET /exports/call-records.csv` and `.jsonl`: the CDRs whose call started in [from, to), streamed (see
 * call-record-export-stream.ts), for operators and admins (numbers whole, as they see them in GraphQL); a
 * viewer, who sees numbers masked, is refused. One audit line per export: who, which range and filters
 * (whether an X was given, never the number), how many rows, and how it ended.
 */
export function useCallRecordExport(options: CallRecordExportOptions): Plugin[] {
  const logger = options.logger.child({ component: "exports" });
  const pageSize = options.pageSize ?? DEFAULT_EXPORT_PAGE_SIZE;
  const route = (format: ExportFormat) =>
    useGetRoute(`/exports/call-records.${format.extension}`, async (request, serverContext) => {
      let caller: Caller;
      try {
        caller = await options.authenticator.authenticate(request.headers.get("authorization"));
      } catch (error) {
        if (!(error instanceof AuthenticationError)) throw error;
        options.onRefusal?.(error);
        return jsonResponse(401, { error: error.message }, CHALLENGE);
      }
      if (!hasRole(caller.role, "operator")) {
        return jsonResponse(403, {
          error: `The ${caller.role} role may not export call records: exports hold whole phone numbers.`,
        });
      }
      const params = parseExportParams(new URL(request.url).searchParams);
      if (!params.ok) return jsonResponse(400, { error: params.error });
      const { filter } = params;
      const stamp = (date: Date) =>
        date
          .toISOString()
          .replace(/\.000Z$/, "Z")
          .replace(/:/g, "");
      const headers = {
        "content-type": format.contentType,
        "content-disposition": `attachment; filename="call-records-${stamp(filter.from)}-${stamp(filter.to)}.${format.extension}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      };
      if (request.method === "HEAD") return new Response(null, { status: 200, headers });
      const audit = {
        actor: caller.actor,
        role: caller.role,
        format: format.extension,
        from: filter.from.toISOString(),
        to: filter.to.toISOString(),
        byVirtualNum: filter.virtualNum !== undefined,
        outcome: filter.outcome ?? null,
      };
      const body = callRecordExportStream({
        db: options.db,
        filter,
        format,
        columns: CALL_RECORD_EXPORT_COLUMNS,
        pageSize,
        signal: request.signal,
        onEnd: (result, rows, error) => {
          if (result === "failed")
            logger.error({ ...audit, rows, result, err: error }, "call-record export failed");
          else logger.info({ ...audit, rows, result }, "call-record export");
        },
        // A response ended normally would look like a complete (shorter) file: break the connection.
        breakConnection: () => {
          if (!serverContext.res) return false;
          serverContext.res.destroy();
          return true;
        },
      });
      return new Response(body, { status: 200, headers });
    });
  return [route(CSV_FORMAT), route(JSONL_FORMAT)];
}
