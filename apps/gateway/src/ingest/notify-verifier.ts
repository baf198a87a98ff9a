import { createVerifier, type HeaderSource, type Verifier } from "@privnum/wsse-auth";
import type { Kysely } from "kysely";
import type { Database } from "../database/database.js";
import type { PlatformConfig } from "../shared/config.js";
import type { Logger } from "../shared/logger.js";
import { repeatEvery } from "../shared/repeat.js";
import { createDatabaseNonceStore } from "./nonce-store.js";

/** The signature check of pushes, with the upkeep of its replay store. */
export interface NotifyVerification {
  /** Null when verification is turned off (NOTIFY_VERIFY=false). */
  verifier: Verifier | null;
  /**
   * Whether headers carry the platform's valid signature (digest and `Created` window), without recording
   * their nonce: lets the platform's pushes past a source's refusal budget (notify-admission.ts), after which
   * `verifier` checks them whole. Null when verification is off.
   */
  signedByPlatform: ((headers: HeaderSource) => Promise<boolean>) | null;
  /** Stop purging expired nonces. */
  stop(): void;
}

/** Options for {@link createNotifyVerification}. */
export interface NotifyVerificationOptions {
  db: Kysely<Database>;
  platform: Pick<PlatformConfig, "appKey" | "appSecret">;
  /** False turns verification off, with a warning. */
  enabled: boolean;
  /** How often expired nonces are deleted, in ms. */
  purgeIntervalMs: number;
  /** Longest a nonce check waits for the database, in ms (then the push is answered 503). @default 5000 */
  nonceTimeoutMs?: number;
  logger: Logger;
}

/**
 * Verify pushes with the platform app's key and secret; nonces are kept in the database, so a push replayed to
 * another instance sharing it is refused too.
 */
export function createNotifyVerification(options: NotifyVerificationOptions): NotifyVerification {
  const { db, platform, logger } = options;
  const nonceStore = createDatabaseNonceStore(
    db,
    options.nonceTimeoutMs !== undefined ? { checkTimeoutMs: options.nonceTimeoutMs } : {},
  );
  const stop = repeatEvery(
    options.purgeIntervalMs,
    () => nonceStore.purgeExpired(),
    (error) => logger.warn({ err: error }, "purging nonces failed"),
  );
  const lookupSecret = (appKey: string) => (appKey === platform.appKey ? platform.appSecret : undefined);
  if (!options.enabled) logger.warn("NOTIFY_VERIFY=false: pushes on /notify are NOT authenticated");
  const verifier = options.enabled
    ? createVerifier({
        lookupSecret,
        nonceStore,
      })
    : null;
  const signatureOnly = options.enabled
    ? createVerifier({ lookupSecret, nonceStore: { add: async () => true } })
    : null;
  const signedByPlatform = signatureOnly
    ? async (headers: HeaderSource) => (await signatureOnly.verify(headers)).ok
    : null;
  return { verifier, signedByPlatform, stop };
}
