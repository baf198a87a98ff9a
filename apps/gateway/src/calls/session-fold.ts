import {
  type CallEventNotification,
  type CallSession,
  type FeeRecord,
  foldCallSession,
} from "@privnum/notification-schemas";
import { isoToDate } from "../database/column-values.js";
import { type CallOutcome, callSessionHangupCode, callSessionOutcome } from "./call-outcome.js";

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
  /** How the call went; null while it is in progress (see call-outcome.ts). */
  outcome: CallOutcome | null;
  /** The hang-up code it reports (`hangup.code`). */
  hangupCode: number | null;
  session: StoredCallSession;
}

/** Fold a call's stored events and CDRs with `@privnum/notification-schemas`' `foldCallSession`. */
export function foldSession(
  events: readonly CallEventNotification[],
  records: readonly FeeRecord[],
): FoldedSession {
  return foldSessionParts(events, records).folded;
}

/** A fold with the inputs that decided it (see fold-basis.ts). */
export interface FoldedSessionParts {
  folded: FoldedSession;
  /** The events folded, duplicates removed, in the fold's order. */
  events: readonly CallEventNotification[];
  /** The CDRs folded, duplicates removed, in the fold's order (the first one is the call's CDR). */
  records: readonly FeeRecord[];
  /** The CDR whose direction gives the outcome. */
  directionRecord: FeeRecord | undefined;
}

/** {@link foldSession}, also returning the ordered inputs the fold read. */
export function foldSessionParts(
  events: readonly CallEventNotification[],
  records: readonly FeeRecord[],
): FoldedSessionParts {
  const { events: ordered, records: bills, ...session } = foldCallSession(events, records);
  const bindNum =
    session.scenario === "callee"
      ? session.forwardedTo
      : session.scenario === "callback"
        ? session.caller
        : undefined;
  // The CDR the fold reads first (earliest callInTime, then icid) gives the direction.
  const first = records
    .slice()
    .sort((a, b) => compare(a.callInTimeIso ?? "", b.callInTimeIso ?? "") || compare(a.icid, b.icid))[0];
  return {
    folded: {
      status: session.state,
      startedAt: isoToDate(session.startedAt),
      endedAt: isoToDate(session.endedAt),
      subscriptionId: session.subscriptionId ?? null,
      virtualNum: session.virtualNum ?? null,
      bindNum: bindNum ?? null,
      outcome: callSessionOutcome(session, first?.direction ?? null),
      hangupCode: callSessionHangupCode(session),
      session,
    },
    events: ordered,
    records: bills,
    directionRecord: first,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
