import {
  maskPhoneNumber,
  maskPhoneNumbersInText,
  maskPhoneNumbersInValue,
} from "@privnum/notification-schemas";
import { GraphQLError } from "graphql";
import { hasRole } from "../auth/roles.js";
import type { GatewayContext } from "./context.js";

// The one place where a field decides how much of a phone number its caller sees: operators and admins see
// numbers whole; viewers see them masked by the project's one rule (@privnum/notification-schemas).

/** Whether the caller sees phone numbers masked. */
export function seesMaskedNumbers(ctx: GatewayContext): boolean {
  return !hasRole(ctx.caller.role, "operator");
}

/** A field that holds one phone number, as the caller may see it. */
export function shownPhoneNumber(ctx: GatewayContext, value: string): string;
export function shownPhoneNumber(ctx: GatewayContext, value: string | null | undefined): string | null;
export function shownPhoneNumber(ctx: GatewayContext, value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return seesMaskedNumbers(ctx) ? maskPhoneNumber(value) : value;
}

/** Free text that may hold phone numbers (`userData`), as the caller may see it. */
export function shownText(ctx: GatewayContext, value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return seesMaskedNumbers(ctx) ? maskPhoneNumbersInText(value) : value;
}

/** A JSON value (a CDR, an event's `statusInfo`) as the caller may see it. */
export function shownJson(ctx: GatewayContext, value: unknown): unknown {
  return seesMaskedNumbers(ctx) ? maskPhoneNumbersInValue(value) : value;
}

/** The description of every `bindNum` filter field. */
export const VIEWER_MAY_NOT_FILTER = "A. Not for the viewer role, which sees numbers masked.";

/**
 * Refuses a viewer's filter on A's number (`bindNum`). A viewer sees 5 leading and 4 trailing digits of a
 * 13-digit number; a search that answers "is this number bound?" would give it the 4 hidden digits in at most
 * 10,000 tries. X (`virtualNum`) is the number callers dial, and stays searchable.
 */
export function refuseNumberSearchByViewer(
  ctx: GatewayContext,
  filter: { bindNum?: string | null } | null | undefined,
): void {
  if (filter?.bindNum === undefined || filter.bindNum === null || !seesMaskedNumbers(ctx)) return;
  throw new GraphQLError(
    "The viewer role may not filter by bindNum: it would reveal the digits masked for it. Filter by virtualNum, subscriptionId or sessionId.",
    { extensions: { code: "FORBIDDEN" } },
  );
}
