import type { PlatformResult } from "./types.js";

interface ResultDescription {
  httpStatus: number;
  resultcode: string;
  resultdesc: string;
}

const r = (httpStatus: number, resultcode: string, resultdesc: string): ResultDescription =>
  Object.freeze({ httpStatus, resultcode, resultdesc });

/**
 * The platform answers the simulator gives, with Huawei's `resultdesc` texts (docs/axe-platform.md §10).
 * Business errors use HTTP 403 and internal errors 500 (docs/axe-platform.md §16.4).
 */
export const RESULTS = Object.freeze({
  success: r(200, "0", "Success"),
  invalidRequest: r(403, "1010002", "Invalid request."),
  flowControl: r(403, "1010010", "The flow control upper limit is reached on the platform."),
  numberFrozen: r(403, "1010029", "The subscriber status is frozen"),
  accountNotExist: r(403, "1011001", "The account does not exist."),
  numberNotApplied: r(403, "1011004", "The number is not applied for binding application."),
  recordNotExist: r(403, "1012007", "The record does not exist."),
  insufficientResources: r(403, "1012008", "Insufficient number of resources"),
  recordingNotOpen: r(403, "1012012", "Application does not open recording function."),
  numberAbnormal: r(403, "1012102", "The number status is abnormal."),
  extendNumberBound: r(403, "1013102", "The extend number has been bound."),
  ipNotWhitelisted: r(403, "1020166", "The app client ip is not in ip white list."),
  noIdleExtension: r(403, "1020167", "No idle extend Number."),
  lockedOut: r(403, "1020176", "Authentication failed, try again later"),
  internalError: r(500, "1010001", "Internal system error."),
});

/** Name of a result in {@link RESULTS}. */
export type ResultName = keyof typeof RESULTS;

/** A platform answer for `name`, with extra success fields or a `1010002` field name appended to the text. */
export function platformResult(
  name: ResultName,
  extra?: { field?: string; fields?: Record<string, unknown> },
): PlatformResult {
  const d = RESULTS[name];
  const resultdesc = extra?.field ? `${d.resultdesc} ${extra.field}` : d.resultdesc;
  return { httpStatus: d.httpStatus, body: { resultcode: d.resultcode, resultdesc, ...extra?.fields } };
}

/** Shorthand for `1010002 "Invalid request. <field>"`. */
export function invalidRequest(field: string): PlatformResult {
  return platformResult("invalidRequest", { field });
}
