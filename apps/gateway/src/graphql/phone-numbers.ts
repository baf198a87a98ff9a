import {
  maskPhoneNumber,
  maskPhoneNumbersInText,
  maskPhoneNumbersInValue,
} from "@privnum/notification-schemas";
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
