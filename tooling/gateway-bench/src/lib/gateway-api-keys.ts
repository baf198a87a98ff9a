// The gateway's API keys for one bench run: made afresh each run and never written anywhere, handed to the
// gateway as its `GATEWAY_API_KEYS` setting and to the load generator as the `Authorization` value it sends.
// Passing keys explicitly also keeps the gateway from generating development keys into its data directory.
import { randomBytes } from "node:crypto";
import type { GatewayConfig } from "@privnum/gateway";

/** One configured key, as the gateway's parsed configuration holds it (`name`, `key`, `role`). */
export type ApiKeyEntry = GatewayConfig["auth"]["apiKeys"][number];

/** A fresh key: 32 random bytes as base64url (43 characters, inside the gateway's 24–256 of A-Z a-z 0-9 _ -). */
export function generateApiKey(): string {
  return randomBytes(32).toString("base64url");
}

/** The `GATEWAY_API_KEYS` value that configures `entries`: comma-separated `[name=]key:role`. */
export function apiKeysSetting(entries: readonly ApiKeyEntry[]): string {
  if (entries.length === 0) throw new Error("GATEWAY_API_KEYS needs at least one entry");
  return entries
    .map(({ name, key, role }) => `${name === undefined ? "" : `${name}=`}${key}:${role}`)
    .join(",");
}

/** The `Authorization` value presenting `key`: the HTTP header, and graphql-ws `connectionParams.authorization`. */
export function bearerAuthorization(key: string): string {
  return `Bearer ${key}`;
}
