import { CALL_OUTCOMES, type CallOutcome } from "../calls/call-outcome.js";
import type { CallRecordExportFilter } from "./call-record-export.query.js";

/** The query parameters of an export, checked; or the sentence that names the one that is wrong. */
export type ExportParams = { ok: true; filter: CallRecordExportFilter } | { ok: false; error: string };

// An ISO-8601 instant: a date, a time and a zone (Z or ±hh:mm); fractions of a second optional.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
// An X number as stored: digits, optionally after a +.
const NUMBER = /^\+?\d{3,20}$/;
const KNOWN = new Set(["from", "to", "virtualNum", "outcome"]);

function instant(params: URLSearchParams, name: "from" | "to"): Date | string {
  const values = params.getAll(name);
  if (values.length === 0)
    return `Parameter ${name} is required: an ISO-8601 instant such as 2026-06-01T00:00:00Z.`;
  if (values.length > 1) return `Parameter ${name} is given more than once.`;
  const value = values[0]!;
  const date = value.length <= 40 && INSTANT.test(value) ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    return `Parameter ${name} must be an ISO-8601 instant with a zone, such as 2026-06-01T00:00:00Z.`;
  }
  return date;
}

/**
 * Reads `from` and `to` (required ISO-8601 instants, the range [from, to) of call starts), `virtualNum` (an X
 * number) and `outcome` (ANSWERED, UNANSWERED or FAILED, any case). Unknown or repeated parameters are
 * refused rather than ignored: a misspelt filter would otherwise export more than meant.
 */
export function parseExportParams(params: URLSearchParams): ExportParams {
  for (const name of new Set(params.keys())) {
    if (!KNOWN.has(name)) {
      return {
        ok: false,
        error: `Unknown parameter ${JSON.stringify(name.slice(0, 40))}: use from, to, virtualNum, outcome.`,
      };
    }
  }
  const from = instant(params, "from");
  if (typeof from === "string") return { ok: false, error: from };
  const to = instant(params, "to");
  if (typeof to === "string") return { ok: false, error: to };
  if (from.getTime() >= to.getTime()) {
    return { ok: false, error: "Parameter to must be after from: the range is [from, to)." };
  }
  const filter: CallRecordExportFilter = { from, to };
  const virtualNums = params.getAll("virtualNum");
  if (virtualNums.length > 1) return { ok: false, error: "Parameter virtualNum is given more than once." };
  if (virtualNums.length === 1) {
    if (!NUMBER.test(virtualNums[0]!)) {
      return { ok: false, error: "Parameter virtualNum must be a phone number: digits, optionally after +." };
    }
    filter.virtualNum = virtualNums[0]!;
  }
  const outcomes = params.getAll("outcome");
  if (outcomes.length > 1) return { ok: false, error: "Parameter outcome is given more than once." };
  if (outcomes.length === 1) {
    const outcome = outcomes[0]!.toLowerCase() as CallOutcome;
    if (!CALL_OUTCOMES.includes(outcome)) {
      return { ok: false, error: "Parameter outcome must be ANSWERED, UNANSWERED or FAILED." };
    }
    filter.outcome = outcome;
  }
  return { ok: true, filter };
}
