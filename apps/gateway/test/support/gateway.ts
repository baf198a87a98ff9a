import { rmSync } from "node:fs";
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { type BuildAppOptions, buildApp, type RunningGateway } from "../../src/app.js";
import type { Role } from "../../src/auth/roles.js";
import { type GatewayConfig, TEST_API_KEYS, testConfig } from "../../src/shared/config.js";
import { createLogger } from "../../src/shared/logger.js";

/** Whose credentials a test request carries: a role's test key, a raw `Authorization` value, or none. */
export type As = Role | { authorization: string } | null;

/** The `Authorization` value for `as` (undefined: send none). */
export function authorizationFor(as: As): string | undefined {
  if (as === null) return undefined;
  return typeof as === "string" ? `Bearer ${TEST_API_KEYS[as]}` : as.authorization;
}

/** A started gateway for a test file. */
export interface TestGateway {
  gateway: RunningGateway;
  /** Run a GraphQL operation in-process (`yoga.fetch`), as `as` (default: the admin's test key). */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    as?: As,
  ): Promise<{ data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }>;
  /** A real graphql-ws client on the gateway's port, as `as` (default: the admin's test key; closed by `stop`). */
  wsClient(as?: As): Client;
  stop(): Promise<void>;
}

/** Start a gateway (in-memory PGlite and an embedded simulator with a frozen clock unless overridden). */
export async function startGateway(
  config: Partial<GatewayConfig> = {},
  options: BuildAppOptions = {},
): Promise<TestGateway> {
  const resolved = testConfig(config);
  const app = buildApp(resolved, {
    logger: createLogger({ level: "silent" }),
    feedPollIntervalMs: 200,
    expirySweepIntervalMs: 0,
    ...options,
    simulator: { timeScale: 0, ...options.simulator },
  });
  const gateway = await app.start();
  const clients: Client[] = [];
  return {
    gateway,
    async gql(query, variables, as = "admin") {
      const authorization = authorizationFor(as);
      const response = await gateway.yoga.fetch("http://gateway.test/graphql", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/graphql-response+json",
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as never;
    },
    wsClient(as = "admin") {
      const authorization = authorizationFor(as);
      const client = createClient({
        url: gateway.graphqlUrl.replace(/^http/, "ws"),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: true,
        connectionParams: authorization ? { authorization } : {},
      });
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.all(clients.map((client) => client.dispose()));
      await app.stop();
      // What the gateway kept under the data directory it was given here (development keys …); a directory
      // the test chose stays, for a restart on the same data.
      if (config.dataDir === undefined) rmSync(resolved.dataDir, { recursive: true, force: true });
    },
  };
}

/** Items a subscription received, with a way to wait for more. */
export interface Collected<T> {
  items: T[];
  errors: unknown[];
  /** Resolve once `count` items arrived (rejects after `timeoutMs` with what arrived). */
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  /** Stop the subscription (the client sends `complete`). */
  unsubscribe(): void;
  /** Resolves when the server completes or errors the subscription. */
  done: Promise<void>;
}

/** Subscribe with graphql-ws and collect `data[field]` of each result. */
export function collect<T>(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  field: string,
): Collected<T> {
  const items: T[] = [];
  const errors: unknown[] = [];
  const waiters: (() => void)[] = [];
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const notify = () => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  const unsubscribe = client.subscribe<Record<string, T>>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        if (result.data?.[field] !== undefined) items.push(result.data[field] as T);
        notify();
      },
      error: (error) => {
        errors.push(error);
        notify();
        finish();
      },
      complete: () => {
        notify();
        finish();
      },
    },
  );
  return {
    items,
    errors,
    done,
    unsubscribe,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (items.length < count) {
        if (errors.length > 0) throw new Error(`subscription failed: ${JSON.stringify(errors)}`);
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new Error(`expected ${count} items, got ${items.length}: ${JSON.stringify(items)}`);
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 250));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return items.slice(0, count);
    },
  };
}

/** Poll `condition` until it holds (rejects after `timeoutMs`). */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Call before subscribing; the returned function waits until the server holds `count` more live
 * subscriptions (listeners of the call-event and change feeds) than it did at this call.
 */
export function subscriptionCounter(
  gateway: RunningGateway,
): (count: number, timeoutMs?: number) => Promise<void> {
  const live = () => gateway.services.feed.listenerCount() + gateway.services.changes.listenerCount();
  const baseline = live();
  return (count, timeoutMs) =>
    until(() => live() >= baseline + count, `${count} more live subscriptions`, timeoutMs);
}
