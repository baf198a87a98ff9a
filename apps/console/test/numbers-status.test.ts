// An X's status as the page shows it: the badge, the sentence, and a pushed change laid over the fetched list only
// when it is newer and names one listed X.
import { describe, expect, it } from "vitest";
import {
  type NumberStatusFields,
  statusBadge,
  statusDetails,
  withStatusChanges,
} from "../src/numbers/number-status.js";

describe("statusBadge", () => {
  it("is ok for NORMAL, bad for PAUSED and UNAVAILABLE (calls stop), warn for BINDING_FROZEN", () => {
    expect(statusBadge({ status: "NORMAL", statusCode: "5" })).toEqual({ tone: "ok", label: "Normal" });
    expect(statusBadge({ status: "PAUSED", statusCode: "9" })).toEqual({ tone: "bad", label: "Paused" });
    expect(statusBadge({ status: "UNAVAILABLE", statusCode: "10" })).toEqual({
      tone: "bad",
      label: "Unavailable",
    });
    expect(statusBadge({ status: "BINDING_FROZEN", statusCode: "11" })).toEqual({
      tone: "warn",
      label: "Binding frozen",
    });
  });

  it("is neutral before any report, and shows a code it does not know as sent", () => {
    expect(statusBadge({ status: null, statusCode: null })).toEqual({
      tone: "neutral",
      label: "Not reported",
    });
    expect(statusBadge({ status: null, statusCode: "42" })).toEqual({ tone: "neutral", label: "Status 42" });
  });
});

describe("statusDetails", () => {
  it("describes the status, and the cause of an unavailable X with its code", () => {
    expect(
      statusDetails({
        status: "UNAVAILABLE",
        statusCode: "10",
        statusDescription: { code: "10", description: "Unavailable: binding, calls and SMS all stop" },
        cause: { code: "2", description: "Account in arrears" },
      }),
    ).toBe("Unavailable: binding, calls and SMS all stop. Cause: Account in arrears (2).");
  });

  it("says when nothing was reported, and when a code is not in the table", () => {
    expect(statusDetails({ status: null, statusCode: null, statusDescription: null, cause: null })).toBe(
      "The platform has not reported a status yet.",
    );
    expect(
      statusDetails({
        status: null,
        statusCode: "42",
        statusDescription: { code: "42", description: null },
        cause: { code: "77", description: null },
      }),
    ).toBe("Status code 42, not in the published table. Cause: code 77, not in the published table (77).");
  });
});

const fields = (
  number: string,
  status: NumberStatusFields["status"],
  at: string | null,
): NumberStatusFields => ({
  number,
  status,
  statusCode: status === "PAUSED" ? "9" : status === "NORMAL" ? "5" : null,
  statusChangedAt: at,
  statusDescription: null,
  cause: null,
});

describe("withStatusChanges", () => {
  const listed = [
    { ...fields("+8617000000001", "NORMAL", "2026-06-01T11:00:00.000Z"), extra: 1 },
    { ...fields("+8617000000002", null, null), extra: 2 },
  ];

  it("lays a newer change over its X and keeps the rest of the row", () => {
    const change = fields("+8617000000001", "PAUSED", "2026-06-01T11:30:00.000Z");
    const { numbers, unlisted, ambiguous } = withStatusChanges(listed, new Map([[change.number, change]]));
    expect(numbers[0]).toEqual({ ...change, extra: 1 });
    expect(numbers[1]).toBe(listed[1]);
    expect(unlisted).toEqual([]);
    expect(ambiguous).toEqual([]);
  });

  it("applies a first report to an X that had none", () => {
    const change = fields("+8617000000002", "PAUSED", "2026-06-01T11:30:00.000Z");
    const { numbers } = withStatusChanges(listed, new Map([[change.number, change]]));
    expect(numbers[1]!.status).toBe("PAUSED");
  });

  it("keeps the list's status when it is as new as the change or newer (the list was fetched since)", () => {
    const older = fields("+8617000000001", "PAUSED", "2026-06-01T10:00:00.000Z");
    expect(withStatusChanges(listed, new Map([[older.number, older]])).numbers[0]).toBe(listed[0]);
    const same = fields("+8617000000001", "PAUSED", "2026-06-01T11:00:00.000Z");
    expect(withStatusChanges(listed, new Map([[same.number, same]])).numbers[0]).toBe(listed[0]);
  });

  it("names a change for an X not listed, and one for masked numbers that look alike, without applying it", () => {
    const masked = [fields("+86170****0001", "NORMAL", null), fields("+86170****0001", "NORMAL", null)];
    const alike = fields("+86170****0001", "PAUSED", "2026-06-01T11:30:00.000Z");
    const fresh = fields("+8617000000009", "PAUSED", "2026-06-01T11:30:00.000Z");
    const changes = new Map([
      [alike.number, alike],
      [fresh.number, fresh],
    ]);
    const { numbers, unlisted, ambiguous } = withStatusChanges(masked, changes);
    expect(numbers).toEqual(masked);
    expect(unlisted).toEqual(["+8617000000009"]);
    expect(ambiguous).toEqual(["+86170****0001"]);
  });
});
