import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { printSchemaSdl } from "../src/graphql/print-schema.js";

describe("schema.graphql", () => {
  it("is up to date with the code (run `pnpm schema:print` after changing the schema)", () => {
    const committed = readFileSync(new URL("../schema.graphql", import.meta.url), "utf8");
    expect(printSchemaSdl()).toBe(committed);
  });

  it("names the operations the clients rely on", () => {
    const sdl = printSchemaSdl();
    for (const field of [
      "binding(subscriptionId: String!): Binding",
      "bindingByExtension(extendNum: String!, virtualNum: String!): Binding",
      "bindings(after: String, before: String, filter: BindingFilter, first: Int, last: Int): BindingConnection!",
      "callSession(sessionId: String!): CallSession",
      "callSessions(after: String, before: String, filter: CallSessionFilter, first: Int, last: Int): CallSessionConnection!",
      "callRecords(after: String, before: String, filter: CallRecordFilter, first: Int, last: Int): CallRecordConnection!",
      "virtualNumbers: [VirtualNumber!]!",
      "createBinding(input: CreateBindingInput!): CreateBindingResult!",
      "updateBinding(input: UpdateBindingInput!): UpdateBindingResult!",
      "deleteBinding(input: DeleteBindingInput!): DeleteBindingResult!",
      "): CallSessionUpdate!",
      "): CallRecordAdded!",
      "): BindingChange!",
      "): VirtualNumberStatusChange!",
    ]) {
      expect(sdl).toContain(field);
    }
    expect(sdl).toMatch(
      /callEvents\(\s+"""Resume after this cursor\."""\s+after: String\s+filter: CallEventFilter\s+\): CallEvent!/,
    );
    for (const [field, filter] of [
      ["callSessionUpdates", "filter: CallSessionFilter"],
      ["callRecords", "filter: CallRecordFilter"],
      ["bindingChanges", "filter: BindingChangeFilter"],
      ["virtualNumberStatus", "number: String"],
    ]) {
      // Every subscription resumes from a cursor.
      expect(sdl).toMatch(
        new RegExp(
          `${field}\\(\\s+"""Resume after this cursor\\."""\\s+after: String\\s+(""".*"""\\s+)?${filter}`,
        ),
      );
    }
  });
});
