import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/shared/logger.js";

/** A logger whose lines a test reads back. */
export interface CapturedLog {
  logger: Logger;
  /** Every line written so far, parsed. */
  lines: Record<string, unknown>[];
  /** Every line written so far, as written (with its newline). */
  raw: string[];
}

/** The gateway's own logger (masking, redaction) at `level`, writing into memory instead of stdout. */
export function captureLog(level: "debug" | "info" | "warn" = "info"): CapturedLog {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) {
        raw.push(`${line}\n`);
        lines.push(JSON.parse(line));
      }
      done();
    },
  });
  return { logger: createLogger({ level, destination }), lines, raw };
}
