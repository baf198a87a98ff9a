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

/** A JSON response in the platform's envelope. */
export function platformResponse(
  status: number,
  answer: PlatformAnswer,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(answer), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/** 200: stored (or already stored). */
export function acceptedResponse(): Response {
  return platformResponse(200, { resultcode: "0", resultdesc: "Success" });
}

/** The answer to a body over the limit, also given by the HTTP server to a declared length over it. */
export function tooLargeAnswer(maxBytes: number): PlatformAnswer {
  return { resultcode: "1010002", resultdesc: `Invalid request. The body exceeds ${maxBytes} bytes.` };
}

/** 413: the body exceeds the limit. */
export function tooLargeResponse(maxBytes: number): Response {
  return platformResponse(413, tooLargeAnswer(maxBytes));
}

/** 400: not a notification. */
export function notANotificationResponse(issues: readonly { path: string; message: string }[]): Response {
  const summary = issues
    .slice(0, 3)
    .map((issue) => `${issue.path}: ${issue.message}`)
    .join("; ");
  return platformResponse(400, {
    resultcode: "1010002",
    resultdesc: `Invalid request. Not a platform notification: ${summary}`,
    issues: issues.map((issue) => ({ path: issue.path, message: issue.message })),
  });
}

/** 503: the database cannot take the push now; the platform retries. */
export function unavailableResponse(): Response {
  return platformResponse(
    503,
    {
      resultcode: "1023002",
      resultdesc: "Service unavailable: the notification could not be stored; retry later.",
    },
    { "retry-after": "60" },
  );
}

/** 500: an unexpected failure (logged); the platform retries. */
export function internalErrorResponse(): Response {
  return platformResponse(500, { resultcode: "1010001", resultdesc: "Internal system error." });
}

/** 405: only POST is accepted. */
export function methodNotAllowedResponse(): Response {
  return platformResponse(
    405,
    { resultcode: "1010006", resultdesc: "Invalid Rest API. Notifications must be POSTed." },
    { allow: "POST" },
  );
}
