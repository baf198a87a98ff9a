import type { Role } from "./roles.js";

/** Who sent a request, as the credential it carried proves. */
export interface Caller {
  readonly role: Role;
  /** What audit logs name: the API key's name (or `key-` and the start of its digest), or the JWT's `sub`. */
  readonly actor: string;
  readonly via: "api-key" | "jwt";
  /** When the credential stops being valid, in epoch ms: the JWT's `exp`. Absent for API keys. */
  readonly expiresAt?: number;
}

/** Why a request's credential was refused. */
export type AuthenticationReason =
  | "missing"
  | "malformed"
  | "unknown-key"
  | "invalid-token"
  | "expired"
  | "no-role";

const DEFAULT_MESSAGES: Readonly<Record<AuthenticationReason, string>> = {
  missing: "No credentials: send `Authorization: Bearer <API key or JWT>`.",
  malformed: "The Authorization header must be `Bearer <API key or JWT>`.",
  "unknown-key": "The API key is not one this gateway knows.",
  "invalid-token": "The JWT is invalid.",
  expired: "The JWT has expired.",
  "no-role": "The JWT carries no role in claim `role` (viewer, operator or admin).",
};

/**
 * A credential was missing or refused. The message is one sentence meant for the client, so it never
 * contains the credential (nor any key or secret); `cause`, when set, is for the gateway's own log.
 */
export class AuthenticationError extends Error {
  override name = "AuthenticationError";
  readonly reason: AuthenticationReason;

  constructor(reason: AuthenticationReason, message = DEFAULT_MESSAGES[reason], options?: ErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}
