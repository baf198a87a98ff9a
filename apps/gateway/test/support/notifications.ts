import { parseNotification } from "@privnum/notification-schemas";
import { signUsernameToken } from "@privnum/wsse-auth";
import type { Kysely } from "kysely";
import type { Database } from "../../src/database/database.js";
import { storeNotifications } from "../../src/ingest/store-pushes.js";
import type { PendingPush, StoredPush } from "../../src/ingest/stored-push.js";
import { SIMULATOR_DEFAULT_APP } from "../../src/shared/config.js";

/** Platform time `yyyy-MM-dd HH:mm:ss` (UTC) of an instant. */
export function platformTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ");
}

/** A call event body as the platform sends it. */
export function callEvent(
  eventType: "callin" | "collectInfo" | "callout" | "alerting" | "answer" | "disconnect",
  sessionId: string,
  at: Date,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  const parties = eventType === "collectInfo" ? {} : { caller: "+8613900000001", called: "+8617000000001" };
  const extra = eventType === "disconnect" ? { stateCode: 0, stateDesc: "The user releases the call." } : {};
  return {
    eventType,
    statusInfo: { sessionId, timestamp: platformTime(at), ...parties, ...extra, ...fields },
  };
}

/** One CDR (feeLst entry). */
export function cdr(icid: string, sessionId: string, at: Date, fields: Record<string, unknown> = {}) {
  return {
    direction: 0,
    spId: "privnum-sim-sp",
    appKey: SIMULATOR_DEFAULT_APP.appKey,
    icid,
    bindNum: "+8617000000001",
    sessionId,
    callerNum: "+8613900000001",
    calleeNum: "+8617000000001",
    fwdDstNum: "+8613800000021",
    callInTime: platformTime(at),
    fwdAnswerTime: platformTime(new Date(at.getTime() + 5000)),
    callEndTime: platformTime(new Date(at.getTime() + 35_000)),
    recordFlag: 0,
    serviceType: "005",
    extendNumber: "0001",
    ...fields,
  };
}

/** Signed headers for a push, as the platform sends them (AKSK by default). */
export function signedHeaders(
  options: {
    appKey?: string;
    appSecret?: string;
    scheme?: "aksk" | "wsse-hex" | "wsse-raw";
    created?: Date;
  } = {},
): Record<string, string> {
  return signUsernameToken({
    appKey: options.appKey ?? SIMULATOR_DEFAULT_APP.appKey,
    appSecret: options.appSecret ?? SIMULATOR_DEFAULT_APP.appSecret,
    scheme: options.scheme ?? "aksk",
    ...(options.created ? { created: options.created } : {}),
  }).headers;
}

/**
 * A push as the writer receives it (verified, parsed, with its body): `body` parsed as a notification, with no
 * Nonce to record (as with verification off; see {@link withNonce}).
 */
export function pendingPush(body: Record<string, unknown>): PendingPush {
  const bytes = new TextEncoder().encode(JSON.stringify(body));
  const parsed = parseNotification(bytes);
  if (!parsed.ok) throw new Error(`test push does not parse: ${JSON.stringify(parsed.issues)}`);
  return {
    notification: parsed.notification,
    body: { path: "/notify", contentType: "application/json", appKey: "k", bytes },
    nonce: null,
  };
}

/** `push` with a Nonce to record, valid for 361 s from `now`. */
export function withNonce(push: PendingPush, key: string, now: Date): PendingPush {
  return { ...push, nonce: { key, expiresAt: new Date(now.getTime() + 361_000) } };
}

/** `storeNotifications`, failing when a push comes back refused (a replayed Nonce) rather than stored. */
export async function storeAccepted(
  db: Kysely<Database>,
  pushes: readonly PendingPush[],
  now: Date,
): Promise<StoredPush[]> {
  return (await storeNotifications(db, pushes, now)).map((outcome) => {
    if (outcome instanceof Error) throw outcome;
    return outcome;
  });
}
