import type { AxeErrorCategory } from "@privnum/axe-api";

/** Codes of the gateway's own errors. */
export type GatewayErrorCode =
  | "migration-failed"
  | "subscriber-too-slow"
  | "replay-limit-exceeded"
  | "cursor-invalid"
  | "not-started"
  | "port-in-use"
  | "data-dir-in-use"
  | "platform-error"
  | "validation-failed"
  | "not-found"
  | "virtual-number-unavailable";

/** Base of the gateway's named errors. */
export class GatewayError extends Error {
  override name = "GatewayError";
  readonly code: GatewayErrorCode;

  constructor(code: GatewayErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** A migration failed on start. */
export class MigrationError extends GatewayError {
  override name = "MigrationError";

  constructor(cause: unknown) {
    super("migration-failed", `Database migration failed: ${String((cause as Error)?.message ?? cause)}`, {
      cause,
    });
  }
}

/** A live subscriber let too many events pile up; it must resubscribe with `after`. */
export class SubscriberTooSlowError extends GatewayError {
  override name = "SubscriberTooSlowError";

  constructor(limit: number) {
    super(
      "subscriber-too-slow",
      `The subscriber fell more than ${limit} events behind and was closed; resubscribe with \`after\` set to the last cursor received.`,
    );
  }
}

/** A resuming subscriber asked for more stored events than one replay may hold; it must read them by query. */
export class ReplayLimitExceededError extends GatewayError {
  override name = "ReplayLimitExceededError";

  constructor(limit: number) {
    super(
      "replay-limit-exceeded",
      `More than ${limit} stored events follow the cursor: more than a subscription replays. Read what you ` +
        "missed with queries (`callSessions` and each call's `events`, paged), then subscribe again with " +
        "`after` set to a recent event's `cursor`, or without `after`.",
    );
  }
}

/** A connection cursor that this gateway did not issue. */
export class CursorError extends GatewayError {
  override name = "CursorError";

  constructor(message: string) {
    super("cursor-invalid", message);
  }
}

/** The app was used before `start()` completed. */
export class NotStartedError extends GatewayError {
  override name = "NotStartedError";

  constructor(what: string) {
    super("not-started", `${what} is not available before start() has completed.`);
  }
}

/** A port the gateway must listen on is taken; `variable` names the setting that chooses it. */
export class PortInUseError extends GatewayError {
  override name = "PortInUseError";
  readonly port: number;
  readonly variable: "PORT" | "SIMULATOR_PORT";

  constructor(port: number, variable: "PORT" | "SIMULATOR_PORT", options?: ErrorOptions) {
    super("port-in-use", `port ${port} is in use (set ${variable})`, options);
    this.port = port;
    this.variable = variable;
  }
}

/**
 * Whether `error` says an address is taken: Node's `EADDRINUSE`, or the simulator's `PORT_IN_USE` (which
 * carries the `port`).
 */
export function isPortInUse(error: unknown): error is { code: string; port?: number } {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "EADDRINUSE" || code === "PORT_IN_USE";
}

/** Another live gateway holds the data directory. */
export class DataDirInUseError extends GatewayError {
  override name = "DataDirInUseError";
  readonly dataDir: string;
  readonly pid: number;

  constructor(dataDir: string, pid: number) {
    super(
      "data-dir-in-use",
      `DATA_DIR ${dataDir} is in use by another gateway (pid ${pid}); several instances need DATABASE_URL, AXE_BASE_URL, REDIS_URL and one shared RECORDINGS_DIR, each with its own DATA_DIR`,
    );
    this.dataDir = dataDir;
    this.pid = pid;
  }
}

/** The platform refused or failed a command; carries its `resultcode`/`resultdesc` when it answered. */
export class PlatformError extends GatewayError {
  override name = "PlatformError";
  readonly resultcode: string | null;
  readonly resultdesc: string | null;
  readonly httpStatus: number | null;
  readonly category: AxeErrorCategory;
  readonly retryable: boolean;

  constructor(init: {
    message: string;
    resultcode?: string | undefined;
    resultdesc?: string | undefined;
    httpStatus?: number | undefined;
    category: AxeErrorCategory;
    retryable: boolean;
    cause?: unknown;
  }) {
    super("platform-error", init.message, { cause: init.cause });
    this.resultcode = init.resultcode ?? null;
    this.resultdesc = init.resultdesc ?? null;
    this.httpStatus = init.httpStatus ?? null;
    this.category = init.category;
    this.retryable = init.retryable;
  }
}

/** One invalid input field. */
export interface FieldIssue {
  /** The input field, e.g. `bindNum` or `extendNum`. */
  field: string;
  message: string;
}

/** An input was refused before reaching the platform; `fields` lists every problem. */
export class ValidationError extends GatewayError {
  override name = "ValidationError";
  readonly fields: readonly FieldIssue[];

  constructor(fields: readonly FieldIssue[]) {
    super("validation-failed", `Invalid input: ${fields.map((f) => `${f.field}: ${f.message}`).join("; ")}`);
    this.fields = fields;
  }
}

/** The binding (or recording) does not exist on the platform. */
export class NotFoundError extends GatewayError {
  override name = "NotFoundError";
  readonly resultcode: string | null;
  readonly resultdesc: string | null;

  constructor(
    message: string,
    platform: { resultcode?: string | undefined; resultdesc?: string | undefined } = {},
  ) {
    super("not-found", message);
    this.resultcode = platform.resultcode ?? null;
    this.resultdesc = platform.resultdesc ?? null;
  }
}

/**
 * A binding was refused before reaching the platform: X's stored status (the platform's last numStatus push)
 * says it takes no new bindings. `status` and `statusCause` are the platform's codes (`statusCause`, not
 * `cause`, which is Error's own).
 */
export class VirtualNumberUnavailableError extends GatewayError {
  override name = "VirtualNumberUnavailableError";
  readonly virtualNum: string;
  readonly status: string;
  readonly statusCause: string | null;

  /** `message` names X masked: it is logged with the mutation. */
  constructor(init: { virtualNum: string; status: string; statusCause: string | null; message: string }) {
    super("virtual-number-unavailable", init.message);
    this.virtualNum = init.virtualNum;
    this.status = init.status;
    this.statusCause = init.statusCause;
  }
}
