import type { Notification } from "@privnum/notification-schemas";
import type { CallEventRow } from "../calls/call-event.table.js";
import type { CallRecordRow } from "../calls/call-record.table.js";
import type { CallSessionRow } from "../calls/call-session.table.js";
import type { NonceClaim } from "../notifications/nonce.repository.js";
import type { NotificationVerdict } from "../notifications/received-notification.table.js";
import type { VirtualNumberRow } from "../numbers/virtual-number.table.js";

/** The body as received, to keep alongside what was stored from it. */
export interface ReceivedBody {
  path: string;
  contentType: string | null;
  appKey: string | null;
  bytes: Uint8Array;
}

/** A verified, parsed push waiting to be stored. */
export interface PendingPush {
  notification: Notification;
  body: ReceivedBody;
  /** Its Nonce, recorded with it; null when verification is off. */
  nonce: NonceClaim | null;
}

/**
 * A push not stored because its Nonce was already used: by a push stored before (on any instance sharing the
 * database), or by an earlier push of the same batch. Answered as the verifier answers a replay.
 */
export class ReplayedNonceError extends Error {
  override readonly name = "ReplayedNonceError";
  constructor() {
    super("The Nonce has already been used.");
  }
}

/** What one push changed, for publishing after commit. */
export interface StoredPush {
  receivedId: number;
  verdict: NotificationVerdict;
  reason: string | null;
  itemCount: number;
  /** New call events with their stream positions, in stream order. */
  events: CallEventRow[];
  /** New CDRs, including those kept under a reused icid (`conflict` set). */
  records: CallRecordRow[];
  /**
   * Calls whose folded state changed. When several pushes stored together change one call, its new state
   * is reported once, with the last of them.
   */
  sessions: CallSessionRow[];
  /** X numbers whose status changed. */
  numbers: VirtualNumberRow[];
  /**
   * CDRs of this push naming a subscriptionId whose mirrored binding has another A or X: the platform
   * reused the ID. The CDR keeps the A it shows; the binding row is marked with `conflict_at`.
   */
  bindingConflicts: BindingConflict[];
}

/** A CDR that contradicts the mirrored binding of its subscriptionId (see `StoredPush.bindingConflicts`). */
export interface BindingConflict {
  icid: string;
  subscriptionId: string;
  /** The mirrored binding row. */
  bindingId: number;
  mirrored: { bindNum: string; virtualNum: string };
  /** What the CDR shows (null where it does not say). */
  pushed: { bindNum: string | null; virtualNum: string | null };
}

/** How many items (events, CDRs, number statuses) a push carries; none for a kind the gateway does not know. */
export function itemCount(notification: Notification): number {
  switch (notification.kind) {
    case "callEvent":
      return 1;
    case "fee":
      return notification.feeLst.length;
    case "numStatus":
      return notification.numInfo.length;
    default:
      return 0;
  }
}
