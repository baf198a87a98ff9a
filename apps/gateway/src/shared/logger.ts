import { isPhoneNumberKey, maskPhoneNumber, maskPhoneNumbersInText } from "@privnum/notification-schemas";
import pino, { type Logger } from "pino";

export type { Logger } from "pino";

// Keys whose values are credentials: never written, whatever they hold.
const SECRET_KEY = /secret|password|authorization|aksk|wsse|digest|token|cookie/i;
const MAX_DEPTH = 6;

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === "string") return maskPhoneNumbersInText(value);
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Error) return value;
  // A Date has no fields of its own: walked, it would be written as {}.
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (depth >= MAX_DEPTH) return "[…]";
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (SECRET_KEY.test(key)) out[key] = "[redacted]";
    else if (isPhoneNumberKey(key) && typeof item === "string") out[key] = maskPhoneNumber(item);
    else out[key] = scrub(item, depth + 1);
  }
  return out;
}

/** Mask phone numbers and drop credentials from a log record (exported for tests). */
export function scrubLogRecord(record: Record<string, unknown>): Record<string, unknown> {
  return scrub(record, 0) as Record<string, unknown>;
}

/** Options for {@link createLogger}. */
export interface CreateLoggerOptions {
  /** pino level. @default "info" */
  level?: string;
  /** Where lines go. @default stdout, written synchronously (nothing lost on exit) */
  destination?: pino.DestinationStream;
}

/**
 * The gateway's pino logger. Every record passes through {@link scrubLogRecord}, and so does every message
 * string, so a phone number or secret reaching a log call by mistake is still masked.
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const settings: pino.LoggerOptions = {
    name: "privnum-gateway",
    level: options.level ?? "info",
    formatters: { log: scrubLogRecord },
    hooks: {
      logMethod(args, method) {
        const masked = args.map((arg) => (typeof arg === "string" ? maskPhoneNumbersInText(arg) : arg));
        return method.apply(this, masked as Parameters<typeof method>);
      },
    },
  };
  // pino's default stdout stream buffers and writes later; a synchronous one keeps log lines in order with
  // anything else the process prints (the start banner) and loses nothing when the process exits.
  return pino(settings, options.destination ?? pino.destination({ dest: 1, sync: true }));
}
