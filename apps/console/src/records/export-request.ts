// The call-record export (`GET /exports/call-records.csv|.jsonl`): its URL for the page's filters, and the
// request, which needs the `Authorization` header (so it cannot be a plain link) and whose 4xx answers say why.
import type { RecordsView } from "./records-view.js";

/** A file format of the export. */
export type ExportFormat = "csv" | "jsonl";

/** Why an export could not be fetched. */
export class ExportError extends Error {
  override name = "ExportError";
  constructor(
    readonly code: "REFUSED" | "UNREACHABLE" | "INTERRUPTED",
    message: string,
  ) {
    super(message);
  }
}

/**
 * The export's path and query for `view`'s time range, X and outcome (the export filters by nothing else). A
 * missing end of the range is left out: the gateway names it in its 400.
 */
export function exportUrl(format: ExportFormat, view: RecordsView): string {
  const search = new URLSearchParams();
  if (view.from) search.set("from", view.from);
  if (view.to) search.set("to", view.to);
  if (view.virtualNum) search.set("virtualNum", view.virtualNum);
  if (view.outcome) search.set("outcome", view.outcome);
  const query = search.toString();
  return `/exports/call-records.${format}${query ? `?${query}` : ""}`;
}

/** The file name a `Content-Disposition` header gives, or `fallback`. */
export function fileNameOf(disposition: string | null, fallback: string): string {
  const match = disposition?.match(/filename="([^"/\\]+)"/);
  return match?.[1] ?? fallback;
}

/** Fetch the export at `url` (relative to `origin`) with `credential`; throws an {@link ExportError}. */
export async function fetchExport(
  url: string,
  credential: string,
  origin: string = window.location.origin,
  fetchImpl: typeof fetch = fetch,
): Promise<{ blob: Blob; fileName: string }> {
  let response: Response;
  try {
    response = await fetchImpl(`${origin}${url}`, { headers: { authorization: `Bearer ${credential}` } });
  } catch {
    throw new ExportError("UNREACHABLE", "The gateway cannot be reached. Is it running?");
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as { error?: string } | undefined;
    throw new ExportError(
      "REFUSED",
      body?.error
        ? `The export was refused: ${body.error}`
        : `The export was refused (HTTP ${response.status}).`,
    );
  }
  let blob: Blob;
  try {
    blob = await response.blob();
  } catch {
    // The gateway breaks the connection when the database fails mid-export: the file would be incomplete.
    throw new ExportError("INTERRUPTED", "The export was interrupted before its end; try again.");
  }
  const extension = url.includes(".jsonl") ? "jsonl" : "csv";
  return {
    blob,
    fileName: fileNameOf(response.headers.get("content-disposition"), `call-records.${extension}`),
  };
}
