// A load generator, in its own process so that its CPU is its own (and reported): runs the open-model jobs
// of lib/jobs.ts, P3's fan-out, and holds P4's idle sockets, as the orchestrator asks over IPC.
import { runOpenLoad } from "@privnum/bench-kit/open-load";
import { signUsernameToken } from "@privnum/wsse-auth";
import { runFanOut } from "./lib/fan-out.js";
import { createHttpClient, type HttpAnswer } from "./lib/http-client.js";
import { serveParent } from "./lib/ipc-server.js";
import type { FanOutJob, LoadJob, OpenLoadResult, OpenSocketsJob, OpenSocketsResult } from "./lib/jobs.js";
import { keysetCursor } from "./lib/keyset-cursors.js";
import { callEventPush, feePush } from "./lib/push-bodies.js";
import { closeRawPools, createRawCdrInserter } from "./lib/raw-inserts.js";
import { openMany, openSubscriber, type Subscriber } from "./lib/subscribers.js";

/** A job's per-arrival action and what to release afterwards. */
interface Driver {
  send(k: number): Promise<unknown>;
  close(): Promise<void> | void;
}

const graphqlAnswered = (answer: HttpAnswer) => answer.status === 200 && !answer.body.includes('"errors"');

async function driverFor(job: LoadJob): Promise<Driver> {
  switch (job.kind) {
    case "fee-pushes":
    case "call-events": {
      const http = createHttpClient(job.url);
      const { appKey, appSecret } = job.credentials;
      const body =
        job.kind === "fee-pushes"
          ? (k: number) => feePush(job.first + k, job.recordsPerPush, job.series, appKey)
          : (k: number) => callEventPush(job.first + k, job.series);
      return {
        send: (k) =>
          http.post("/notify", signUsernameToken({ appKey, appSecret }).headers, JSON.stringify(body(k))),
        close: () => http.close(),
      };
    }
    case "raw-cdr-inserts": {
      const inserter = await createRawCdrInserter(job);
      return { send: (k) => inserter.send(job.first + k), close: () => {} };
    }
    case "graphql-reads": {
      const { refusedWith } = job;
      const accept = refusedWith
        ? (answer: HttpAnswer) => answer.body.includes(`"code":"${refusedWith}"`)
        : graphqlAnswered;
      const http = createHttpClient(job.url, { accept });
      const headers: Record<string, string> = {
        "content-type": "application/json",
        accept: "application/graphql-response+json",
        ...(job.authorization ? { authorization: job.authorization } : {}),
      };
      const { cursor } = job;
      const fixed = JSON.stringify({ query: job.query });
      return {
        send: () => {
          if (!cursor) return http.post("/graphql", headers, fixed);
          const id = cursor.low + Math.floor(Math.random() * (cursor.high - cursor.low + 1));
          const variables = { after: keysetCursor(cursor.style ?? "gateway", cursor.prefix, id) };
          return http.post("/graphql", headers, JSON.stringify({ query: job.query, variables }));
        },
        close: () => http.close(),
      };
    }
  }
}

async function load(job: LoadJob): Promise<OpenLoadResult> {
  const driver = await driverFor(job);
  try {
    return await runOpenLoad({
      rate: job.rate,
      durationMs: job.durationMs,
      maxInFlight: job.maxInFlight,
      send: async (k) => {
        await driver.send(k);
      },
    });
  } finally {
    await driver.close();
  }
}

const held: Subscriber[] = [];
let subscriberErrors = 0;

async function openSockets(job: OpenSocketsJob): Promise<OpenSocketsResult> {
  const result = await openMany(job.count, job.concurrency, () =>
    openSubscriber(
      job,
      () => {},
      () => subscriberErrors++,
    ),
  );
  held.push(...result.opened);
  return { open: held.length, failed: result.failed + subscriberErrors, errorSamples: result.errorSamples };
}

function closeSockets(): { closed: number } {
  const closed = held.length;
  for (const subscriber of held.splice(0)) subscriber.close();
  subscriberErrors = 0;
  return { closed };
}

serveParent(
  {
    load: (payload) => load(payload as LoadJob),
    "fan-out": (payload) => runFanOut(payload as FanOutJob),
    "open-sockets": (payload) => openSockets(payload as OpenSocketsJob),
    "close-sockets": () => closeSockets(),
  },
  {
    maxLifetimeMs: 30 * 60_000,
    onStop: async () => {
      closeSockets();
      await closeRawPools();
    },
  },
);
