import type { Kysely } from "kysely";
import type { Database } from "../../src/database/database.js";

/** A call event's natural key, as the gateway deduplicates it: session, event type and platform timestamp. */
export function eventKey(sessionId: string, eventType: string, timestamp: string): string {
  return `${sessionId}|${eventType}|${timestamp}`;
}

/** The platform's event types by their GraphQL `CallEventType` names. */
const PLATFORM_EVENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  CALLIN: "callin",
  COLLECT_INFO: "collectInfo",
  CALLOUT: "callout",
  ALERTING: "alerting",
  ANSWER: "answer",
  DISCONNECT: "disconnect",
});

/** The natural key of an event a `callEvents` subscriber received (`sessionId eventType platformTimestamp`). */
export function eventKeyOfSeen(event: {
  sessionId: string;
  eventType: string;
  platformTimestamp: string;
}): string {
  const eventType = PLATFORM_EVENT_TYPES[event.eventType];
  if (eventType === undefined) throw new Error(`unknown CallEventType ${event.eventType}`);
  return eventKey(event.sessionId, eventType, event.platformTimestamp);
}

/** The natural key of a call-event push body (`{ eventType, statusInfo: { sessionId, timestamp } }`). */
export function eventKeyOfBody(body: Record<string, unknown>): string {
  const info = body.statusInfo as { sessionId: string; timestamp: string };
  return eventKey(info.sessionId, String(body.eventType), info.timestamp);
}

/** The icids of a fee push body (`{ eventType: "fee", feeLst: [{ icid }] }`). */
export function icidsOfBody(body: Record<string, unknown>): string[] {
  return (body.feeLst as { icid: string }[]).map((record) => record.icid);
}

/** How many times each key occurs. */
function tally(keys: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

/** The keys counted more than once, with their counts (empty when nothing is stored twice). */
export function repeated(counts: ReadonlyMap<string, number>): [string, number][] {
  return [...counts].filter(([, count]) => count !== 1);
}

/** What the database holds of the pushes, counted by natural key. */
export interface StoredPushes {
  /** `call_events`: rows per event key. */
  events: Map<string, number>;
  /** `call_records`: rows per icid. */
  records: Map<string, number>;
  /** `received_notifications` with verdict `accepted`: kept call-event bodies per event key. */
  acceptedEvents: Map<string, number>;
  /** `received_notifications` with verdict `accepted`: kept fee bodies holding each icid. */
  acceptedRecords: Map<string, number>;
  /** `received_notifications` rows per verdict. */
  verdicts: Map<string, number>;
}

/** Read every stored event, CDR and kept body, counted by natural key (a test database holds only its own). */
export async function readStoredPushes(db: Kysely<Database>): Promise<StoredPushes> {
  const events = await db
    .selectFrom("call_events")
    .select(["session_id", "event_type", "event_timestamp"])
    .execute();
  const records = await db.selectFrom("call_records").select("icid").execute();
  const kept = await db.selectFrom("received_notifications").select(["kind", "verdict", "body"]).execute();
  const accepted = kept
    .filter((row) => row.verdict === "accepted" && row.body !== null)
    .map((row) => ({
      kind: row.kind,
      body: JSON.parse(Buffer.from(row.body!).toString("utf8")) as Record<string, unknown>,
    }));
  return {
    events: tally(events.map((row) => eventKey(row.session_id, row.event_type, row.event_timestamp))),
    records: tally(records.map((row) => row.icid)),
    acceptedEvents: tally(
      accepted.filter((row) => row.kind === "callEvent").map((row) => eventKeyOfBody(row.body)),
    ),
    acceptedRecords: tally(
      accepted.filter((row) => row.kind === "fee").flatMap((row) => icidsOfBody(row.body)),
    ),
    verdicts: tally(kept.map((row) => row.verdict)),
  };
}

/** The call events in stream order, as `[stream_seq, event key]`. */
export async function readEventStream(db: Kysely<Database>): Promise<{ seq: number; key: string }[]> {
  const rows = await db
    .selectFrom("call_events")
    .select(["stream_seq", "session_id", "event_type", "event_timestamp"])
    .where("stream_seq", "is not", null)
    .orderBy("stream_seq")
    .execute();
  return rows.map((row) => ({
    seq: Number(row.stream_seq),
    key: eventKey(row.session_id, row.event_type, row.event_timestamp),
  }));
}
