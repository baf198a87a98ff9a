import * as z from "zod";
import {
  callEventWireSchema,
  feeWireSchema,
  notificationWireSchema,
  numStatusWireSchema,
} from "../src/index.js";

/** The JSON Schema documents shipped in `json-schema/`, by file name, generated from the wire schemas. */
export function jsonSchemaDocuments(): Record<string, unknown> {
  const documents: Record<string, unknown> = {};
  const add = (file: string, schema: z.ZodType, title: string, description: string) => {
    const generated = z.toJSONSchema(schema, {
      target: "draft-2020-12",
      io: "input",
      unrepresentable: "throw",
    });
    documents[file] = { $schema: generated.$schema, title, description, ...generated };
  };
  add(
    "call-event.json",
    callEventWireSchema,
    "AXE call event notification",
    "A call event pushed by Huawei Cloud PrivateNumber in AXE mode (callin, collectInfo, callout, alerting, answer, disconnect), as sent.",
  );
  add(
    "fee.json",
    feeWireSchema,
    "AXE fee (CDR) notification",
    "A push of 1 to 50 call detail records, as sent. The extension may be spelled extendNumber or extendNum.",
  );
  add(
    "num-status.json",
    numStatusWireSchema,
    "X-number status notification",
    "A push of 1 to 100 X-number status changes, as sent.",
  );
  add(
    "notification.json",
    notificationWireSchema,
    "Any AXE notification",
    'A call event, fee or numStatus push, as sent. Bodies with an eventType not listed here are outside this schema; @privnum/notification-schemas keeps them as kind "unknown".',
  );
  return documents;
}

/** A document as written to disk: two-space JSON with a final newline. */
export function serialiseJsonSchema(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
