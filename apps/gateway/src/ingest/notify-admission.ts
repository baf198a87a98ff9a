import type { IncomingMessage } from "node:http";
import type { ClientAddressResolver } from "../http/client-address.js";
import { type EarlyAnswer, pathOf } from "../http/http-server.js";
import type { Logger } from "../shared/logger.js";
import { sampledLog } from "../shared/sampled-log.js";
import type { RefusalLimiter } from "./refusal-limiter.js";

/** Who sent a /notify request, and whether it may be heard (see {@link createNotifyAdmission}). */
export interface NotifyAdmission {
  /** The client address of `request` (peer, or the client a trusted proxy names); null when unknown. */
  sourceOf(request: IncomingMessage): string | null;
  /** A 429 answer when the request's source has used its budget of refused pushes; otherwise undefined. */
  admit(request: IncomingMessage): Promise<EarlyAnswer | undefined>;
  /**
   * A push the server refused before any handler (a declared length over the limit): logged, and counted
   * against its source's budget. Nothing is stored.
   */
  refusedTooLarge(request: IncomingMessage, declaredBytes: number): void;
}

/** Options for {@link createNotifyAdmission}. */
export interface NotifyAdmissionOptions {
  refusals: RefusalLimiter;
  clientAddress: ClientAddressResolver;
  /**
   * Whether a request's headers carry the platform's valid signature (nonce not recorded): such a push is let
   * in even from a source over its budget, so that junk sent through the same address (a load balancer, a
   * NAT) never holds the platform's pushes up. Absent: nothing is let in.
   */
  signedByPlatform?: ((headers: IncomingMessage["headers"]) => Promise<boolean>) | null;
  logger: Logger;
}

/**
 * The door of /notify: a source whose pushes were refused too often (a wrong signature or an oversize body,
 * counted by the handler, or a declared length over the limit, counted here) is answered 429 with `Retry-After` before its body is read and without touching
 * the database, until its window ends. The answer mirrors the platform's own for an address with too many
 * failed authentications (docs/axe-platform.md: 1020176). Pushes that pass the signature check never use
 * the budget, and one whose headers carry a valid signature is let in even from a source over its budget.
 */
export function createNotifyAdmission(options: NotifyAdmissionOptions): NotifyAdmission {
  const { refusals, clientAddress, signedByPlatform, logger } = options;
  const sourceOf = (request: IncomingMessage) => {
    const forwarded = request.headers["x-forwarded-for"];
    return clientAddress(
      request.socket.remoteAddress,
      Array.isArray(forwarded) ? forwarded.join(",") : (forwarded ?? null),
    );
  };
  return {
    sourceOf,
    refusedTooLarge(request, declaredBytes) {
      const source = sourceOf(request);
      sampledLog(logger).write(
        "warn",
        "notify-refused:too-large",
        { path: pathOf(request.url), size: declaredBytes, source },
        "notification refused: body too large",
      );
      if (source === null) return;
      refusals
        .recordRefusal(source)
        .catch((error: unknown) => logger.warn({ err: error }, "counting a refused notification failed"));
    },
    async admit(request) {
      const source = sourceOf(request);
      if (source === null) return undefined;
      const blockedForMs = await refusals.blockedForMs(source);
      if (blockedForMs === 0) return undefined;
      if (signedByPlatform && (await signedByPlatform(request.headers))) return undefined;
      const retryAfter = Math.ceil(blockedForMs / 1000);
      logger.debug({ source, retryAfter }, "notification refused: source over its budget of refused pushes");
      return {
        status: 429,
        headers: { "retry-after": String(retryAfter) },
        body: JSON.stringify({
          resultcode: "1020176",
          resultdesc: `Authentication failed, try again later. Too many refused requests from ${source}.`,
        }),
      };
    },
  };
}
