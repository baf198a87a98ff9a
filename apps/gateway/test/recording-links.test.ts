// Signed recording links: what one signs, verify accepts until it expires, and nothing else.
import { describe, expect, it } from "vitest";
import { createRecordingLinks } from "../src/recordings/recording-links.js";

const SECRET = new Uint8Array(32).fill(1);
const T0 = Date.UTC(2026, 5, 1, 10, 0, 0, 250);

function linksAt(clock: { now: number }, options: { secret?: Uint8Array; ttlSeconds?: number } = {}) {
  return createRecordingLinks({
    secret: options.secret ?? SECRET,
    ttlSeconds: options.ttlSeconds ?? 900,
    now: () => clock.now,
  });
}

const queryOf = (path: string) => new URL(path, "http://gateway.test").searchParams;

describe("recording links", () => {
  it("signs a link to the recording's path that verifies, expiring after the TTL", () => {
    const clock = { now: T0 };
    const link = linksAt(clock).sign("icid/1 ä");
    const url = new URL(link.path, "http://gateway.test");
    expect(url.pathname).toBe(`/recordings/${encodeURIComponent("icid/1 ä")}`);
    expect(decodeURIComponent(url.pathname.slice("/recordings/".length))).toBe("icid/1 ä");
    expect(link.expiresAt.getTime()).toBe(Math.floor(T0 / 1000) * 1000 + 900_000);
    expect(url.searchParams.get("expires")).toBe(String(link.expiresAt.getTime() / 1000));
    expect(linksAt(clock).verify("icid/1 ä", url.searchParams)).toBe("valid");
  });

  it("is valid until the last millisecond before its expiry, and expired from then on", () => {
    const clock = { now: T0 };
    const links = linksAt(clock);
    const link = links.sign("icid-1");
    clock.now = link.expiresAt.getTime() - 1;
    expect(links.verify("icid-1", queryOf(link.path))).toBe("valid");
    clock.now = link.expiresAt.getTime();
    expect(links.verify("icid-1", queryOf(link.path))).toBe("expired");
    clock.now = link.expiresAt.getTime() + 86_400_000;
    expect(links.verify("icid-1", queryOf(link.path))).toBe("expired");
  });

  it("refuses a link whose signature, expiry, icid or key differs (invalid)", () => {
    const clock = { now: T0 };
    const links = linksAt(clock);
    const query = queryOf(links.sign("icid-1").path);
    const signature = query.get("signature")!;
    const expires = query.get("expires")!;
    const variant = (changes: Record<string, string | null>) => {
      const changed = new URLSearchParams(query);
      for (const [name, value] of Object.entries(changes)) {
        if (value === null) changed.delete(name);
        else changed.set(name, value);
      }
      return changed;
    };
    const flipped = `${signature.slice(0, -1)}${signature.endsWith("A") ? "B" : "A"}`;
    for (const changed of [
      variant({ signature: flipped }),
      variant({ signature: signature.slice(1) }),
      variant({ signature: `${signature}A` }),
      variant({ signature: null }),
      variant({ signature: "" }),
      variant({ expires: String(Number(expires) + 1) }),
      variant({ expires: String(Number(expires) - 1) }),
      variant({ expires: `${expires}.0` }),
      variant({ expires: null }),
      variant({ expires: "9".repeat(13) }),
    ]) {
      expect(links.verify("icid-1", changed), changed.toString()).toBe("invalid");
    }
    expect(links.verify("icid-2", query)).toBe("invalid");
    expect(links.verify("icid-1 ", query)).toBe("invalid");
    expect(linksAt(clock, { secret: new Uint8Array(32).fill(2) }).verify("icid-1", query)).toBe("invalid");
  });

  it("never accepts a signature whose expiry is more than 24 hours ahead, even with the key", () => {
    const clock = { now: T0 };
    const dayLink = linksAt(clock, { ttlSeconds: 86_400 }).sign("icid-1");
    expect(linksAt(clock).verify("icid-1", queryOf(dayLink.path))).toBe("valid");
    const longer = linksAt(clock, { ttlSeconds: 86_401 }).sign("icid-1");
    expect(linksAt(clock).verify("icid-1", queryOf(longer.path))).toBe("invalid");
  });
});
