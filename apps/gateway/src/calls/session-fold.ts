import {
  type CallEventNotification,
  type CallSession,
  type FeeRecord,
  foldCallSession,
} from "@privnum/notification-schemas";
import { isoToDate } from "../database/column-values.js";

/** A folded call without its events and CDRs (those live in their own tables). */
export type StoredCallSession = Omit<CallSession, "events" | "records">;

/** The parts of a folded call the gateway indexes, plus the fold itself. */
export interface FoldedSession {
  status: CallSession["state"];
  startedAt: Date | null;
  endedAt: Date | null;
  subscriptionId: string | null;
  virtualNum: string | null;
  /** A: whom X rang in the callee scenario, who dialled X in the callback scenario. */
  bindNum: string | null;
  session: StoredCallSession;
}

/** Fold a call's stored events and CDRs with `@privnum/notification-schemas`' `foldCallSession`. */
export function foldSession(
  events: readonly CallEventNotification[],
  records: readonly FeeRecord[],
): FoldedSession {
  const { events: _events, records: _records, ...session } = foldCallSession(events, records);
  const bindNum =
    session.scenario === "callee"
      ? session.forwardedTo
      : session.scenario === "callback"
        ? session.caller
        : undefined;
  return {
    status: session.state,
    startedAt: isoToDate(session.startedAt),
    endedAt: isoToDate(session.endedAt),
    subscriptionId: session.subscriptionId ?? null,
    virtualNum: session.virtualNum ?? null,
    bindNum: bindNum ?? null,
    session,
  };
}
