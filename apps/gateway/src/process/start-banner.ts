import type { DevKeys } from "../auth/dev-keys.js";

/** Where a started gateway can be reached, and its development keys, as `GatewayApp.start()` reports them. */
export interface StartedGateway {
  url: string;
  graphqlUrl: string;
  simulatorUrl: string | undefined;
  devKeys: DevKeys | undefined;
  /** How instances wake each other's feeds. */
  fanOut: "in-process" | "redis";
  /** Where recordings are archived (the storage's description); undefined when they are not. */
  recordingArchive: string | undefined;
  /** The web console: its URL, or why it is not served. */
  console: { url: string } | { unavailable: string };
  /** Cluster mode: how many worker processes serve the port; undefined for a single process. */
  workers?: number | undefined;
}

/** The lines printed once the gateway has started, as one block (ending in a newline) to write at once. */
export function formatStartBanner({
  url,
  graphqlUrl,
  simulatorUrl,
  devKeys,
  fanOut,
  recordingArchive,
  console,
  workers,
}: StartedGateway): string {
  const lines = [
    `privnum gateway listening on ${url}`,
    "url" in console ? `console: ${console.url}` : `console: not served (${console.unavailable})`,
    `  GraphiQL:   ${graphqlUrl}`,
    `  WebSocket:  ${graphqlUrl.replace(/^http/, "ws")} (graphql-ws)`,
    `  Webhook:    ${url}/notify`,
    `  Probes:     ${url}/healthz, ${url}/readyz, ${url}/metrics`,
  ];
  if (workers !== undefined) {
    lines.push(
      `workers: ${workers} (node:cluster processes sharing the port; /metrics describes the one that answers)`,
    );
  }
  if (simulatorUrl) {
    lines.push(`  Simulator:  ${simulatorUrl} (embedded; control API at ${simulatorUrl}/simulator/state)`);
  }
  lines.push(
    fanOut === "redis"
      ? "  Fan-out:    Redis (REDIS_URL): instances wake each other's feeds"
      : "  Fan-out:    in-process (one instance)",
    recordingArchive
      ? `  Recordings: archived to ${recordingArchive}; served at ${url}/recordings/<icid>`
      : "  Recordings: not archived (RECORDINGS_ARCHIVE=false)",
  );
  if (devKeys) {
    // Unindented, one per line: easy to copy, and to pick out of the output by a script.
    lines.push(
      "Development keys (no GATEWAY_API_KEYS or GATEWAY_JWT_* set; kept under DATA_DIR, same after a restart):",
      `operator key: ${devKeys.operator}`,
      `viewer key: ${devKeys.viewer}`,
      `admin key: ${devKeys.admin}`,
      `  Send one as \`Authorization: Bearer <key>\` (WebSocket: connectionParams.authorization).`,
    );
  }
  return `${lines.join("\n")}\n`;
}
