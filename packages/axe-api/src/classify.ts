import type { AxeErrorCategory } from "./errors.js";

/** HTTP methods the client sends. */
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

const AUTHENTICATION_CODES = new Set([
  "1010003", // Invalid app_key.
  "1010004", // The status of the app_key is unavailable.
  "1010008", // (same, in some tables)
  "1010013", // Time out limit. (Created too far from the platform's clock)
  "1010040", // The app_key is not allowed to invoke the API.
  "1020150", // The app_key is invalid.
  "1020166", // The app client ip is not in ip white list.
  "1020176", // Authentication failed, try again later (IP locked out)
]);

const INVALID_REQUEST_CODES = new Set([
  "1010002", // Invalid request.
  "1010006", // Invalid Rest API.
  "1011001", // Account does not exist. (X not of this app)
  "1011004", // The number is not applied for binding application.
  "1012001", // Resource of number is not to be applied.
  "1012012", // Application does not open recording function.
]);

const NOT_FOUND_CODES = new Set([
  "1012007", // The record does not exist.
  "1016001", // The record does not exist. (recording)
]);

const NO_RESOURCES_CODES = new Set([
  "1010029", // The subscriber status is frozen
  "1011002", // Insufficient number of resources
  "1012008", // Insufficient number of resources
  "1012010", // The relation number has been bound.
  "1012102", // The number status is abnormal.
  "1013102", // The extend number has been bound.
  "1020167", // No idle extend Number.
]);

const PLATFORM_CODES = new Set([
  "1010001", // Internal system error.
  "1023001", // Internal error.
  "1023002", // Response timeout.
]);

/**
 * The category of `1010010`, which is two codes in one (docs/axe-platform.md §1.4, §16.4): "Invalid digest."
 * with HTTP 401, platform flow control with 403. The text is consulted too, as §1.4 advises. A combination
 * that is neither counts as authentication: repeating a digest failure risks the IP lock-out (1020176), while
 * not repeating flow control costs one failed call.
 */
function categorize1010010(httpStatus: number, resultdesc: string): AxeErrorCategory {
  if (httpStatus === 401 || /digest/i.test(resultdesc)) return "authentication";
  if (httpStatus === 403 || httpStatus === 429 || /flow.?control/i.test(resultdesc)) return "flow-control";
  return "authentication";
}

/**
 * The category of a platform answer. 1023xxx are header/auth codes except the internal 1023001/1023002;
 * `1010010` depends on the HTTP status and the text (see above).
 */
export function categorize(
  resultcode: string | undefined,
  httpStatus: number,
  resultdesc = "",
): AxeErrorCategory {
  if (resultcode !== undefined) {
    if (resultcode === "1010010") return categorize1010010(httpStatus, resultdesc);
    if (resultcode === "1011006") return "flow-control";
    if (PLATFORM_CODES.has(resultcode)) return "platform";
    if (AUTHENTICATION_CODES.has(resultcode) || resultcode.startsWith("1023")) return "authentication";
    if (INVALID_REQUEST_CODES.has(resultcode)) return "invalid-request";
    if (NOT_FOUND_CODES.has(resultcode)) return "not-found";
    if (NO_RESOURCES_CODES.has(resultcode)) return "no-resources";
  }
  if (httpStatus === 401) return "authentication";
  if (httpStatus === 429) return "flow-control";
  if (httpStatus >= 500) return "platform";
  if (httpStatus >= 400) return "invalid-request";
  return "platform";
}

/**
 * Whether a failure of this category, on this method, is safe to repeat as is. `POST` (bind) is only repeated
 * when the platform certainly did nothing (flow control, connection never made); its other transient failures
 * are ambiguous and handled by the reconcile path instead. Authentication failures are never repeated.
 */
export function isRetryable(category: AxeErrorCategory, method: HttpMethod, connectFailed = false): boolean {
  switch (category) {
    case "flow-control":
      return true;
    case "network":
      return method !== "POST" || connectFailed;
    case "timeout":
    case "platform":
      return method !== "POST";
    default:
      return false;
  }
}

/** Whether a failure leaves it unknown if a `POST` took effect (the request may have reached the platform). */
export function isAmbiguous(category: AxeErrorCategory, connectFailed = false): boolean {
  return category === "timeout" || category === "platform" || (category === "network" && !connectFailed);
}
