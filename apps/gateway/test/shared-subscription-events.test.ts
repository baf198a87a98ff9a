import { GraphQLError } from "graphql";
import { createSchema, createYoga } from "graphql-yoga";
import { describe, expect, it } from "vitest";
import { useSharedSubscriptionEvents } from "../src/http/shared-subscription-events.js";
import { EventChannel } from "../src/stream/event-channel.js";

interface Tick {
  n: number;
}

/** A Yoga server with two subscriptions over one in-memory source, counting field resolutions. */
function setUp(partitionBy?: (context: unknown) => string) {
  const channels = new Set<EventChannel<Tick>>();
  const resolved = { label: 0 };
  const open = () => {
    const channel: EventChannel<Tick> = new EventChannel<Tick>({ onClose: () => channels.delete(channel) });
    channels.add(channel);
    return channel;
  };
  const yoga = createYoga({
    schema: createSchema({
      typeDefs: /* GraphQL */ `
        type Query { ok: Boolean }
        type Tick { n: Int!, label(prefix: String!): String! }
        type Subscription { ticks: Tick!, otherTicks: Tick! }
      `,
      resolvers: {
        Tick: {
          label: (tick: Tick, args: { prefix: string }) => {
            resolved.label++;
            return `${args.prefix}${tick.n}`;
          },
        },
        Subscription: {
          ticks: { subscribe: open, resolve: (tick: Tick) => tick },
          otherTicks: { subscribe: open, resolve: (tick: Tick) => tick },
        },
      },
    }),
    plugins: [useSharedSubscriptionEvents({ fields: ["ticks"], ...(partitionBy ? { partitionBy } : {}) })],
  });
  // As graphql-ws runs an operation in the gateway: through the enveloped parse and subscribe.
  const subscribe = async (query: string, variables: Record<string, unknown> = {}, role = "") => {
    const { parse, subscribe: run, schema, contextFactory } = yoga.getEnveloped({ role });
    const result = await run({
      schema,
      document: parse(query),
      variableValues: variables,
      contextValue: await contextFactory(),
    });
    if (!(Symbol.asyncIterator in (result as object))) throw new Error(JSON.stringify(result));
    return result as AsyncIterableIterator<{ data?: Record<string, unknown>; errors?: unknown[] }>;
  };
  // The same object to every subscriber, as the call event feed does.
  const publish = (tick: Tick) => {
    for (const channel of channels) channel.push(tick);
  };
  return { subscribe, publish, resolved, channels };
}

const TICKS = "subscription($p: String!) { ticks { n label(prefix: $p) } }";

describe("useSharedSubscriptionEvents", () => {
  it("executes each event once for all the subscribers that asked the same thing", async () => {
    const { subscribe, publish, resolved } = setUp();
    const subscribers = await Promise.all([1, 2, 3].map(() => subscribe(TICKS, { p: "#" })));
    publish({ n: 1 });
    publish({ n: 2 });
    for (const subscriber of subscribers) {
      expect((await subscriber.next()).value).toEqual({ data: { ticks: { n: 1, label: "#1" } } });
      expect((await subscriber.next()).value).toEqual({ data: { ticks: { n: 2, label: "#2" } } });
    }
    expect(resolved.label).toBe(2);
  });

  it("keeps subscribers with other variables apart, and leaves other subscription fields alone", async () => {
    const { subscribe, publish, resolved } = setUp();
    const hash = await subscribe(TICKS, { p: "#" });
    const dash = await subscribe(TICKS, { p: "-" });
    const others = await Promise.all(
      [1, 2].map(() => subscribe('subscription { otherTicks { label(prefix: "*") } }')),
    );
    publish({ n: 7 });
    expect((await hash.next()).value).toEqual({ data: { ticks: { n: 7, label: "#7" } } });
    expect((await dash.next()).value).toEqual({ data: { ticks: { n: 7, label: "-7" } } });
    for (const other of others) {
      expect((await other.next()).value).toEqual({ data: { otherTicks: { label: "*7" } } });
    }
    // One execution per distinct request on `ticks`, one per subscriber on `otherTicks`.
    expect(resolved.label).toBe(4);
  });

  it("executes once per partition: subscribers of different roles never share a result", async () => {
    const { subscribe, publish, resolved } = setUp((context) => (context as { role: string }).role);
    const viewers = await Promise.all([1, 2].map(() => subscribe(TICKS, { p: "#" }, "viewer")));
    const operators = await Promise.all([1, 2].map(() => subscribe(TICKS, { p: "#" }, "operator")));
    publish({ n: 5 });
    for (const subscriber of [...viewers, ...operators]) {
      expect((await subscriber.next()).value).toEqual({ data: { ticks: { n: 5, label: "#5" } } });
    }
    // One execution for the two viewers, one for the two operators.
    expect(resolved.label).toBe(2);
  });

  it("lets the source go as soon as a subscriber leaves, even while it waits for an event", async () => {
    const { subscribe, publish, channels } = setUp();
    const leaving = await subscribe(TICKS, { p: "#" });
    const staying = await subscribe(TICKS, { p: "#" });
    expect(channels.size).toBe(2);
    const waiting = leaving.next();
    await leaving.return?.();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(channels.size).toBe(1);
    publish({ n: 3 });
    expect((await staying.next()).value).toEqual({ data: { ticks: { n: 3, label: "#3" } } });
  });

  it("fails a subscriber whose source fails, with Yoga's masking still applied", async () => {
    const { subscribe, channels } = setUp();
    const expected = await subscribe(TICKS, { p: "#" });
    const unexpected = await subscribe(TICKS, { p: "#" });
    const [first, second] = [...channels];
    first!.fail(new GraphQLError("Subscriber too slow.", { extensions: { code: "SUBSCRIBER_TOO_SLOW" } }));
    second!.fail(new Error("connection string postgres://secret@db"));
    await expect(expected.next()).rejects.toThrow("Subscriber too slow.");
    await expect(unexpected.next()).rejects.toThrow("Unexpected error.");
  });
});
