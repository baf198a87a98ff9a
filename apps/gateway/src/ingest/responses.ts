import type { NotifyReply } from "./notify-request.js";

/**
 * The platform-style answer body (docs/axe-platform.md §1.4): `resultcode` "0" on success, a code and text
 * otherwise.
 */
export interface PlatformAnswer {
  resultcode: string;
  resultdesc: string;
  /** Where a body was refused for its content: each problem with its JSON path. */
  issues?: readonly { path: string; message: string }[];
}

const JSON_HEADERS = { "content-type": "application/json;charset=UTF-8" };

/** A JSON reply in the platform's envelope. */
export function platformReply(
  status: number,
  answer: PlatformAnswer,
  headers: Record<string, string> = {},
): NotifyReply {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(answer) };
}

// The same for every stored push: built once.
const ACCEPTED: NotifyReply = Object.freeze(platformReply(200, { resultcode: "0", resultdesc: "Success" }));

/** 200: stored (or already stored). */
export function acceptedReply(): NotifyReply {
  return ACCEPTED;
}

/** The answer to a body over the limit, also given by the HTTP server to a declared length over it. */
export function tooLargeAnswer(maxBytes: number): PlatformAnswer {
  return { resultcode: "1010002", resultdesc: `Invalid request. The body exceeds ${maxBytes} bytes.` };
}

/** 413: the body exceeds the limit. */
export function tooLargeReply(maxBytes: number): NotifyReply {
  return platformReply(413, tooLargeAnswer(maxBytes));
}

/** 400: not a notification. */
export function notANotificationReply(issues: readonly { path: string; message: string }[]): NotifyReply {
  const summary = issues
    .slice(0, 3)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join("; ");
  return platformReply(400, {
    resultcode: "1010002",
    resultdesc: `Invalid request. Not a platform notification: ${summary}`,
    issues: issues.map((issue) => ({ path: issue.path, message: issue.message })),
  });
}

/** 503: the database cannot take the push now; the platform retries. */
export function unavailableReply(): NotifyReply {
  return platformReply(
    503,
    {
      resultcode: "1023002",
      resultdesc: "Service unavailable: the notification could not be stored; retry later.",
    },
    { "retry-after": "60" },
  );
}

/** 500: an unexpected failure (logged); the platform retries. */
export function internalErrorReply(): NotifyReply {
  return platformReply(500, { resultcode: "1010001", resultdesc: "Internal system error." });
}

/** 405: only POST is accepted. */
export function methodNotAllowedReply(): NotifyReply {
  return platformReply(
    405,
    { resultcode: "1010006", resultdesc: "Invalid Rest API. Notifications must be POSTed." },
    { allow: "POST" },
  );
}
