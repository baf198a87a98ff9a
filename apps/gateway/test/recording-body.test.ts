// The pieces of serving a recording's file: conditional and partial GET, the body that lets the file go.
import { Readable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { abortableBody } from "../src/recordings/abortable-body.js";
import { isNotModified, rangeApplies, rangeRequest } from "../src/recordings/conditional-get.js";
import { contentDisposition, servedContentType } from "../src/recordings/recording-file-headers.js";

const VALIDATORS = { etag: '"abc123"', lastModified: new Date("2026-06-01T10:05:00Z") };

describe("abortable body", () => {
  it("streams the source to its end", async () => {
    const body = abortableBody(
      Readable.from([Buffer.from("ab"), Buffer.from("cd")]),
      new AbortController().signal,
      () => {},
    );
    expect(Buffer.from(await new Response(body).arrayBuffer()).toString()).toBe("abcd");
  });

  it("destroys the source and ends (without an error) when the request is aborted", async () => {
    const source = new Readable({ read() {} });
    source.push(Buffer.from("first"));
    const controller = new AbortController();
    const onError = vi.fn();
    const reader = abortableBody(source, controller.signal, onError).getReader();
    expect(Buffer.from((await reader.read()).value!).toString()).toBe("first");
    const pending = reader.read();
    controller.abort();
    expect((await pending).done).toBe(true);
    expect(source.destroyed).toBe(true);
    expect(onError).not.toHaveBeenCalled();
  });

  it("destroys the source at once when the request was aborted before", () => {
    const source = new Readable({ read() {} });
    abortableBody(source, AbortSignal.abort(), () => {});
    return vi.waitUntil(() => source.destroyed);
  });

  it("tells a read error and fails the body", async () => {
    const failure = new Error("EIO: i/o error");
    const source = new Readable({
      read() {
        this.destroy(failure);
      },
    });
    const onError = vi.fn();
    const reader = abortableBody(source, new AbortController().signal, onError).getReader();
    await expect(reader.read()).rejects.toBe(failure);
    expect(onError).toHaveBeenCalledWith(failure);
  });
});

describe("conditional GET", () => {
  const headers = (init: Record<string, string>) => new Headers(init);

  it("is not modified for a matching If-None-Match (weakly compared, lists, *)", () => {
    for (const value of ['"abc123"', 'W/"abc123"', '"x", "abc123"', "*", ' "x" ,W/"abc123" ']) {
      expect(isNotModified(headers({ "if-none-match": value }), VALIDATORS), value).toBe(true);
    }
    for (const value of ['"x"', "abc123", '"abc1234"', ""]) {
      expect(isNotModified(headers({ "if-none-match": value }), VALIDATORS), value).toBe(false);
    }
  });

  it("reads If-Modified-Since only without If-None-Match", () => {
    const at = VALIDATORS.lastModified.toUTCString();
    expect(isNotModified(headers({ "if-modified-since": at }), VALIDATORS)).toBe(true);
    expect(isNotModified(headers({ "if-none-match": '"x"', "if-modified-since": at }), VALIDATORS)).toBe(
      false,
    );
    const earlier = new Date(VALIDATORS.lastModified.getTime() - 1000).toUTCString();
    expect(isNotModified(headers({ "if-modified-since": earlier }), VALIDATORS)).toBe(false);
    expect(isNotModified(headers({ "if-modified-since": "yesterday" }), VALIDATORS)).toBe(false);
    expect(isNotModified(headers({}), VALIDATORS)).toBe(false);
  });

  it("lets Range apply when If-Range is absent, the strong ETag, or the exact Last-Modified", () => {
    expect(rangeApplies(headers({}), VALIDATORS)).toBe(true);
    expect(rangeApplies(headers({ "if-range": '"abc123"' }), VALIDATORS)).toBe(true);
    expect(rangeApplies(headers({ "if-range": VALIDATORS.lastModified.toUTCString() }), VALIDATORS)).toBe(
      true,
    );
    expect(rangeApplies(headers({ "if-range": 'W/"abc123"' }), VALIDATORS)).toBe(false);
    expect(rangeApplies(headers({ "if-range": '"x"' }), VALIDATORS)).toBe(false);
    const later = new Date(VALIDATORS.lastModified.getTime() + 1000).toUTCString();
    expect(rangeApplies(headers({ "if-range": later }), VALIDATORS)).toBe(false);
    expect(rangeApplies(headers({ "if-range": "garbage" }), VALIDATORS)).toBe(false);
  });

  it("reads one range, and answers the whole file for several, malformed or other units", () => {
    expect(rangeRequest("bytes=0-99", 1000)).toEqual({ kind: "partial", range: { start: 0, end: 99 } });
    expect(rangeRequest("bytes=-100", 1000)).toEqual({ kind: "partial", range: { start: 900, end: 999 } });
    expect(rangeRequest("bytes=900-5000", 1000)).toEqual({
      kind: "partial",
      range: { start: 900, end: 999 },
    });
    // Overlapping ranges are one.
    expect(rangeRequest("bytes=0-10,5-20", 1000)).toEqual({ kind: "partial", range: { start: 0, end: 20 } });
    expect(rangeRequest("bytes=0-9,100-109", 1000)).toEqual({ kind: "whole" });
    expect(rangeRequest(null, 1000)).toEqual({ kind: "whole" });
    expect(rangeRequest("0-99", 1000)).toEqual({ kind: "whole" });
    expect(rangeRequest("items=0-9", 1000)).toEqual({ kind: "whole" });
    expect(rangeRequest(`bytes=0-1${",2-3".repeat(300)}`, 1000)).toEqual({ kind: "whole" });
    expect(rangeRequest("bytes=1000-", 1000)).toEqual({ kind: "unsatisfiable" });
    expect(rangeRequest("bytes=0-0", 0)).toEqual({ kind: "unsatisfiable" });
  });
});

describe("recording file headers", () => {
  it("names the download after the icid, made safe, with the type's extension", () => {
    expect(contentDisposition("icid-1.a_b", "audio/wav")).toBe('inline; filename="icid-1.a_b.wav"');
    expect(contentDisposition('a"b\\c d;é', "audio/mpeg")).toBe('inline; filename="a_b_c_d__.mp3"');
    expect(contentDisposition("x".repeat(300), "audio/x-unknown")).toBe(
      `inline; filename="${"x".repeat(128)}.bin"`,
    );
  });

  it("sends a stored type only when it is a plain media type", () => {
    expect(servedContentType("audio/wav")).toBe("audio/wav");
    expect(servedContentType("Audio/MPEG")).toBe("audio/mpeg");
    expect(servedContentType("text/html\r\nx-evil: 1")).toBe("application/octet-stream");
    expect(servedContentType("audio/wav; charset=x")).toBe("application/octet-stream");
  });
});
