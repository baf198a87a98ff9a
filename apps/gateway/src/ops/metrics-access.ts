import { createHash, timingSafeEqual } from "node:crypto";
import type { Authenticator } from "../auth/authenticator.js";
import { AuthenticationError } from "../auth/caller.js";
import { hasRole } from "../auth/roles.js";
import { isLoopbackHost } from "../shared/loopback-host.js";

/** Whether a request may read `/metrics`, and if not, the status and the sentence to answer. */
export type MetricsAccessVerdict = { allowed: true } | { allowed: false; status: 401 | 403; message: string };

/** What {@link createMetricsAccess} decides from. */
export interface MetricsAccessOptions {
  /** The `HOST` the gateway binds: on a loopback address `/metrics` is open. */
  host: string;
  /** `METRICS_TOKEN`, accepted as `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** Checks an admin's API key or JWT, the other credential accepted. */
  authenticator: Authenticator;
}

const BEARER = /^\s*bearer +(\S+)\s*$/i;

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * Who may read `/metrics`: anyone when the gateway listens on a loopback address only (nobody else can
 * reach it); otherwise the holder of `METRICS_TOKEN` (compared in constant time, by SHA-256 digest so that
 * the length does not leak either) or an admin (API key or JWT, as for GraphQL). No or unknown credentials:
 * 401; a valid credential of a weaker role: 403.
 */
export function createMetricsAccess(
  options: MetricsAccessOptions,
): (authorization: string | null) => Promise<MetricsAccessVerdict> {
  const open = isLoopbackHost(options.host);
  const tokenDigest = options.metricsToken === undefined ? undefined : digest(options.metricsToken);
  const { authenticator } = options;
  return async (authorization) => {
    if (open) return { allowed: true };
    const credential = authorization === null ? undefined : BEARER.exec(authorization)?.[1];
    if (tokenDigest !== undefined && credential !== undefined) {
      if (timingSafeEqual(digest(credential), tokenDigest)) return { allowed: true };
    }
    try {
      const caller = await authenticator.authenticate(authorization);
      if (hasRole(caller.role, "admin")) return { allowed: true };
      return {
        allowed: false,
        status: 403,
        message: `The ${caller.role} role may not read /metrics: send METRICS_TOKEN or an admin's credentials.`,
      };
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      const hint = "/metrics needs `Authorization: Bearer <METRICS_TOKEN>` or an admin's API key or JWT.";
      return {
        allowed: false,
        status: 401,
        message: error.reason === "missing" ? `No credentials: ${hint}` : `${error.message} ${hint}`,
      };
    }
  };
}
