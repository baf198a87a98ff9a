import { describe, expect, it } from "vitest";
import {
  callEventNotificationSchema,
  callEventWireSchema,
  createNotificationSchema,
  feeNotificationSchema,
  feeWireSchema,
  type Notification,
  notificationSchema,
  numStatusNotificationSchema,
  parseNotification,
} from "../src/index.js";
import { fixtureBody, fixtureText } from "./helpers.js";

// Users of other libraries consume the schemas through Standard Schema v1 (`~standard`), which zod 4
// schemas implement. These tests use only that interface, written out as the specification defines it.

type StandardResult<O> =
  | { readonly value: O; readonly issues?: undefined }
  | {
      readonly issues: readonly {
        readonly message: string;
        readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
      }[];
    };

interface StandardSchemaV1<O> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<O> | Promise<StandardResult<O>>;
  };
}

function validate<O>(schema: StandardSchemaV1<O>, value: unknown): StandardResult<O> {
  const result = schema["~standard"].validate(value);
  if (result instanceof Promise) throw new Error("expected a synchronous result");
  return result;
}

describe("the normalising schemas", () => {
  it("are Standard Schema v1 validators from zod", () => {
    for (const schema of [
      notificationSchema,
      callEventNotificationSchema,
      feeNotificationSchema,
      numStatusNotificationSchema,
    ]) {
      expect(schema["~standard"]).toMatchObject({ version: 1, vendor: "zod" });
    }
  });

  it("give the same normalised value as parseNotification", () => {
    const body = fixtureBody("callee/07-fee.json");
    const result = validate(notificationSchema, body);
    if (result.issues) expect.fail(JSON.stringify(result.issues));
    const parsed = parseNotification(body);
    if (!parsed.ok) expect.fail("fixture does not parse");
    expect(result.value).toEqual(parsed.notification);
    const value: Notification = result.value;
    expect(value.kind).toBe("fee");
  });

  it("accept text and bytes too", () => {
    const text = fixtureText("callee/01-callin.json");
    expect(validate(callEventNotificationSchema, text).issues).toBeUndefined();
    expect(validate(callEventNotificationSchema, Buffer.from(text)).issues).toBeUndefined();
  });

  it("report the same issues, with their paths", () => {
    const result = validate(feeNotificationSchema, { eventType: "fee", feeLst: [] });
    expect(result.issues).toEqual([
      expect.objectContaining({
        message: "feeLst is empty; a fee notification carries 1 to 50 records",
        path: ["feeLst"],
      }),
    ]);
    const wrongKind = validate(numStatusNotificationSchema, fixtureBody("callee/01-callin.json"));
    expect(wrongKind.issues?.[0]?.path).toEqual(["eventType"]);
  });

  it("take parse options through createNotificationSchema, refusing invalid ones when built", () => {
    const sample = fixtureText("huawei/disconnect-sample.json");
    expect(validate(notificationSchema, sample).issues).toHaveLength(2);
    expect(validate(createNotificationSchema({ lenient: true }), sample).issues).toBeUndefined();
    expect(() => createNotificationSchema({ maxDepth: 0 })).toThrow(
      expect.objectContaining({ option: "maxDepth" }),
    );
  });
});

describe("the wire schemas", () => {
  it("validate bodies as sent, keeping the wire shape", () => {
    const body = fixtureBody("callee/07-fee.json");
    const result = validate(feeWireSchema, body);
    if (result.issues) expect.fail(JSON.stringify(result.issues));
    expect(result.value).toEqual(body);
  });

  it("refuse what the parser refuses", () => {
    const body = fixtureBody("callee/06-disconnect.json");
    (body.statusInfo as Record<string, unknown>).stateCode = "abc";
    expect(validate(callEventWireSchema, body).issues?.[0]?.path).toEqual(["statusInfo", "stateCode"]);
    expect(validate(callEventWireSchema, { eventType: "callin" }).issues?.[0]?.path).toEqual(["statusInfo"]);
  });
});
