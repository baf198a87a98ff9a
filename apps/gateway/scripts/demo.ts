// `pnpm demo`: create a binding, place a simulated call, print the live events received over graphql-ws.
//
// By default it builds a gateway in this process (in-memory PGlite, embedded simulator with its clock driven
// by the demo). To use a gateway that is already running (`pnpm start`), set GATEWAY_URL and SIMULATOR_URL,
// and GATEWAY_KEY to an operator key (`pnpm start` prints one), e.g.
// GATEWAY_URL=http://127.0.0.1:4000 SIMULATOR_URL=http://127.0.0.1:8788 GATEWAY_KEY=<operator key> pnpm demo
import { setTimeout as sleep } from "node:timers/promises";
import { maskPhoneNumber } from "@privnum/axe-api";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { z } from "zod";
import { buildApp } from "../src/app.js";
import { TEST_API_KEYS, testConfig } from "../src/shared/config.js";
import { createLogger } from "../src/shared/logger.js";

const env = z
  .object({
    GATEWAY_URL: z.url().optional(),
    SIMULATOR_URL: z.url().optional(),
    GATEWAY_KEY: z.string().min(1).optional(),
  })
  .refine((e) => !e.GATEWAY_URL || e.SIMULATOR_URL, { message: "SIMULATOR_URL is required with GATEWAY_URL" })
  .refine((e) => !e.GATEWAY_URL || e.GATEWAY_KEY, {
    message: "GATEWAY_KEY (an operator key; `pnpm start` prints one) is required with GATEWAY_URL",
  })
  .parse(process.env);

const A = "+8613800000021";
const B = "+8613900000042";
const X = "+8617000000001";

const app = env.GATEWAY_URL
  ? undefined
  : buildApp(testConfig({ logLevel: "warn" }), {
      logger: createLogger({ level: "warn" }),
      simulator: { timeScale: 0 },
    });
const started = app ? await app.start() : undefined;
const gatewayUrl = env.GATEWAY_URL ?? started!.url;
// The in-process gateway knows the test keys; a running one, the key given.
const authorization = `Bearer ${env.GATEWAY_KEY ?? TEST_API_KEYS.operator}`;
console.log(
  started ? `Started a gateway in this process at ${gatewayUrl}` : `Using the gateway at ${gatewayUrl}`,
);

async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${gatewayUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization },
    body: JSON.stringify({ query, variables }),
  });
  const result = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join("; "));
  return result.data!;
}

const client = createClient({
  url: `${gatewayUrl.replace(/^http/, "ws")}/graphql`,
  webSocketImpl: WebSocket,
  retryAttempts: 0,
  connectionParams: { authorization },
});

type Event = {
  cursor: string;
  eventType: string;
  caller: string | null;
  called: string | null;
  digitInfo: string | null;
  stateCode: number | null;
  hangupReason: { description: string | null } | null;
};
let ended!: () => void;
const callEnded = new Promise<void>((resolve) => {
  ended = resolve;
});
let billed!: (record: Record<string, unknown>) => void;
const cdrArrived = new Promise<Record<string, unknown>>((resolve) => {
  billed = resolve;
});

const show = (n: string | null) => (n ? maskPhoneNumber(n) : "—");

// The platform refuses a second binding of A on X (1013102), so the demo unbinds what it bound when it ends,
// and first unbinds any A-on-X binding an interrupted run left on a running gateway: every run works.
async function unbind(subscriptionId: string): Promise<void> {
  const { deleteBinding } = await graphql<{ deleteBinding: { __typename: string; message?: string } }>(
    `mutation($input: DeleteBindingInput!) {
      deleteBinding(input: $input) { __typename ... on Error { message } }
    }`,
    { input: { subscriptionId } },
  );
  if (deleteBinding.__typename !== "DeleteBindingPayload" && deleteBinding.__typename !== "NotFoundError") {
    throw new Error(`deleteBinding: ${deleteBinding.__typename}: ${deleteBinding.message}`);
  }
}

async function unbindLeftovers(): Promise<void> {
  const { bindings } = await graphql<{ bindings: { edges: { node: { subscriptionId: string } }[] } }>(
    `query($filter: BindingFilter) { bindings(first: 100, filter: $filter) { edges { node { subscriptionId } } } }`,
    { filter: { bindNum: A, virtualNum: X } },
  );
  for (const { node } of bindings.edges) {
    await unbind(node.subscriptionId);
    console.log(`Unbound ${show(A)} on ${X} (subscriptionId ${node.subscriptionId}), left by an earlier run`);
  }
}

let boundSubscriptionId: string | undefined;

try {
  await unbindLeftovers();
  // 1. A binding: A reachable on X through an extension.
  const created = await graphql<{
    createBinding: {
      __typename: string;
      message?: string;
      binding?: { subscriptionId: string; extendNum: string };
    };
  }>(
    `mutation($input: CreateBindingInput!) {
      createBinding(input: $input) {
        __typename
        ... on CreateBindingPayload { binding { subscriptionId extendNum } }
        ... on Error { message }
      }
    }`,
    { input: { bindNum: A, virtualNum: X, recordFlag: true } },
  );
  if (!created.createBinding.binding) {
    throw new Error(`createBinding: ${created.createBinding.__typename}: ${created.createBinding.message}`);
  }
  const { subscriptionId, extendNum } = created.createBinding.binding;
  boundSubscriptionId = subscriptionId;
  console.log(`Bound ${show(A)} on ${X} extension ${extendNum} (subscriptionId ${subscriptionId})`);

  // 2. Live events of that X, and the CDRs.
  client.subscribe<{ callEvents: Event }>(
    {
      query: `subscription($x: String!) { callEvents(filter: { virtualNum: $x }) {
        cursor eventType caller called digitInfo stateCode hangupReason { description } } }`,
      variables: { x: X },
    },
    {
      next: ({ data }) => {
        const e = data!.callEvents;
        const detail =
          e.eventType === "COLLECT_INFO"
            ? `keyed ${e.digitInfo}`
            : e.eventType === "DISCONNECT"
              ? `stateCode ${e.stateCode} (${e.hangupReason?.description ?? "?"})`
              : `${show(e.caller)} → ${show(e.called)}`;
        console.log(`  event  ${e.eventType.padEnd(12)} ${detail}   cursor ${e.cursor}`);
        if (e.eventType === "DISCONNECT") ended();
      },
      error: (error) => console.error("subscription failed:", error),
      complete: () => {},
    },
  );
  client.subscribe<{ callRecords: { record: Record<string, unknown> } }>(
    {
      query: `subscription($sub: String!) { callRecords(filter: { subscriptionId: $sub }) { record {
        icid talkSeconds recordingDownloadUrl { __typename ... on RecordingDownloadUrl { url } ... on Error { message } } } } }`,
      variables: { sub: subscriptionId },
    },
    {
      next: ({ data }) => billed(data!.callRecords.record),
      error: (error) => console.error(error),
      complete: () => {},
    },
  );
  await sleep(300);

  // 3. B dials X and keys the extension; the call is answered and lasts 8 s.
  const call = { caller: B, virtualNum: X, digits: extendNum, ringSeconds: 3, talkSeconds: 8 };
  const simulator = started?.simulator;
  if (simulator) {
    const placed = await simulator.simulateCall(call);
    console.log(`Simulated call ${placed.sessionId}: ${show(B)} dials ${X}, keys ${extendNum}`);
    // Drive the simulator's clock a second at a time so the events arrive one by one.
    for (let s = 0; s < 20; s++) {
      await simulator.clock.advance(1000);
      await sleep(150);
    }
  } else {
    const response = await fetch(`${env.SIMULATOR_URL}/simulator/calls`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(call),
    });
    if (!response.ok) throw new Error(`simulator: ${response.status} ${await response.text()}`);
    const placed = (await response.json()) as { sessionId: string };
    console.log(
      `Simulated call ${placed.sessionId}: ${show(B)} dials ${X}, keys ${extendNum} (runs in real time)`,
    );
  }

  // Unreferenced, so that a finished demo exits at once instead of waiting for its guard timers.
  const timeout = (ms: number) =>
    sleep(ms, undefined, { ref: false }).then(() => {
      throw new Error("timed out waiting for the call to finish");
    });
  await Promise.race([callEnded, timeout(120_000)]);
  const record = await Promise.race([cdrArrived, timeout(120_000)]);
  const recording = record.recordingDownloadUrl as { url?: string; message?: string } | null;
  console.log(
    `  cdr    icid ${record.icid}, talk ${record.talkSeconds} s, recording ${recording?.url ?? recording?.message ?? "none"}`,
  );
  await unbind(subscriptionId);
  boundSubscriptionId = undefined;
  console.log(`Unbound ${show(A)} on ${X}. Done.`);
} finally {
  // Interrupted by an error: still leave X free for the next run.
  if (boundSubscriptionId) await unbind(boundSubscriptionId).catch(() => {});
  await client.dispose();
  await app?.stop();
}
