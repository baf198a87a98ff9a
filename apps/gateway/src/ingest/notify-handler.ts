import { maskPhoneNumber, parseNotification } from "@privnum/notification-schemas";
import { VERIFY_ERRORS, type Verifier } from "@privnum/wsse-auth";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Database } from "../database/database.js";
import { isDatabaseUnavailable } from "../database/database-errors.js";
import { claimNonce, type NonceClaim, nonceClaimOf } from "../notifications/nonce.repository.js";
import { sampledLog } from "../shared/sampled-log.js";
import { GroupCommitFullError } from "./group-commit.js";
import { createNotificationWriter, type NotificationWriterOptions } from "./notification-writer.js";
import { headerText, type NotifyReply, type NotifyRequest } from "./notify-request.js";
import { BodyAbortedError } from "./read-body.js";
import type { RefusalLimiter } from "./refusal-limiter.js";
import { headerNamesOf, keepRejectedBody, type RefusedPush } from "./rejected-body.js";
import {
  acceptedReply,
  internalErrorReply,
  methodNotAllowedReply,
  notANotificationReply,
  platformReply,
  tooLargeReply,
  unavailableReply,
} from "./responses.js";
import { type ReceivedBody, ReplayedNonceError, type StoredPush } from "./stored-push.js";

/** Paths that accept pushes. The platform may send any kind to any of them. */
export const NOTIFY_PATHS: readonly string[] = [
  "/notify",
  "/notify/call-events",
  "/notify/fees",
  "/notify/number-status",
];

/** Largest accepted body: 1 MiB (a 50-CDR fee push is about 60 KiB). */
export const MAX_NOTIFY_BODY_BYTES = 1024 * 1024;

/** Options for {@link createNotifyHandler}. */
export interface NotifyHandlerOptions {
  db: Kysely<Database>;
  /** Signature check; `null` turns verification off (NOTIFY_VERIFY=false). */
  verifier: Verifier | null;
  logger: Logger;
  /** @default () => new Date() */
  now?: () => Date;
  /** @default MAX_NOTIFY_BODY_BYTES */
  maxBodyBytes?: number;
  /** How pushes are stored together (see createNotificationWriter). */
  writer?: Omit<NotificationWriterOptions, "db" | "now">;
  /** Called after commit with what the push changed; publishes to subscribers. */
  onStored: (push: StoredPush) => void;
  /** Counts the pushes refused per source address (see notify-admission.ts); absent: nothing is counted. */
  refusals?: RefusalLimiter;
  /** Told the status of every answer other than 2xx (the metrics of refused pushes). */
  onRefused?: (status: number) => void;
}

/** Answers /notify requests, whichever way they came (see notify-request.ts). */
export type NotifyHandler = (request: NotifyRequest) => Promise<NotifyReply>;

const masked = (number: string | null) => (number === null ? null : maskPhoneNumber(number));

/** One warning per CDR kept under an icid already stored with different content (numbers masked). */
function warnReusedIcids(logger: Logger, stored: StoredPush): void {
  for (const record of stored.records) {
    if (!record.conflict) continue;
    logger.warn(
      {
        icid: record.icid,
        sessionId: record.session_id,
        subscriptionId: record.subscription_id,
        virtualNum: masked(record.virtual_num),
        bindNum: masked(record.bind_num),
        callerNum: masked(record.caller_num),
        calleeNum: masked(record.callee_num),
        recordId: record.id,
        receivedId: stored.receivedId,
      },
      "a CDR reuses a stored icid with different content: kept as a separate row marked conflict",
    );
  }
}

/** One warning per CDR contradicting the mirrored binding of its subscriptionId (numbers masked). */
function warnBindingConflicts(logger: Logger, stored: StoredPush): void {
  for (const conflict of stored.bindingConflicts) {
    logger.warn(
      {
        icid: conflict.icid,
        subscriptionId: conflict.subscriptionId,
        bindingId: conflict.bindingId,
        mirrored: {
          bindNum: maskPhoneNumber(conflict.mirrored.bindNum),
          virtualNum: maskPhoneNumber(conflict.mirrored.virtualNum),
        },
        pushed: { bindNum: masked(conflict.pushed.bindNum), virtualNum: masked(conflict.pushed.virtualNum) },
        receivedId: stored.receivedId,
      },
      "a CDR names a subscriptionId whose mirrored binding has another A or X: the binding is marked conflicting",
    );
  }
}

/**
 * The webhook: read (bounded) → verify → parse → store in one transaction (shared with the pushes arriving
 * at the same time: see createNotificationWriter) → 200 after commit → publish. Every push that arrives is
 * kept with its verdict; a refused one as metadata (path, size, verdict, source address, header names) and,
 * only when it is the platform's (signed, or verification off) but not a notification, with its body too.
 * A push refused for its signature or size counts against its source's budget (`refusals`). A push the
 * writer has no room for is answered 503 without being kept (the platform sends it again).
 */
export function createNotifyHandler(options: NotifyHandlerOptions): NotifyHandler {
  const { db, verifier, logger, onStored, refusals, onRefused } = options;
  // Refusals and 503s are what a flood or an outage repeats: sampled per kind, so they cannot flood the log.
  const refusalLog = sampledLog(logger);
  const now = options.now ?? (() => new Date());
  const maxBytes = options.maxBodyBytes ?? MAX_NOTIFY_BODY_BYTES;
  const writer = createNotificationWriter({ ...options.writer, db, now });

  async function keep(
    push: RefusedPush,
    verdict: Parameters<typeof keepRejectedBody>[2],
  ): Promise<NotifyReply | undefined> {
    try {
      await keepRejectedBody(db, push, verdict);
      return undefined;
    } catch (error) {
      return failure(error, "keeping a rejected notification failed");
    }
  }

  /** Count a refusal against `source`; a failing store costs the count, never the answer. */
  async function countRefusal(source: string | null): Promise<void> {
    if (!refusals || source === null) return;
    await refusals
      .recordRefusal(source)
      .catch((error: unknown) => logger.warn({ err: error }, "counting a refused notification failed"));
  }

  /** A push whose Nonce was already used: refused as the verifier refuses a replay, its metadata kept. */
  async function refuseReplay(
    body: ReceivedBody,
    push: RefusedPush,
    source: string | null,
  ): Promise<NotifyReply> {
    const answer = VERIFY_ERRORS["nonce-replayed"];
    refusalLog.write(
      "warn",
      "notify-refused:nonce-replayed",
      { path: push.path, code: "nonce-replayed", appKey: body.appKey, source },
      "notification refused: signature",
    );
    await countRefusal(source);
    const kept = await keep(
      { ...push, appKey: body.appKey },
      { httpStatus: answer.httpStatus, reason: `nonce-replayed: ${new ReplayedNonceError().message}` },
    );
    return (
      kept ??
      platformReply(answer.httpStatus, { resultcode: answer.resultcode, resultdesc: answer.resultdesc })
    );
  }

  function failure(error: unknown, message: string): NotifyReply {
    if (error instanceof GroupCommitFullError) {
      refusalLog.write(
        "warn",
        "notify-503:full",
        { waiting: writer.waiting },
        `${message}: too many pushes waiting, answering 503`,
      );
      return unavailableReply();
    }
    if (isDatabaseUnavailable(error)) {
      refusalLog.write(
        "warn",
        "notify-503:database",
        { err: error },
        `${message}: database unavailable, answering 503`,
      );
      return unavailableReply();
    }
    logger.error({ err: error }, message);
    return internalErrorReply();
  }

  async function handle(request: NotifyRequest): Promise<NotifyReply> {
    if (request.method !== "POST") return methodNotAllowedReply();
    const { path, source } = request;
    const contentType = headerText(request.headers, "content-type");
    const refused = (size: number): RefusedPush => ({
      path,
      contentType,
      appKey: null,
      sourceAddress: source,
      headerNames: headerNamesOf(request.headers),
      size,
      bytes: null,
    });

    const read = await request.readBody(maxBytes);
    if (!read.ok) {
      refusalLog.write(
        "warn",
        "notify-refused:too-large",
        { path, size: read.size, source },
        "notification refused: body too large",
      );
      await countRefusal(source);
      const kept = await keep(refused(read.size), {
        httpStatus: 413,
        reason: `body of ${read.size}+ bytes exceeds ${maxBytes}`,
      });
      return kept ?? tooLargeReply(maxBytes);
    }
    const body: ReceivedBody = { path, contentType, appKey: null, bytes: read.bytes };
    // Recorded by the transaction that stores the push (see notifications/nonce.repository.ts).
    let nonce: NonceClaim | null = null;

    if (verifier) {
      let verdict: Awaited<ReturnType<Verifier["verify"]>>;
      try {
        verdict = await verifier.verify(request.headers);
      } catch (error) {
        return failure(error, "verifying a notification failed");
      }
      if (!verdict.ok) {
        refusalLog.write(
          "warn",
          `notify-refused:${verdict.code}`,
          { path, code: verdict.code, appKey: verdict.appKey, source },
          "notification refused: signature",
        );
        await countRefusal(source);
        // Not the platform's: its metadata is kept, never its body.
        const kept = await keep(
          { ...refused(read.bytes.byteLength), appKey: verdict.appKey ?? null },
          { httpStatus: verdict.httpStatus, reason: `${verdict.code}: ${verdict.message}` },
        );
        return (
          kept ??
          platformReply(verdict.httpStatus, {
            resultcode: verdict.resultcode,
            resultdesc: verdict.resultdesc,
          })
        );
      }
      body.appKey = verdict.appKey;
      nonce = nonceClaimOf(verdict, now());
    }

    const parsed = parseNotification(read.bytes);
    if (!parsed.ok) {
      // Its body is kept below: a replay of it must not be, so its Nonce is recorded first.
      if (nonce !== null) {
        let unused: boolean;
        try {
          unused = await claimNonce(db, nonce, now());
        } catch (error) {
          return failure(error, "recording the Nonce of a notification failed");
        }
        if (!unused) return refuseReplay(body, refused(read.bytes.byteLength), source);
      }
      refusalLog.write(
        "warn",
        "notify-refused:content",
        { path, issues: parsed.issues.slice(0, 5) },
        "notification refused: not a notification",
      );
      const reason = parsed.issues
        .slice(0, 10)
        .map((issue) => `${issue.path}: ${issue.message}`)
        .join("; ");
      // The platform's own body (it passed the signature check): kept whole, to show what it sent.
      const kept = await keep(
        { ...refused(read.bytes.byteLength), appKey: body.appKey, bytes: read.bytes },
        { httpStatus: 400, reason: `not a notification: ${reason}` },
      );
      return kept ?? notANotificationReply(parsed.issues);
    }

    let stored: StoredPush;
    try {
      stored = await writer.write(parsed.notification, body, nonce);
    } catch (error) {
      if (error instanceof ReplayedNonceError)
        return refuseReplay(body, refused(read.bytes.byteLength), source);
      return failure(error, "storing a notification failed");
    }
    logger.info(
      {
        path,
        kind: parsed.notification.kind,
        verdict: stored.verdict,
        items: stored.itemCount,
        newEvents: stored.events.length,
        newRecords: stored.records.length,
        receivedId: stored.receivedId,
      },
      "notification stored",
    );
    warnReusedIcids(logger, stored);
    warnBindingConflicts(logger, stored);
    try {
      onStored(stored);
    } catch (error) {
      // Publishing is best effort: the push is committed and live readers catch up from the table.
      logger.error({ err: error }, "publishing a stored notification failed");
    }
    return acceptedReply();
  }

  return async function handleNotify(request: NotifyRequest): Promise<NotifyReply> {
    let reply: NotifyReply;
    try {
      reply = await handle(request);
    } catch (error) {
      // The client went away mid-body: nothing was stored, and there is nobody to answer.
      if (error instanceof BodyAbortedError) throw error;
      reply = failure(error, "answering a notification failed");
    }
    if (reply.status < 200 || reply.status >= 300) onRefused?.(reply.status);
    return reply;
  };
}
