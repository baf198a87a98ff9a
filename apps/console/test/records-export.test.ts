import { describe, expect, it } from "vitest";
import { ExportError, exportUrl, fetchExport, fileNameOf } from "../src/records/export-request.js";

describe("the export URL", () => {
  it("carries the range, X and outcome, and nothing else of the view", () => {
    expect(
      exportUrl("csv", {
        from: "2026-06-01T00:00:00.000Z",
        to: "2026-06-02T00:00:00.000Z",
        virtualNum: "+8617000000001",
        outcome: "ANSWERED",
        recordingState: "FAILED",
        after: "cursor",
      }),
    ).toBe(
      "/exports/call-records.csv?from=2026-06-01T00%3A00%3A00.000Z&to=2026-06-02T00%3A00%3A00.000Z&virtualNum=%2B8617000000001&outcome=ANSWERED",
    );
    expect(exportUrl("jsonl", {})).toBe("/exports/call-records.jsonl");
  });

  it("takes the file name from Content-Disposition", () => {
    expect(fileNameOf('attachment; filename="call-records-a-b.csv"', "x.csv")).toBe("call-records-a-b.csv");
    expect(fileNameOf(null, "x.csv")).toBe("x.csv");
    expect(fileNameOf('attachment; filename="../evil"', "x.csv")).toBe("x.csv");
  });
});

describe("fetching an export", () => {
  it("sends the credential and returns the file", async () => {
    let seen: { url: string; authorization: string | null } | undefined;
    const fetchImpl = (async (url: string, init: RequestInit) => {
      seen = { url, authorization: new Headers(init.headers).get("authorization") };
      return new Response("icid\n1\n", {
        headers: { "content-disposition": 'attachment; filename="call-records-1-2.csv"' },
      });
    }) as typeof fetch;
    const file = await fetchExport("/exports/call-records.csv?from=1", "key", "http://gw", fetchImpl);
    expect(seen).toEqual({ url: "http://gw/exports/call-records.csv?from=1", authorization: "Bearer key" });
    expect(file.fileName).toBe("call-records-1-2.csv");
    expect(await file.blob.text()).toBe("icid\n1\n");
  });

  it("says the gateway's reason for a 400", async () => {
    const fetchImpl = (async () =>
      Response.json({ error: "Parameter from is required" }, { status: 400 })) as unknown as typeof fetch;
    const failure = fetchExport("/exports/call-records.csv", "key", "http://gw", fetchImpl);
    await expect(failure).rejects.toBeInstanceOf(ExportError);
    await expect(failure).rejects.toMatchObject({
      code: "REFUSED",
      message: "The export was refused: Parameter from is required",
    });
  });

  it("tells an unreachable gateway and a status without a body apart", async () => {
    const down = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    await expect(fetchExport("/e", "k", "http://gw", down)).rejects.toMatchObject({ code: "UNREACHABLE" });
    const bare = (async () => new Response("", { status: 502 })) as unknown as typeof fetch;
    await expect(fetchExport("/e", "k", "http://gw", bare)).rejects.toMatchObject({
      code: "REFUSED",
      message: "The export was refused (HTTP 502).",
    });
  });
});
