import { describe, expect, it } from "vitest";
import { describeFailure, outcomeTone, recordingBadge } from "../src/records/call-record-outcome.js";
import { addLiveRecord, mergeLiveRecords } from "../src/records/live-records.js";
import { archiveInProgress, LINK_MARGIN_MS, linkIsFresh } from "../src/records/recording-freshness.js";

const NOW = Date.parse("2026-06-01T10:00:00Z");
const at = (ms: number) => new Date(NOW + ms).toISOString();

describe("a recording's signed link", () => {
  it("is fresh only while its expiry is more than the margin away", () => {
    expect(linkIsFresh({ expiresAt: at(60_000) }, NOW)).toBe(true);
    expect(linkIsFresh({ expiresAt: at(LINK_MARGIN_MS + 1) }, NOW)).toBe(true);
    expect(linkIsFresh({ expiresAt: at(LINK_MARGIN_MS) }, NOW)).toBe(false);
    expect(linkIsFresh({ expiresAt: at(-1000) }, NOW)).toBe(false);
  });

  it("is not fresh when there is none or its expiry cannot be read", () => {
    expect(linkIsFresh(null, NOW)).toBe(false);
    expect(linkIsFresh({ expiresAt: "soon" }, NOW)).toBe(false);
  });
});

describe("watching the archive", () => {
  it("refreshes while a recording is PENDING or FAILED with an attempt due soon (or overdue)", () => {
    expect(archiveInProgress([{ state: "PENDING", nextAttemptAt: null }], NOW)).toBe(true);
    expect(archiveInProgress([{ state: "FAILED", nextAttemptAt: at(10_000) }], NOW)).toBe(true);
    expect(archiveInProgress([{ state: "FAILED", nextAttemptAt: at(-5_000) }], NOW)).toBe(true);
  });

  it("stops once nothing will change soon by itself", () => {
    expect(archiveInProgress([], NOW)).toBe(false);
    expect(
      archiveInProgress(
        [
          { state: "ARCHIVED", nextAttemptAt: null },
          { state: "FAILED", nextAttemptAt: null },
          { state: "FAILED", nextAttemptAt: at(3_600_000) },
          { state: "NONE", nextAttemptAt: null },
        ],
        NOW,
      ),
    ).toBe(false);
  });
});

describe("live rows", () => {
  it("go in front of the page, newest first, and give way once the page holds them", () => {
    const page = [{ id: "b" }, { id: "a" }];
    let live = addLiveRecord([], { id: "c" });
    live = addLiveRecord(live, { id: "d" });
    expect(mergeLiveRecords(live, page).map((r) => r.id)).toEqual(["d", "c", "b", "a"]);
    const refreshed = [{ id: "d" }, { id: "c" }, { id: "b" }];
    expect(mergeLiveRecords(live, refreshed).map((r) => r.id)).toEqual(["d", "c", "b"]);
  });

  it("show a CDR received twice once, as last received", () => {
    const live = addLiveRecord(addLiveRecord([], { id: "c", v: 1 }), { id: "c", v: 2 });
    expect(live).toEqual([{ id: "c", v: 2 }]);
  });
});

describe("outcome and recording badges", () => {
  it("tone outcomes and name recording states", () => {
    expect(outcomeTone("ANSWERED")).toBe("ok");
    expect(outcomeTone("UNANSWERED")).toBe("warn");
    expect(outcomeTone("FAILED")).toBe("bad");
    expect(recordingBadge("ARCHIVED")).toEqual({ tone: "ok", label: "Archived" });
    expect(recordingBadge("FAILED").tone).toBe("bad");
    expect(recordingBadge("NONE").label).toBe("No recording");
  });

  it("describe a failure by the CDR's teardown point, else the call's hang-up, never an answered call", () => {
    const failure = { code: "8003", description: "Callee no answer" };
    const hangup = { code: 17, description: "User busy", stateDesc: null };
    expect(describeFailure({ outcome: "UNANSWERED", failure, session: { hangup } })).toBe(
      "Callee no answer (8003)",
    );
    expect(describeFailure({ outcome: "FAILED", failure: null, session: { hangup } })).toBe("User busy (17)");
    expect(
      describeFailure({ outcome: "FAILED", failure: { code: "9", description: null }, session: null }),
    ).toBe("Code 9");
    expect(describeFailure({ outcome: "ANSWERED", failure, session: { hangup } })).toBeUndefined();
    expect(describeFailure({ outcome: "FAILED", failure: null, session: null })).toBeUndefined();
  });
});
