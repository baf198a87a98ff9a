// How a CDR's outcome and recording state read in the table: the badge's tone, and the failure in words.

/** The tone of a badge (styles.css: `badge ok|warn|bad`; "" is the neutral badge). */
export type BadgeTone = "ok" | "warn" | "bad" | "";

/** The badge tone of an outcome. */
export function outcomeTone(outcome: string): BadgeTone {
  if (outcome === "ANSWERED") return "ok";
  if (outcome === "UNANSWERED") return "warn";
  return "bad";
}

/** The badge tone and label of a recording's archive state. */
export function recordingBadge(state: string): { tone: BadgeTone; label: string } {
  switch (state) {
    case "ARCHIVED":
      return { tone: "ok", label: "Archived" };
    case "PENDING":
      return { tone: "warn", label: "Pending" };
    case "FAILED":
      return { tone: "bad", label: "Failed" };
    case "EXPIRED":
      return { tone: "bad", label: "Expired" };
    case "DELETED":
      return { tone: "", label: "Deleted" };
    default:
      return { tone: "", label: "No recording" };
  }
}

/** What a CDR says about why its call did not go through. */
export interface FailureFields {
  outcome: string;
  failure: { code: string; description: string | null } | null;
  session: { hangup: { code: number; description: string | null; stateDesc: string | null } | null } | null;
}

/**
 * Why a call was not answered, in words with its code: the CDR's teardown point (`failure`), else the call's
 * hang-up reason; undefined for an answered call or when nothing was reported.
 */
export function describeFailure(record: FailureFields): string | undefined {
  if (record.outcome === "ANSWERED") return undefined;
  if (record.failure) {
    return record.failure.description
      ? `${record.failure.description} (${record.failure.code})`
      : `Code ${record.failure.code}`;
  }
  const hangup = record.session?.hangup;
  if (!hangup) return undefined;
  const words = hangup.description ?? hangup.stateDesc;
  return words ? `${words} (${hangup.code})` : `Code ${hangup.code}`;
}
