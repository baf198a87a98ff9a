/** The gateway could not be asked: unreachable, refused the credentials, or answered something unreadable. */
export class GatewayRequestError extends Error {
  override name = "GatewayRequestError";
}

/** Where a command-line tool reaches the running gateway, and as whom. */
export interface GatewayEndpoint {
  /** The gateway's base URL, e.g. `http://127.0.0.1:4000`. */
  url: string;
  /** An API key (or JWT) sent as `Authorization: Bearer …`. */
  key: string;
  /** Longest wait for the answer, in ms. */
  timeoutMs: number;
}

/**
 * Run one GraphQL operation on the gateway over HTTP and return its `data`. Rejects with
 * {@link GatewayRequestError}, in one line, when the gateway cannot be reached, does not answer in time, or
 * answers with GraphQL errors (refused credentials, a role that may not use the field) instead of data.
 */
export async function requestGateway<T>(
  endpoint: GatewayEndpoint,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const target = `${endpoint.url.replace(/\/+$/, "")}/graphql`;
  let response: Response;
  try {
    response = await fetch(target, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json",
        authorization: `Bearer ${endpoint.key}`,
      },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(endpoint.timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why =
      (error as Error).name === "TimeoutError"
        ? `no answer within ${endpoint.timeoutMs / 1000} s`
        : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new GatewayRequestError(`cannot reach the gateway at ${target}: ${why}`);
  }
  let body: { data?: T | null; errors?: { message?: string }[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new GatewayRequestError(
      `the gateway at ${target} answered HTTP ${response.status} without GraphQL`,
    );
  }
  const [first] = body.errors ?? [];
  if (first || !body.data) {
    throw new GatewayRequestError(
      `the gateway answered HTTP ${response.status}: ${first?.message ?? "no data"}`,
    );
  }
  return body.data;
}
