// How an X's status reads: the badge (tone and word), the sentence that explains it, and which of two reports of
// the same X is the newer (the query's, refetched now and then, or a status change pushed since).

/** The platform's X statuses as the gateway names them. */
export type VirtualNumberStatus = "NORMAL" | "PAUSED" | "UNAVAILABLE" | "BINDING_FROZEN";

/** A code and what it means, as the gateway describes status codes and causes. */
export interface CodeText {
  code: string;
  description: string | null;
}

/** What the page reads of an X's status. */
export interface NumberStatusFields {
  number: string;
  status: VirtualNumberStatus | null;
  statusCode: string | null;
  statusChangedAt: string | null;
  statusDescription: CodeText | null;
  cause: CodeText | null;
}

/** A badge: its class in styles.css (`badge ok|warn|bad`, none for neutral) and its word. */
export interface StatusBadge {
  tone: "ok" | "warn" | "bad" | "neutral";
  label: string;
}

const BADGES: Readonly<Record<VirtualNumberStatus, StatusBadge>> = {
  NORMAL: { tone: "ok", label: "Normal" },
  // Calls stop on both: nothing reaches A through this X.
  PAUSED: { tone: "bad", label: "Paused" },
  UNAVAILABLE: { tone: "bad", label: "Unavailable" },
  // Existing bindings keep working; only new ones are refused.
  BINDING_FROZEN: { tone: "warn", label: "Binding frozen" },
};

/** The badge for an X's status; a code the gateway does not know yet is shown as sent, neutral. */
export function statusBadge(fields: Pick<NumberStatusFields, "status" | "statusCode">): StatusBadge {
  if (fields.status) return BADGES[fields.status];
  if (fields.statusCode) return { tone: "neutral", label: `Status ${fields.statusCode}` };
  return { tone: "neutral", label: "Not reported" };
}

/** The sentence under the badge: the status described, then the cause (UNAVAILABLE), each with its code. */
export function statusDetails(
  fields: Pick<NumberStatusFields, "status" | "statusCode" | "statusDescription" | "cause">,
): string {
  if (!fields.statusCode && !fields.statusDescription) return "The platform has not reported a status yet.";
  const parts: string[] = [];
  const described = fields.statusDescription;
  if (described) {
    parts.push(described.description ?? `Status code ${described.code}, not in the published table.`);
  } else if (fields.statusCode) {
    parts.push(`Status code ${fields.statusCode}.`);
  }
  if (fields.cause) {
    const because = fields.cause.description ?? `code ${fields.cause.code}, not in the published table`;
    parts.push(`Cause: ${because} (${fields.cause.code}).`);
  }
  return parts.map((part) => (/[.!?)]$/.test(part) ? part : `${part}.`)).join(" ");
}

function changedAt(fields: Pick<NumberStatusFields, "statusChangedAt">): number {
  const ms = fields.statusChangedAt ? Date.parse(fields.statusChangedAt) : Number.NaN;
  return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
}

/**
 * The listed X's with the status changes pushed since the list was fetched laid over them: a change wins when
 * it is newer than what the list says. `unlisted` names the numbers a change was pushed for that the list does not
 * hold yet (the list should be fetched again), and `ambiguous` those a change cannot be matched to one X (masked
 * numbers that look alike to a viewer: fetch again rather than guess).
 */
export function withStatusChanges<T extends NumberStatusFields>(
  listed: readonly T[],
  changes: ReadonlyMap<string, NumberStatusFields>,
): { numbers: T[]; unlisted: string[]; ambiguous: string[] } {
  const seen = new Map<string, number>();
  for (const n of listed) seen.set(n.number, (seen.get(n.number) ?? 0) + 1);
  const unlisted = [...changes.keys()].filter((number) => !seen.has(number));
  const ambiguous = [...changes.keys()].filter((number) => (seen.get(number) ?? 0) > 1);
  const numbers = listed.map((n) => {
    const change = changes.get(n.number);
    if (!change || seen.get(n.number) !== 1 || changedAt(change) <= changedAt(n)) return n;
    return {
      ...n,
      status: change.status,
      statusCode: change.statusCode,
      statusChangedAt: change.statusChangedAt,
      statusDescription: change.statusDescription,
      cause: change.cause,
    };
  });
  return { numbers, unlisted, ambiguous };
}
