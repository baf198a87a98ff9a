import { describe, expectTypeOf, it } from "vitest";
import type {
  CallEventNotification,
  CallEventWire,
  CallStatusInfoByType,
  FeeRecord,
  FeeRecordWire,
  Notification,
  NumInfoWire,
  NumStatusEntry,
} from "../src/index.js";

// Compile-time guarantees (checked by `pnpm typecheck`): the normalised types cover every field of the
// wire schemas, and the unions narrow as documented.

type KnownKeys<T> = keyof { [K in keyof T as string extends K ? never : K]: T[K] };
type StatusInfoWire<E extends CallEventNotification["eventType"]> = Extract<
  CallEventWire,
  { eventType: E }
>["statusInfo"];

describe("types", () => {
  it("FeeRecord has every field of the wire record (extendNumber is exposed as extendNum)", () => {
    expectTypeOf<Exclude<KnownKeys<FeeRecordWire>, "extendNumber">>().toExtend<keyof FeeRecord>();
    expectTypeOf<FeeRecord["extendNum"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<FeeRecord["direction"]>().toEqualTypeOf<number>();
  });

  it("each statusInfo type has every field of its wire schema", () => {
    expectTypeOf<KnownKeys<StatusInfoWire<"callin">>>().toExtend<keyof CallStatusInfoByType["callin"]>();
    expectTypeOf<KnownKeys<StatusInfoWire<"collectInfo">>>().toExtend<
      keyof CallStatusInfoByType["collectInfo"]
    >();
    expectTypeOf<KnownKeys<StatusInfoWire<"callout">>>().toExtend<keyof CallStatusInfoByType["callout"]>();
    expectTypeOf<KnownKeys<StatusInfoWire<"alerting">>>().toExtend<keyof CallStatusInfoByType["alerting"]>();
    expectTypeOf<KnownKeys<StatusInfoWire<"answer">>>().toExtend<keyof CallStatusInfoByType["answer"]>();
    expectTypeOf<KnownKeys<StatusInfoWire<"disconnect">>>().toExtend<
      keyof CallStatusInfoByType["disconnect"]
    >();
    expectTypeOf<StatusInfoWire<"disconnect">["stateCode"]>().toEqualTypeOf<string | number>();
    expectTypeOf<CallStatusInfoByType["disconnect"]["stateCode"]>().toEqualTypeOf<number>();
  });

  it("NumStatusEntry has every field of the wire entry, with numbers for the codes", () => {
    expectTypeOf<KnownKeys<NumInfoWire>>().toExtend<keyof NumStatusEntry>();
    expectTypeOf<NumStatusEntry["status"]>().toEqualTypeOf<number>();
  });

  it("Notification narrows on kind, and call events on eventType", () => {
    const narrow = (notification: Notification) => {
      if (notification.kind === "callEvent" && notification.eventType === "collectInfo") {
        expectTypeOf(notification.statusInfo.digitInfo).toEqualTypeOf<string | undefined>();
      }
      if (notification.kind === "fee")
        expectTypeOf(notification.feeLst).toEqualTypeOf<readonly FeeRecord[]>();
      if (notification.kind === "unknown") expectTypeOf(notification.eventType).toEqualTypeOf<string>();
    };
    void narrow;
  });
});
