import { maskPhoneNumbersInText, maskPhoneNumbersInValue } from "@privnum/notification-schemas";
import { type Scheme, signUsernameToken } from "@privnum/wsse-auth";
import { parseRetryAfter } from "./backoff.js";
import { categorize, type HttpMethod } from "./classify.js";
import type { AxeErrorCategory } from "./errors.js";
import type { AxeHooks, AxeLogger } from "./hooks.js";
import { maskError } from "./mask-error.js";
import { redactHeaders } from "./redact-headers.js";
import type { AxeOperation } from "./types.js";
import { toQuery, type WireBody } from "./wire.js";

/** Everything an attempt needs from the client's configuration. */
export interface TransportConfig {
  baseUrl: string;
  appKey: string;
  appSecret: string;
  scheme: Scheme;
  fetch: typeof globalThis.fetch;
  hooks: AxeHooks | undefined;
  logger: AxeLogger | undefined;
  now: (() => Date) | undefined;
}

/** One HTTP request of an operation. */
export interface WireRequest {
  operation: AxeOperation;
  method: HttpMethod;
  path: string;
  query?: [string, string][];
  body?: WireBody;
  /** Success is a 3xx with `Location` (recording download) instead of `resultcode` `"0"`. */
  expectRedirect?: boolean;
}

/** A failed attempt, before the retry loop decides whether it is final. */
export interface AttemptFailure {
  category: AxeErrorCategory;
  message: string;
  resultcode?: string;
  resultdesc?: string;
  httpStatus?: number;
  retryAfterMs?: number;
  /** The connection was never established, so the request certainly had no effect. */
  connectFailed: boolean;
  /** The failure cannot be cured by repeating (e.g. TLS verification failed). */
  permanent: boolean;
  cause?: unknown;
}

export type AttemptResult =
  | { ok: true; json: Record<string, unknown>; location?: string }
  | { ok: false; failure: AttemptFailure };

/** Identity of one attempt within a call. */
export interface AttemptContext {
  requestId: string;
  attempt: number;
  timeoutMs: number;
  signal: AbortSignal | undefined;
}

// Codes for failures before any byte of the request left: repeating cannot duplicate an effect.
const CONNECT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const TLS_CODE = /CERT|TLS|SSL|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_OSSL/;

/** The full URL of a request; query values percent-encoded (`+` → `%2B`). */
export function requestUrl(config: TransportConfig, request: WireRequest): string {
  const query = request.query && request.query.length > 0 ? `?${toQuery(request.query)}` : "";
  return `${config.baseUrl}${request.path}${query}`;
}

/** Call a hook or log function; a throwing observer must never break the call. */
export function observe(config: TransportConfig, name: string, run: () => void): void {
  try {
    run();
  } catch (error) {
    try {
      config.logger?.warn(
        { hook: name, error: maskPhoneNumbersInText(error instanceof Error ? error.message : String(error)) },
        "axe-api hook threw; ignored",
      );
    } catch {
      // A logger that throws has nowhere left to report to.
    }
  }
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Platform answers are a few hundred bytes; anything huge is not the platform and is not buffered. */
const MAX_RESPONSE_BYTES = 1 << 20;

class ResponseTooLargeError extends Error {}

async function readBounded(response: Response): Promise<string> {
  const length = response.headers.get("content-length");
  const declared = length === null ? Number.NaN : Number(length);
  if (declared > MAX_RESPONSE_BYTES) {
    await response.body?.cancel();
    throw new ResponseTooLargeError(`answer of ${declared} bytes exceeds ${MAX_RESPONSE_BYTES}`);
  }
  // A declared, acceptable length is enforced by the HTTP parser itself: take the fast path.
  if (declared >= 0) return response.text();
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      throw new ResponseTooLargeError(`answer exceeds ${MAX_RESPONSE_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? decoder.decode(chunks[0]) : decoder.decode(Buffer.concat(chunks));
}

const decoder = new TextDecoder();

/** The absolute redirect target, or `undefined` when the header is absent or not a URL. */
function resolveLocation(location: string | null, base: string): string | undefined {
  if (!location) return undefined;
  try {
    return new URL(location, base).href;
  } catch {
    return undefined;
  }
}

function parseJson(text: string): Record<string, unknown> | undefined {
  if (text.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function resultField(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

/**
 * Send one signed attempt and read the whole answer within `timeoutMs`. Never throws, except with
 * `signal.reason` when the caller aborts.
 */
export async function sendAttempt(
  config: TransportConfig,
  request: WireRequest,
  context: AttemptContext,
): Promise<AttemptResult> {
  const { signal } = context;
  signal?.throwIfAborted();
  const url = requestUrl(config, request);
  // A fresh nonce per attempt: the platform rejects a replayed one.
  const signed = signUsernameToken({
    appKey: config.appKey,
    appSecret: config.appSecret,
    scheme: config.scheme,
    ...(config.now ? { now: config.now } : {}),
  });
  const headers: Record<string, string> = { ...signed.headers, Accept: "application/json" };
  const bodyText = request.body === undefined ? undefined : JSON.stringify(request.body);

  const observed = config.hooks !== undefined || config.logger !== undefined;
  const maskedUrl = observed ? maskPhoneNumbersInText(url) : "";
  const base = {
    requestId: context.requestId,
    operation: request.operation,
    attempt: context.attempt,
    method: request.method,
    url: maskedUrl,
  };
  if (observed) {
    const event = {
      ...base,
      headers: redactHeaders(headers),
      ...(request.body === undefined ? {} : { body: maskPhoneNumbersInValue(request.body) }),
    };
    observe(config, "onRequest", () => config.hooks?.onRequest?.(event));
    observe(config, "logger", () =>
      config.logger?.debug(
        { ...base, ...(event.body === undefined ? {} : { body: event.body }) },
        "axe-api request",
      ),
    );
  }

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, context.timeoutMs);
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  const started = performance.now();
  let status: number;
  let text: string;
  let responseHeaders: Headers;
  try {
    const response = await config.fetch(url, {
      method: request.method,
      headers,
      ...(bodyText === undefined ? {} : { body: bodyText }),
      signal: controller.signal,
      // Never follow: the recording API answers with a 301 to read, and a followed redirect would carry the
      // X-AKSK credential to another host.
      redirect: "manual",
    });
    status = response.status;
    responseHeaders = response.headers;
    text = await readBounded(response);
  } catch (error) {
    if (error instanceof ResponseTooLargeError) {
      return {
        ok: false,
        failure: {
          category: "platform",
          message: `${request.operation}: ${error.message}`,
          connectFailed: false,
          permanent: false,
        },
      };
    }
    if (signal?.aborted) throw signal.reason;
    if (timedOut) {
      return {
        ok: false,
        failure: {
          category: "timeout",
          message: `${request.operation}: no complete answer within ${context.timeoutMs} ms`,
          connectFailed: false,
          permanent: false,
        },
      };
    }
    const code = errorCode(error);
    const tls = code !== undefined && TLS_CODE.test(code);
    return {
      ok: false,
      failure: {
        category: "network",
        message: tls
          ? `${request.operation}: TLS verification failed (${code}); check the platform address and the CA store`
          : `${request.operation}: network error${code ? ` (${code})` : ""}`,
        connectFailed: tls || (code !== undefined && CONNECT_CODES.has(code)),
        permanent: tls,
        cause: maskError(error),
      },
    };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }

  const json = parseJson(text);
  const resultcode = resultField(json?.resultcode);
  const rawDesc = resultField(json?.resultdesc);
  const resultdesc = rawDesc === undefined ? undefined : maskPhoneNumbersInText(rawDesc);
  if (observed) {
    const event = {
      ...base,
      httpStatus: status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      ...(resultcode === undefined ? {} : { resultcode }),
      ...(resultdesc === undefined ? {} : { resultdesc }),
      ...(json === undefined ? {} : { body: maskPhoneNumbersInValue(json) }),
    };
    observe(config, "onResponse", () => config.hooks?.onResponse?.(event));
    observe(config, "logger", () =>
      config.logger?.debug(
        {
          ...base,
          httpStatus: status,
          durationMs: event.durationMs,
          ...(resultcode === undefined ? {} : { resultcode }),
          ...(resultdesc === undefined ? {} : { resultdesc }),
        },
        "axe-api response",
      ),
    );
  }

  if (request.expectRedirect && status >= 300 && status < 400) {
    const location = resolveLocation(responseHeaders.get("location"), url);
    if (location) return { ok: true, json: json ?? {}, location };
  }
  if (status >= 200 && status < 300 && resultcode === "0" && json) return { ok: true, json };

  const category =
    json === undefined && status >= 200 && status < 400
      ? "platform"
      : categorize(resultcode, status, rawDesc);
  const described = resultcode
    ? `${resultcode}${resultdesc ? ` ${resultdesc}` : ""}`
    : json === undefined
      ? "an answer that is not a platform JSON envelope"
      : "an answer without resultcode";
  const retryAfterMs = parseRetryAfter(responseHeaders.get("retry-after"));
  return {
    ok: false,
    failure: {
      category,
      message: `${request.operation}: HTTP ${status}, ${described}`,
      httpStatus: status,
      connectFailed: false,
      permanent: false,
      ...(resultcode === undefined ? {} : { resultcode }),
      ...(resultdesc === undefined ? {} : { resultdesc }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    },
  };
}
