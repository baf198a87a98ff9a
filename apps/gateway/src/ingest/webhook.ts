import type { Plugin } from "graphql-yoga";
import type { Kysely } from "kysely";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import type { Database } from "../database/database.js";
import type { BodyRoute } from "../http/body-policy.js";
import { createClientAddressResolver } from "../http/client-address.js";
import type { RequestHandler } from "../http/http-server.js";
import { startNotificationRetention } from "../notifications/notification-retention.js";
import type { GatewayConfig } from "../shared/config.js";
import type { Logger } from "../shared/logger.js";
import { sampledLog } from "../shared/sampled-log.js";
import { createNotifyAdmission } from "./notify-admission.js";
import { createNotifyHandler } from "./notify-handler.js";
import { routeNotifyRequests } from "./notify-http-route.js";
import { notifyBodyRoute, useNotifyRoute } from "./notify-route.js";
import { createNotifyVerification } from "./notify-verifier.js";
import { createRefusalLimiter } from "./refusal-limiter.js";
import type { StoredPush } from "./stored-push.js";

/** What {@link createWebhook} needs. */
export interface WebhookOptions {
  db: Kysely<Database>;
  config: Pick<GatewayConfig, "platform" | "notifyVerify"> & {
    limits: Pick<GatewayConfig["limits"], "notify">;
  };
  logger: Logger;
  /** Called after commit with what a push changed. */
  onStored: (push: StoredPush) => void;
  /** Told the status of every push answered with other than 2xx by the handler. */
  onRefused?: (status: number) => void;
  /** How often expired nonces are deleted, in ms. @default 60000 */
  noncePurgeIntervalMs?: number | undefined;
  /** Longest a push waits on the database for its nonce check, and again for its commit, in ms. */
  timeoutMs?: number | undefined;
  /** Where the refusal budgets are counted (shared by instances, refusal-store.ts). @default this process */
  refusalStore?: RateLimiterAbstract | undefined;
}

/** The webhook, assembled: its route, its body rules for the HTTP server, and its upkeep. */
export interface Webhook {
  /** The webhook paths served on the HTTP server ahead of `next` (Yoga), which gets every other path. */
  serveHttp(next: RequestHandler): RequestHandler;
  /** The webhook paths as a Yoga plugin, for requests handed to Yoga in-process (`yoga.fetch`). */
  route: Plugin;
  /** The HTTP server's body limit and admission check (refusal budget) for the webhook paths. */
  bodyRoute: BodyRoute;
  /** Start the retention of kept bodies; resolves the function that stops it. */
  startRetention(): () => Promise<void>;
  /** Stop purging expired nonces; write the counts of refusal lines left out by sampling. */
  stop(): void;
}

/**
 * The parts of `/notify` in the order a push meets them: the door (a source's budget of refused pushes, its
 * address through trusted proxies), the signature check with its replay store, the handler that stores the
 * push, and the retention of what was kept.
 */
export function createWebhook(options: WebhookOptions): Webhook {
  const { db, config, onStored, timeoutMs } = options;
  const logger = options.logger.child({ component: "notify" });
  const { notify } = config.limits;
  const verification = createNotifyVerification({
    db,
    platform: config.platform,
    enabled: config.notifyVerify,
    purgeIntervalMs: options.noncePurgeIntervalMs ?? 60_000,
    logger: options.logger,
  });
  const refusals = createRefusalLimiter({
    refusals: notify.refusalsPerMinute,
    ...(options.refusalStore !== undefined ? { store: options.refusalStore } : {}),
  });
  const admission = createNotifyAdmission({
    refusals,
    clientAddress: createClientAddressResolver(notify.trustedProxies),
    signedByPlatform: verification.signedByPlatform,
    logger,
  });
  const handle = createNotifyHandler({
    db,
    verifier: verification.verifier,
    logger,
    ...(timeoutMs !== undefined ? { writer: { commitTimeoutMs: timeoutMs } } : {}),
    onStored,
    refusals,
    ...(options.onRefused ? { onRefused: options.onRefused } : {}),
  });
  return {
    serveHttp: (next) => routeNotifyRequests({ handle, sourceOf: admission.sourceOf, logger }, next),
    route: useNotifyRoute(handle, admission.sourceOf),
    bodyRoute: notifyBodyRoute(admission),
    startRetention: () =>
      startNotificationRetention({
        db,
        retentionDays: notify.retentionDays,
        intervalMs: 60 * 60 * 1000,
        firstRunAfterMs: 60 * 1000,
        logger,
      }),
    stop() {
      verification.stop();
      // What the sampling of refusals left out so far, written before the gateway goes.
      sampledLog(logger).flush();
    },
  };
}
