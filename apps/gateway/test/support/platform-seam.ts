import { createAxeClient } from "@privnum/axe-api";
import { SIMULATOR_DEFAULT_APP } from "../../src/shared/config.js";
import type { TestGateway } from "./gateway.js";

/** One request the gateway sent to the platform. */
export interface PlatformRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  signal: AbortSignal | undefined;
}

/**
 * The gateway's `fetch` to the embedded simulator (`BuildAppOptions.platformClient.fetch`). It passes every
 * request through and records it, and can make the v2.0 listing leave bindings out (a lagging or partial
 * listing), or the v1.0 query of a binding answer HTTP 500 or another not-found code than 1012007.
 */
export function platformSeam() {
  const seam = {
    /** subscriptionIds the v2.0 listing leaves out. */
    hiddenFromListing: new Set<string>(),
    /** Leave every binding out of the v2.0 listing (an empty listing). */
    hideAll: false,
    /** subscriptionIds whose v1.0 query answers HTTP 500. */
    failingQueries: new Set<string>(),
    /** subscriptionIds whose v1.0 query answers 1011004, a not-found that is not 1012007. */
    otherNotFound: new Set<string>(),
    requests: [] as PlatformRequest[],
    /** Runs before each v1.0 query is passed on. */
    beforeQuery: undefined as (() => Promise<void>) | undefined,
    /** Runs before each v2.0 listing page is passed on. */
    beforeListing: undefined as (() => Promise<void>) | undefined,
    fetch: undefined as unknown as typeof fetch,
    /** The requests to `path` (`/rest/caas/extendnumber/v1.0` …) with `method`. */
    sent(method: string, pathEnd: string): PlatformRequest[] {
      return seam.requests.filter((r) => r.method === method && r.path.endsWith(pathEnd));
    },
  };
  seam.fetch = async (input, init) => {
    const url = new URL(String(input));
    const method = init?.method ?? "GET";
    seam.requests.push({
      method,
      path: url.pathname,
      query: url.searchParams,
      signal: init?.signal ?? undefined,
    });
    const subscriptionId = url.searchParams.get("subscriptionId") ?? "";
    const isQuery = method === "GET" && url.pathname.endsWith("/extendnumber/v1.0");
    const isListing = method === "GET" && url.pathname.endsWith("/extendnumber/v2.0");
    if (isQuery) await seam.beforeQuery?.();
    if (isListing) await seam.beforeListing?.();
    if (isQuery && seam.failingQueries.has(subscriptionId)) {
      return Response.json({ resultcode: "1010001", resultdesc: "Internal system error." }, { status: 500 });
    }
    if (isQuery && seam.otherNotFound.has(subscriptionId)) {
      return Response.json(
        { resultcode: "1011004", resultdesc: "The number is not applied for binding application." },
        { status: 403 },
      );
    }
    const response = await fetch(input, init);
    if (!isListing || (seam.hiddenFromListing.size === 0 && !seam.hideAll)) return response;
    const page = (await response.json()) as { bindingList: { subscriptionId: string }[] };
    const bindingList = seam.hideAll
      ? []
      : page.bindingList.filter((b) => !seam.hiddenFromListing.has(b.subscriptionId));
    return Response.json({ ...page, bindingList, total: bindingList.length }, { status: response.status });
  };
  return seam;
}

/** A platform client of its own on the gateway's embedded simulator: what it does, the gateway is not told. */
export function clientBehindTheGatewaysBack(gw: TestGateway) {
  return createAxeClient({ baseUrl: gw.gateway.simulator!.url, ...SIMULATOR_DEFAULT_APP, retry: false });
}
