// The run's API keys must be ones the gateway accepts: the setting is read back through the gateway's own
// `parseConfig`, so a change to its key format fails here rather than as 401s in the middle of a bench.
import { parseConfig } from "@privnum/gateway";
import { describe, expect, it } from "vitest";
import {
  type ApiKeyEntry,
  apiKeysSetting,
  bearerAuthorization,
  generateApiKey,
} from "../src/lib/gateway-api-keys.js";

const configWith = (apiKeys: string) =>
  parseConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: "postgres://postgres@127.0.0.1:5432/unused",
    SIMULATOR_PORT: "0",
    GATEWAY_API_KEYS: apiKeys,
  });

describe("gateway API keys of a bench run", () => {
  it("generates base64url keys of 43 characters, a new one each time", () => {
    const keys = new Set(Array.from({ length: 20 }, generateApiKey));
    expect(keys.size).toBe(20);
    for (const key of keys) expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("writes a GATEWAY_API_KEYS value the gateway reads back entry for entry, without development keys", () => {
    const entries: ApiKeyEntry[] = [
      { name: "bench-operator", key: generateApiKey(), role: "operator" },
      { key: generateApiKey(), role: "viewer" },
    ];
    const parsed = configWith(apiKeysSetting(entries));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.config.auth.apiKeys).toEqual(entries);
    expect(parsed.config.auth.devKeys).toBe(false);
  });

  it("refuses to write an empty setting (the gateway would fall back to development keys)", () => {
    expect(() => apiKeysSetting([])).toThrow(/at least one entry/);
  });

  it("presents a key as a Bearer credential", () => {
    expect(bearerAuthorization("k".repeat(43))).toBe(`Bearer ${"k".repeat(43)}`);
  });
});
