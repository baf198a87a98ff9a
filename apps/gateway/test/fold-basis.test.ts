import {
  type CallEventNotification,
  type FeeRecord,
  type Notification,
  parseNotification,
} from "@privnum/notification-schemas";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CallHistoryItem,
  type FoldBasis,
  type FoldedHistory,
  foldHistory,
  historyOrder,
} from "../src/calls/fold-basis.js";
import { callEvent, cdr } from "./support/notifications.js";

const SESSION = "fold-basis-call";
const start = Date.parse("2026-06-01T10:00:00Z");
const at = (second: number) => new Date(start + second * 1000);

function parsed(body: Record<string, unknown>): Notification {
  const result = parseNotification(new TextEncoder().encode(JSON.stringify(body)));
  if (!result.ok) throw new Error(`test body does not parse: ${JSON.stringify(result.issues)}`);
  return result.notification;
}

/** As the gateway stores an item: without `raw`, and read back through JSON (jsonb). */
function stored(item: { raw: unknown }): unknown {
  const { raw: _raw, ...rest } = item;
  return JSON.parse(JSON.stringify(rest));
}

const optional = <T>(...values: T[]) => fc.option(fc.constantFrom(...values), { nil: undefined });
const column = (...values: string[]) => fc.option(fc.constantFrom(...values), { nil: null });

const EVENT_TYPES = ["callin", "collectInfo", "callout", "alerting", "answer", "disconnect"] as const;

/** A call event with its row's attribution columns; few distinct seconds, so that times tie. */
const eventArbitrary = fc.record({
  eventType: fc.constantFrom(...EVENT_TYPES),
  second: fc.integer({ min: 0, max: 5 }),
  subscriptionId: optional("sub-1", "sub-2", ""),
  extendNum: optional("0001", "0002", ""),
  called: optional("+8617000000001", "+8613800000021"),
  caller: optional("+8613900000001", "+8613800000021"),
  digitInfo: optional("0001", ""),
  stateCode: fc.constantFrom<number>(0, 8019, 8022),
  subscription_id: column("sub-1", "sub-2"),
  virtual_num: column("+8617000000001", "+8617000000002"),
  bind_num: column("+8613800000021", "+8613800000022"),
});

const recordArbitrary = fc.record({
  icid: fc.constantFrom("icid-1", "icid-2", "icid-3", "icid-4"),
  second: fc.integer({ min: 0, max: 3 }),
  direction: fc.constantFrom<number>(0, 1, 2),
  answered: fc.boolean(),
  subscriptionId: optional("sub-1", "sub-2", ""),
  fwdDstNum: optional("+8613800000021", "+8613800000022"),
  bindNum: optional("+8617000000001", "+8617000000002"),
  ulFailReason: optional(0, 4),
  fwdUnaswRsn: optional(0, 17),
  recordFlag: fc.constantFrom(0, 1),
  subscription_id: column("sub-1", "sub-2"),
  virtual_num: column("+8617000000001"),
  bind_num: column("+8613800000021", "+8613800000022"),
});

type EventSpec = typeof eventArbitrary extends fc.Arbitrary<infer T> ? T : never;
type RecordSpec = typeof recordArbitrary extends fc.Arbitrary<infer T> ? T : never;

function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

function eventOf(spec: EventSpec): CallEventNotification {
  const { eventType, second, subscription_id: _s, virtual_num: _v, bind_num: _b, ...fields } = spec;
  const notification = parsed(callEvent(eventType, SESSION, at(second), defined(fields)));
  if (notification.kind !== "callEvent") throw new Error("not a call event");
  return notification;
}

function recordOf(spec: RecordSpec): FeeRecord {
  const { icid, second, answered, subscription_id: _s, virtual_num: _v, bind_num: _b, ...fields } = spec;
  const body: Record<string, unknown> = cdr(icid, SESSION, at(second), defined(fields));
  if (!answered) delete body.fwdAnswerTime;
  const notification = parsed({ eventType: "fee", feeLst: [body] });
  if (notification.kind !== "fee") throw new Error("not a CDR push");
  return notification.feeLst[0]!;
}

/** A call's items as they arrive: each is an event or a CDR, with its row's columns. */
type Arrival = { kind: "event"; spec: EventSpec } | { kind: "record"; spec: RecordSpec };

/**
 * Events unique by type and time (as stored), CDRs of which some may reuse an icid, in an arbitrary arrival
 * order, cut into pushes.
 */
const arrivalsArbitrary = fc
  .tuple(
    fc.uniqueArray(eventArbitrary, { selector: (e) => `${e.eventType}@${e.second}`, maxLength: 12 }),
    // A CDR under an icid already stored with other content is kept too (marked conflict).
    fc.uniqueArray(recordArbitrary, { selector: (r) => JSON.stringify(r), maxLength: 5 }),
  )
  .filter(([events, records]) => events.length + records.length > 0)
  .chain(([events, records]) => {
    const items: Arrival[] = [
      ...events.map((spec) => ({ kind: "event" as const, spec })),
      ...records.map((spec) => ({ kind: "record" as const, spec })),
    ];
    return fc.tuple(
      fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length }),
      fc.array(fc.boolean(), { minLength: items.length, maxLength: items.length }),
    );
  })
  .map(([ordered, cuts]) => {
    const pushes: Arrival[][] = [[]];
    ordered.forEach((item, i) => {
      pushes.at(-1)!.push(item);
      if (cuts[i] && i < ordered.length - 1) pushes.push([]);
    });
    return pushes;
  });

function historyItem(arrival: Arrival, id: number): CallHistoryItem {
  const { subscription_id, virtual_num, bind_num } = arrival.spec;
  const columns = { id, session_id: SESSION, subscription_id, virtual_num, bind_num };
  if (arrival.kind === "record")
    return { ...columns, occurred_at: null, item: stored(recordOf(arrival.spec)) };
  const event = eventOf(arrival.spec);
  return { ...columns, occurred_at: new Date(event.statusInfo.timestampIso), item: stored(event) };
}

const icidOf = (record: CallHistoryItem) => (record.item as FeeRecord).icid;

/** What refolding stores and returns, to compare. */
function outcome({ folded, attributed }: FoldedHistory) {
  return { folded, attributed };
}

/**
 * Store pushes one after another as the gateway does: the first folds what it brought, each later one
 * folds the rows its stored basis names (through JSON, as `call_fold_bases` keeps it) plus what it brought, unless it
 * brought a CDR reusing an icid (then the whole history is refolded). Returns, per push, the result and
 * the full fold of everything stored so far.
 */
function storeInPushes(pushes: readonly Arrival[][]) {
  let basis: FoldBasis | undefined;
  const byId = new Map<number, CallHistoryItem>();
  const events: CallHistoryItem[] = [];
  const records: CallHistoryItem[] = [];
  let id = 0;
  return pushes.map((push) => {
    const added = push.map((arrival) => ({ arrival, item: historyItem(arrival, ++id) }));
    const newEvents = added.filter((a) => a.arrival.kind === "event").map((a) => a.item);
    const newRecords = added.filter((a) => a.arrival.kind === "record").map((a) => a.item);
    events.push(...newEvents);
    records.push(...newRecords);
    for (const item of [...newEvents, ...newRecords]) byId.set(item.id, item);
    const reusesIcid = newRecords.some(
      (record) => records.filter((r) => icidOf(r) === icidOf(record))[0] !== record,
    );
    const full = foldHistory([...events].sort(historyOrder), [...records].sort(historyOrder));
    const named = (ids: readonly number[] = []) => ids.map((id) => byId.get(id)!);
    const kept = { events: named(basis?.events), records: named(basis?.records) };
    const incremental = reusesIcid
      ? full
      : foldHistory(
          [...kept.events, ...newEvents].sort(historyOrder),
          [...kept.records, ...newRecords].sort(historyOrder),
        );
    basis = JSON.parse(JSON.stringify(incremental.basis)) as FoldBasis;
    return { incremental, full, reusesIcid };
  });
}

describe("fold bases", () => {
  it("for every arrival order of a call's events and CDRs cut into pushes, the incremental fold equals the full fold", () => {
    fc.assert(
      fc.property(arrivalsArbitrary, (pushes) => {
        for (const { incremental, full } of storeInPushes(pushes)) {
          expect(outcome(incremental)).toEqual(outcome(full));
        }
      }),
      { numRuns: 400 },
    );
  });

  it("after a CDR reused an icid (a full refold), later pushes still fold as the whole history does", () => {
    const record = (second: number, direction: number): Arrival => ({
      kind: "record",
      // Q.850 17 (user busy): unanswered, unless the direction says the call was never put through.
      spec: { ...plainRecord, icid: "icid-1", second, direction, fwdUnaswRsn: 17 },
    });
    const hangUp: Arrival = { kind: "event", spec: { ...plainEvent, eventType: "disconnect", second: 4 } };
    // The second copy comes first in the fold's CDR order and its direction (2: never forwarded) decides the
    // outcome; the fold keeps the first copy's times.
    const results = storeInPushes([[record(2, 0)], [record(1, 2)], [hangUp]]);
    expect(results.map((r) => r.reusesIcid)).toEqual([false, true, false]);
    expect(results[2]!.full.folded.outcome).toBe("failed");
    for (const { incremental, full } of results) expect(outcome(incremental)).toEqual(outcome(full));
  });

  it("keeps at most 11 events however long the call", () => {
    const events = EVENT_TYPES.flatMap((eventType) =>
      [0, 1, 2, 3, 4].map((second) => ({
        kind: "event" as const,
        spec: {
          eventType,
          second,
          subscriptionId: "sub-1",
          extendNum: "0001",
          called: undefined,
          caller: undefined,
          digitInfo: undefined,
          stateCode: 0,
          subscription_id: "sub-1",
          virtual_num: "+8617000000001",
          bind_num: "+8613800000021",
        },
      })),
    );
    const [last] = storeInPushes([events]).slice(-1);
    expect(last!.incremental.basis.events.length).toBeLessThanOrEqual(11);
    expect(last!.incremental.basis.events.length).toBeLessThan(events.length);
    expect(last!.incremental.basis.records).toEqual([]);
  });

  it("the comparison can fail: folding a later push without the stored basis differs from the full fold", () => {
    const callin: Arrival = { kind: "event", spec: { ...plainEvent, eventType: "callin", second: 1 } };
    const answer: Arrival = { kind: "event", spec: { ...plainEvent, eventType: "answer", second: 3 } };
    const [, second] = storeInPushes([[callin], [answer]]);
    const alone = foldHistory([historyItem(answer, 2)], []);
    expect(outcome(alone)).not.toEqual(outcome(second!.full));
    expect(outcome(second!.incremental)).toEqual(outcome(second!.full));
    expect(second!.incremental.folded.startedAt).toEqual(at(1));
  });
});

const plainRecord: RecordSpec = {
  icid: "icid-1",
  second: 0,
  direction: 0,
  answered: false,
  subscriptionId: undefined,
  fwdDstNum: undefined,
  bindNum: undefined,
  ulFailReason: undefined,
  fwdUnaswRsn: undefined,
  recordFlag: 0,
  subscription_id: null,
  virtual_num: null,
  bind_num: null,
};

const plainEvent: EventSpec = {
  eventType: "callin",
  second: 0,
  subscriptionId: undefined,
  extendNum: undefined,
  called: undefined,
  caller: undefined,
  digitInfo: undefined,
  stateCode: 0,
  subscription_id: null,
  virtual_num: null,
  bind_num: null,
};
