import type { Plugin } from "graphql-yoga";
import { jsonResponse, useGetRoute } from "./get-route.js";

/** Path of the liveness probe. */
export const HEALTHZ_PATH = "/healthz";

/**
 * `GET /healthz`: 200 `{"status":"ok"}` as long as the process answers HTTP. It touches nothing else (no
 * database), so that a stalled database never gets a live process restarted; `/readyz` reports that.
 */
export function useHealthRoute(): Plugin {
  return useGetRoute(HEALTHZ_PATH, () => jsonResponse(200, { status: "ok" }));
}
