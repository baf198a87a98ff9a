import { isScheme, SCHEMES, type Scheme } from "@privnum/wsse-auth";
import { type RetryOptions, resolveRetryOptions } from "./backoff.js";
import { DEFAULT_BASE_URL, normalizeBaseUrl } from "./base-url.js";
import { executeCreate } from "./create-binding.js";
import { AxeValidationError, createAxeApiError, type ValidationIssue } from "./errors.js";
import { Call, type ExecuteConfig, executeIdempotent } from "./execute.js";
import type { AxeHooks, AxeLogger } from "./hooks.js";
import { listBindings } from "./list-bindings.js";
import { BIND_PATH, RECORDING_PATH } from "./paths.js";
import type {
  AxeOperation,
  Binding,
  BindingChanges,
  BindingRef,
  CallOptions,
  CreateBindingInput,
  CreatedBinding,
  ListBindingsInput,
  RecordingRef,
} from "./types.js";
import {
  validateChanges,
  validateCreateBinding,
  validateList,
  validateRecording,
  validateRef,
} from "./validation.js";
import { fromBinding, refPairs, toUpdateBody } from "./wire.js";

/** Options of `createAxeClient`. */
export interface AxeClientOptions {
  /**
   * The app access address ("APP接入地址"): scheme, host, optional port and optional path prefix, e.g. the
   * legacy `https://rtcapi.cn-north-1.myhuaweicloud.com:12543` or a simulator's URL.
   * @default "https://rtcpns.cn-north-1.myhuaweicloud.com"
   */
  baseUrl?: string;
  /** APP_Key of the AXE application. */
  appKey: string;
  /** APP_Secret of the application; only used to compute digests, never sent, logged or passed to hooks. */
  appSecret: string;
  /** Digest scheme: `aksk` (current platform), `wsse-hex` or `wsse-raw` (legacy WSSE). @default "aksk" */
  scheme?: Scheme;
  /** Limit for one HTTP attempt, answer body included (1–600000 ms). @default 10000 */
  timeoutMs?: number;
  /** Retry settings (see `RetryOptions` for each default), or `false` for a single attempt. @default {} */
  retry?: Partial<RetryOptions> | false;
  /**
   * The `fetch` to use, e.g. one bound to an undici `Agent` with a custom CA. TLS verification is never turned
   * off by this client. @default globalThis.fetch
   */
  fetch?: typeof globalThis.fetch;
  /** Observability hooks; events carry masked phone numbers and no credentials. @default none */
  hooks?: AxeHooks;
  /** Structured logger (pino-compatible `debug`/`warn`). @default none */
  logger?: AxeLogger;
  /** Clock used for `Created` when signing. @default () => new Date() */
  now?: () => Date;
}

/** A client of the AXE interfaces. Every method validates its input before sending anything. */
export interface AxeClient {
  /** Bind A to X (or a city's X) with an extension; see `CreateBindingInput`. */
  createBinding(input: CreateBindingInput, options?: CallOptions): Promise<CreatedBinding>;
  /** Change fields of a binding; absent fields stay as they are. */
  updateBinding(ref: BindingRef, changes: BindingChanges, options?: CallOptions): Promise<void>;
  /** Remove a binding. */
  deleteBinding(ref: BindingRef, options?: CallOptions): Promise<void>;
  /** Read one binding; rejects with `AxeNotFoundError` when it does not exist. */
  getBinding(ref: BindingRef, options?: CallOptions): Promise<Binding>;
  /** Every binding of one X, fetched page by page (v2.0 cursor) as the iteration proceeds. */
  listBindings(input: ListBindingsInput, options?: CallOptions): AsyncIterable<Binding>;
  /** The download address of a recording (the `Location` of the platform's 301; the redirect is not followed). */
  getRecordingDownloadUrl(input: RecordingRef, options?: CallOptions): Promise<string>;
}

// `"aksk", "wsse-hex", or "wsse-raw"`: written from the scheme list, so a new scheme shows up here too.
const SCHEME_CHOICES = new Intl.ListFormat("en", { type: "disjunction" }).format(
  SCHEMES.map((scheme) => `"${scheme}"`),
);

function validateOptions(options: AxeClientOptions): ExecuteConfig {
  const issues: ValidationIssue[] = [];
  if (typeof options !== "object" || options === null) {
    throw new AxeValidationError("createAxeClient", [{ field: "options", message: "must be an object" }]);
  }
  const { appKey, appSecret, scheme = "aksk", timeoutMs = 10_000 } = options;
  if (typeof appKey !== "string" || !/^[\x21\x23-\x5b\x5d-\x7e]{1,256}$/.test(appKey)) {
    issues.push({ field: "appKey", message: 'must be 1–256 visible ASCII characters other than " and \\' });
  }
  if (typeof appSecret !== "string" || appSecret.length === 0) {
    issues.push({ field: "appSecret", message: "must be a non-empty string" });
  }
  if (!isScheme(scheme)) issues.push({ field: "scheme", message: `must be ${SCHEME_CHOICES}` });
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000) {
    issues.push({ field: "timeoutMs", message: "must be a whole number of milliseconds from 1 to 600000" });
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") issues.push({ field: "fetch", message: "must be a fetch function" });
  if (options.now !== undefined && typeof options.now !== "function") {
    issues.push({ field: "now", message: "must be a function returning a Date" });
  }
  let baseUrl = DEFAULT_BASE_URL;
  try {
    baseUrl = normalizeBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
  } catch (error) {
    issues.push({ field: "baseUrl", message: (error as Error).message.replace(/^baseUrl /, "") });
  }
  let retry = resolveRetryOptions(undefined);
  try {
    retry = resolveRetryOptions(options.retry);
  } catch (error) {
    const [field = "retry", ...rest] = (error as Error).message.split(" ");
    issues.push({ field, message: rest.join(" ") });
  }
  if (issues.length > 0) throw new AxeValidationError("createAxeClient", issues);
  return {
    baseUrl,
    appKey,
    appSecret,
    scheme,
    timeoutMs,
    retry,
    fetch: fetchImpl,
    hooks: options.hooks,
    logger: options.logger,
    now: options.now,
    random: Math.random,
  };
}

/**
 * Create a client of the AXE interfaces of Huawei Cloud PrivateNumber. Throws `AxeValidationError` naming the
 * option when the configuration is unusable.
 */
export function createAxeClient(options: AxeClientOptions): AxeClient {
  const config = validateOptions(options);
  const start = (operation: AxeOperation, callOptions: CallOptions | undefined) =>
    new Call(config, operation, callOptions?.signal);

  return {
    async createBinding(input, callOptions) {
      const valid = validateCreateBinding(input);
      return executeCreate(start("createBinding", callOptions), valid);
    },

    async updateBinding(ref, changes, callOptions) {
      const validRef = validateRef("updateBinding", ref);
      const validChanges = validateChanges(changes);
      await executeIdempotent(start("updateBinding", callOptions), {
        operation: "updateBinding",
        method: "PUT",
        path: BIND_PATH,
        body: toUpdateBody(validRef, validChanges),
      });
    },

    async deleteBinding(ref, callOptions) {
      const validRef = validateRef("deleteBinding", ref);
      await executeIdempotent(
        start("deleteBinding", callOptions),
        { operation: "deleteBinding", method: "DELETE", path: BIND_PATH, query: refPairs(validRef) },
        true,
      );
    },

    async getBinding(ref, callOptions) {
      const validRef = validateRef("getBinding", ref);
      const call = start("getBinding", callOptions);
      const { json } = await executeIdempotent(call, {
        operation: "getBinding",
        method: "GET",
        path: BIND_PATH,
        query: refPairs(validRef),
      });
      const binding = fromBinding(json);
      if (!binding)
        throw call.fail(malformed(call, "getBinding: answer without the binding's identifying fields"));
      return binding;
    },

    listBindings(input, callOptions) {
      const valid = validateList(input);
      return listBindings(valid, () => start("listBindings", callOptions));
    },

    async getRecordingDownloadUrl(input, callOptions) {
      const valid = validateRecording(input);
      const call = start("getRecordingDownloadUrl", callOptions);
      const { location } = await executeIdempotent(call, {
        operation: "getRecordingDownloadUrl",
        method: "GET",
        path: RECORDING_PATH,
        query: [
          ["recordDomain", valid.recordDomain],
          ["fileName", valid.fileName],
        ],
        expectRedirect: true,
      });
      if (location === undefined) {
        throw call.fail(
          malformed(call, "getRecordingDownloadUrl: success answer without a redirect Location"),
        );
      }
      return location;
    },
  };
}

function malformed(call: Call, message: string) {
  return createAxeApiError({
    category: "platform",
    message,
    resultcode: "0",
    httpStatus: 200,
    retryable: false,
    requestId: call.requestId,
    attempts: call.httpAttempts,
  });
}
