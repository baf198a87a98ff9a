import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { guardStream } from "../src/graphql/guard-stream.js";
import { SubscriberTooSlowError } from "../src/shared/errors.js";
import { createLogger } from "../src/shared/logger.js";
import { EventChannel } from "../src/stream/event-channel.js";

describe("EventChannel", () => {
  it("delivers pushed items in order and ends on close", async () => {
    const channel = new EventChannel<number>();
    channel.push(1);
    channel.push(2);
    channel.close();
    const got: number[] = [];
    for await (const n of channel) got.push(n);
    expect(got).toEqual([1, 2]);
  });

  it("return() ends a waiting consumer at once and runs onClose", async () => {
    let closed = 0;
    const channel = new EventChannel<number>({ onClose: () => closed++ });
    const waiting = channel.next();
    await channel.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
    expect(channel.push(3)).toBe(false);
  });

  it("fails a consumer that falls too far behind instead of buffering without limit", async () => {
    const channel = new EventChannel<number>({ maxBuffered: 2 });
    expect(channel.push(1)).toBe(true);
    expect(channel.push(2)).toBe(true);
    expect(channel.push(3)).toBe(false);
    expect(await channel.next()).toEqual({ value: 1, done: false });
    expect(await channel.next()).toEqual({ value: 2, done: false });
    await expect(channel.next()).rejects.toBeInstanceOf(SubscriberTooSlowError);
  });
});

describe("guardStream", () => {
  const logger = createLogger({ level: "silent" });

  it("passes the gateway's own errors to the client with their code", async () => {
    const channel = new EventChannel<number>();
    channel.fail(new SubscriberTooSlowError(5));
    const error = await guardStream(channel, logger)
      .next()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error).toMatchObject({
      message: expect.stringMatching(/resubscribe with `after`/),
      extensions: { code: "subscriber-too-slow" },
    });
  });

  it("masks anything else", async () => {
    const channel = new EventChannel<number>();
    channel.fail(new Error("connect ECONNREFUSED 10.0.0.5:5432"));
    const error = await guardStream(channel, logger)
      .next()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ message: "Unexpected error." });
  });
});
