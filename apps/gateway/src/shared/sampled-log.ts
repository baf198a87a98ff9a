import { createLogSampler, type LogSampler } from "./log-sampler.js";
import type { Logger } from "./logger.js";

/** A logger's lines sampled by kind (see {@link createLogSampler}). */
export interface SampledLog {
  /** Write `record` with `message` at `level`, unless lines of `kind` are being left out in this interval. */
  write(
    level: "error" | "warn" | "info",
    kind: string,
    record: Record<string, unknown>,
    message: string,
  ): void;
  /** Report what was left out so far. */
  flush(): void;
}

const byLogger = new WeakMap<Logger, SampledLog>();

/**
 * The one sampled log of `logger` (the same for every caller, so that the HTTP server, graphql-ws and the
 * subscription streams count one kind together): at most 10 lines of a kind per minute, then one warning per
 * kind with the count left out.
 */
export function sampledLog(logger: Logger): SampledLog {
  let log = byLogger.get(logger);
  if (!log) {
    const sampler: LogSampler = createLogSampler({
      onSuppressed: (kind, suppressed) =>
        logger.warn({ kind, suppressed }, `${suppressed} more log lines of this kind were left out`),
    });
    log = {
      write(level, kind, record, message) {
        if (sampler.admit(kind)) logger[level]({ ...record, kind }, message);
      },
      flush: () => sampler.flush(),
    };
    byLogger.set(logger, log);
  }
  return log;
}
