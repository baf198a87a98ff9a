import { describe, expect, it } from "vitest";
import {
  fromBinding,
  fromCreateResponse,
  refPairs,
  toCreateBody,
  toQuery,
  toUpdateBody,
} from "../src/wire.js";

describe("request encoding", () => {
  it("sends recordFlag as the string the platform expects and timeUnit as 0/1, + literal in JSON", () => {
    const body = toCreateBody({
      bindNum: "+8613800000021",
      virtualNum: "+8617000000001",
      recordFlag: false,
      timeUnit: "minutes",
      bindExpiredTime: 24,
    });
    expect(body).toEqual({
      bindNum: "+8613800000021",
      virtualNum: "+8617000000001",
      recordFlag: "false",
      timeUnit: "1",
      bindExpiredTime: 24,
    });
    expect(JSON.stringify(body)).toContain('"+8613800000021"');
  });

  it("percent-encodes + as %2B in query strings", () => {
    expect(toQuery(refPairs({ virtualNum: "+8617000000001", extendNum: "0001" }))).toBe(
      "virtualNum=%2B8617000000001&extendNum=0001",
    );
  });

  it("builds a modify body from the selector and only the changed fields", () => {
    expect(toUpdateBody({ subscriptionId: "s1" }, { recordFlag: true, callbackNum: "" })).toEqual({
      subscriptionId: "s1",
      recordFlag: "true",
      callbackNum: "",
    });
  });
});

describe("response decoding", () => {
  it("reads a bind answer and rejects one without identifiers", () => {
    expect(
      fromCreateResponse({
        resultcode: "0",
        subscriptionId: "s",
        virtualNum: "+1",
        extendNum: "1",
        bindExpiredTime: 0,
      }),
    ).toEqual({ subscriptionId: "s", virtualNum: "+1", extendNum: "1", bindExpiredTime: 0 });
    expect(fromCreateResponse({ resultcode: "0", virtualNum: "+1", extendNum: "1" })).toBeUndefined();
  });

  it("turns platform strings into typed fields and drops empty ones", () => {
    expect(
      fromBinding({
        subscriptionId: "s",
        virtualNum: "+8617000000001",
        extendNum: "0001",
        bindNum: "+8613800000021",
        recordFlag: "true",
        timeUnit: "1",
        bindExpiredTime: "24",
        callbackTone: "",
        displayNumMode: "0",
      }),
    ).toEqual({
      subscriptionId: "s",
      virtualNum: "+8617000000001",
      extendNum: "0001",
      bindNum: "+8613800000021",
      recordFlag: true,
      timeUnit: "minutes",
      bindExpiredTime: 24,
      displayNumMode: "0",
    });
  });
});
