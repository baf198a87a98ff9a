import { createVerifier, type HeaderSource, type Verifier } from "@privnum/wsse-auth";
import type { Kysely } from "kysely";
import type { Database } from "../database/database.js";
import { purgeExpiredNonces } from "../notifications/nonce.repository.js";
import type { PlatformConfig } from "../shared/config.js";
import type { Logger } from "../shared/logger.js";
import { repeatEvery } from "../shared/repeat.js";

/** The signature check of pushes, with the upkeep of its replay store. */
export interface NotifyVerification {
  /**
   * Checks headers for the platform's valid signature (digest and `Created` window); null when verification
   * is turned off (NOTIFY_VERIFY=false). It does not record the Nonce: the transaction that stores the push
   * does (`nonceKey` of its result, see notifications/nonce.repository.ts), so a replay is refused there.
   */
  verifier: Verifier | null;
  /**
   * Whether headers carry the platform's valid signature: lets the platform's pushes past a source's refusal
   * budget (notify-admission.ts). Null when verification is off.
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
  logger: Logger;
}

/** Every Nonce passes the verifier: the storing transaction records it, and refuses a replay. */
const RECORDED_WHEN_STORED = { add: async () => true };

/**
 * Verify pushes with the platform app's key and secret; nonces are kept in the database, so a push replayed to
 * another instance sharing it is refused too.
 */
export function createNotifyVerification(options: NotifyVerificationOptions): NotifyVerification {
  const { db, platform, logger } = options;
  const stop = repeatEvery(
    options.purgeIntervalMs,
    () => purgeExpiredNonces(db, new Date()),
    (error) => logger.warn({ err: error }, "purging nonces failed"),
  );
  const lookupSecret = (appKey: string) => (appKey === platform.appKey ? platform.appSecret : undefined);
  if (!options.enabled) logger.warn("NOTIFY_VERIFY=false: pushes on /notify are NOT authenticated");
  const verifier = options.enabled
    ? createVerifier({ lookupSecret, nonceStore: RECORDED_WHEN_STORED })
    : null;
  const signedByPlatform = verifier
    ? async (headers: HeaderSource) => (await verifier.verify(headers)).ok
    : null;
  return { verifier, signedByPlatform, stop };
}
