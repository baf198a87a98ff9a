import { stringify } from "csv-stringify/sync";
import type { CallRecordExportRow, ExportColumn, ExportValue } from "./call-record-export-columns.js";

/** A file format of the export. */
export interface ExportFormat {
  /** The file name's extension (and the route's). */
  extension: "csv" | "jsonl";
  contentType: string;
  /** What the file starts with, before any row (the CSV header row; nothing for JSONL). */
  head(columns: readonly ExportColumn[]): string;
  /** One page of rows as text, each row ending in a newline. */
  rows(columns: readonly ExportColumn[], rows: readonly CallRecordExportRow[]): string;
}

const cells = (columns: readonly ExportColumn[], row: CallRecordExportRow): ExportValue[] =>
  columns.map((column) => column.value(row));

/**
 * CSV (RFC 4180, by csv-stringify): a header row, then one line per CDR; a value with a comma, quote or line
 * break is quoted, null is an empty cell, booleans are `true` / `false`.
 */
export const CSV_FORMAT: ExportFormat = {
  extension: "csv",
  contentType: "text/csv; charset=utf-8",
  head: (columns) => stringify([columns.map((c) => c.name)]),
  rows: (columns, rows) =>
    rows.length === 0
      ? ""
      : stringify(
          rows.map((row) => cells(columns, row)),
          { cast: { boolean: (value) => (value ? "true" : "false") } },
        ),
};

/** JSON Lines: one JSON object per CDR and line, keyed by the column names. */
export const JSONL_FORMAT: ExportFormat = {
  extension: "jsonl",
  contentType: "application/x-ndjson",
  head: () => "",
  rows: (columns, rows) => {
    let text = "";
    for (const row of rows) {
      const object: Record<string, ExportValue> = {};
      for (const column of columns) object[column.name] = column.value(row);
      text += `${JSON.stringify(object)}\n`;
    }
    return text;
  },
};
