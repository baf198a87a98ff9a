import * as z from "zod";
import type { ParseResult } from "./issues.js";
import { type ParseOptions, resolveParseOptions } from "./options.js";
import {
  parseCallEvent,
  parseFeeNotification,
  parseNotification,
  parseNumStatusNotification,
} from "./parse.js";
import type { CallEventNotification, FeeNotification, Notification, NumStatusNotification } from "./types.js";

// zod schemas whose output is the normalised value. They are zod 4 schemas, so they implement Standard
// Schema v1 (`~standard`) and plug into any library that accepts one. They delegate to the parse functions
// so both routes give exactly the same values and issues; the structural description of the body lives in
// the `*WireSchema` schemas (and the JSON Schema files generated from them).

function fromParser<T>(
  parse: (input: unknown, options?: ParseOptions) => ParseResult<T>,
  options?: ParseOptions,
) {
  // Checked here, so an invalid option throws when the schema is built rather than on its first use.
  resolveParseOptions(options);
  return z.unknown().transform((input, ctx): T => {
    const result = parse(input, options);
    if (result.ok) return result.notification;
    for (const found of result.issues) {
      ctx.issues.push({
        code: "custom",
        message: found.message,
        path: [...found.segments],
        input,
        params: { code: found.code, path: found.path },
      });
    }
    return z.NEVER;
  });
}

/** A zod (and Standard Schema) schema of any notification; its output is a {@link Notification}. */
export const notificationSchema = fromParser<Notification>(parseNotification);

/** A zod (and Standard Schema) schema of call events; its output is a {@link CallEventNotification}. */
export const callEventNotificationSchema = fromParser<CallEventNotification>(parseCallEvent);

/** A zod (and Standard Schema) schema of fee pushes; its output is a {@link FeeNotification}. */
export const feeNotificationSchema = fromParser<FeeNotification>(parseFeeNotification);

/** A zod (and Standard Schema) schema of X-number status pushes; its output is a {@link NumStatusNotification}. */
export const numStatusNotificationSchema = fromParser<NumStatusNotification>(parseNumStatusNotification);

/**
 * Builds a {@link notificationSchema} with parse options, e.g. `{ lenient: true }` for masked numbers.
 * @throws {ParseOptionsError} for an invalid option
 */
export function createNotificationSchema(options: ParseOptions) {
  return fromParser<Notification>(parseNotification, options);
}
