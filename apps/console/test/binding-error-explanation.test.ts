import { describe, expect, it } from "vitest";
import { describeCode, explainBindingFailure } from "../src/bindings/binding-error-explanation.js";

describe("explainBindingFailure", () => {
  const refusal = {
    __typename: "PlatformError" as const,
    message: "No idle extend Number.",
    resultcode: "1020167",
    resultdesc: "No idle extend Number.",
    retryable: false,
    category: "NO_RESOURCES",
  };

  it("explains a platform refusal by its result code and the platform's text, and whether a retry helps", () => {
    const explanation = explainBindingFailure(refusal);
    expect(explanation.headline).toBe("The platform refused: 1020167 — No idle extend Number.");
    expect(explanation.details).toEqual([
      "No number or extension is available (X full, E taken, or X frozen).",
      "Retrying the same command will not help: change it first.",
    ]);
    expect(
      explainBindingFailure({ ...refusal, retryable: true, category: "FLOW_CONTROL" }).details,
    ).toContain("Retrying may help.");
  });

  it("prefers the code table's description, with the Chinese term, and keeps the platform's text", () => {
    const explanation = explainBindingFailure({
      ...refusal,
      description: {
        code: "1020167",
        description: "No idle extension on X",
        zh: "无空闲分机号",
        known: true,
      },
    });
    expect(explanation.headline).toBe(
      "The platform refused: 1020167 — No idle extension on X (无空闲分机号)",
    );
    expect(explanation.details[0]).toBe("The platform said: “No idle extend Number.”");
  });

  it("falls back to the platform's text for a code the table does not know", () => {
    const explanation = explainBindingFailure({
      ...refusal,
      description: { code: "1020167", description: null, zh: null, known: false },
    });
    expect(explanation.headline).toBe("The platform refused: 1020167 — No idle extend Number.");
  });

  it("tells a failure without an answer (timeout) by the gateway's message", () => {
    const explanation = explainBindingFailure({
      ...refusal,
      resultcode: null,
      resultdesc: null,
      message: "The platform did not answer within 10 s",
      category: "TIMEOUT",
      retryable: true,
    });
    expect(explanation.headline).toBe("The command failed: The platform did not answer within 10 s");
    expect(explanation.details[0]).toMatch(/unknown/);
  });

  it("puts a ValidationError's messages on their fields", () => {
    const explanation = explainBindingFailure({
      __typename: "ValidationError",
      message: "Invalid input",
      fields: [
        { field: "bindNum", message: "must be an E.164 number" },
        { field: "changes.userData", message: "must not be empty" },
      ],
    });
    expect(explanation.fields).toEqual({ bindNum: "Must be an E.164 number", userData: "Must not be empty" });
  });

  it("explains an unavailable X by its status and cause", () => {
    const explanation = explainBindingFailure({
      __typename: "VirtualNumberUnavailableError",
      message: "X takes no new bindings",
      virtualNum: "+8617000000002",
      status: "UNAVAILABLE",
      cause: { code: "3", description: "Arrears", zh: "欠费", known: true },
    });
    expect(explanation.headline).toBe("+8617000000002 takes no new bindings.");
    expect(explanation.details).toContain("Cause: 3 — Arrears (欠费)");
    expect(explanation.details[0]).toMatch(/unavailable/);
  });

  it("explains a binding the platform no longer has", () => {
    const explanation = explainBindingFailure({
      __typename: "NotFoundError",
      message: "The record does not exist.",
      resultcode: "1012007",
      resultdesc: "The record does not exist.",
    });
    expect(explanation.headline).toMatch(/no such binding/);
    expect(explanation.details[0]).toBe("1012007 — The record does not exist.");
  });
});

describe("describeCode", () => {
  it("leaves out what is unknown", () => {
    expect(describeCode("1", null, null)).toBe("1");
    expect(describeCode("1", "One", null)).toBe("1 — One");
    expect(describeCode("1", null, "一")).toBe("1 — (一)");
  });
});
