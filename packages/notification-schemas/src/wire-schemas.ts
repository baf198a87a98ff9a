import * as z from "zod";
import { type InspectLimits, inspectValue } from "./inspect-value.js";
import type { ParseIssue } from "./issues.js";
import { DEFAULT_PARSE_OPTIONS } from "./options.js";
import {
  type Field,
  type FormatCheck,
  formatsCheck,
  integerCode,
  optionalExtension,
  optionalIntegerCode,
  optionalKeyedDigits,
  optionalNullableCode,
  optionalPhoneNumber,
  optionalPlatformTime,
  optionalText,
  phoneNumber,
  plain,
  platformTime,
  text,
} from "./wire-primitives.js";

/** The six call event types (docs/axe-platform.md §8.1), in the order a call goes through them. */
export const CALL_EVENT_TYPES = [
  "callin",
  "collectInfo",
  "callout",
  "alerting",
  "answer",
  "disconnect",
] as const;

/** A call event type. */
export type CallEventType = (typeof CALL_EVENT_TYPES)[number];

/** At most this many CDRs arrive in one fee push (docs/axe-platform.md §8.2). */
export const MAX_FEE_RECORDS = 50;

/** At most this many numbers arrive in one numStatus push (docs/axe-platform.md §16.2). */
export const MAX_NUM_STATUS_ENTRIES = 100;

/** What a set of wire schemas is built for. */
export interface WireSchemaSettings extends InspectLimits {
  readonly lenient: boolean;
}

/**
 * The schema of a field this package does not know, at a given depth of the body: any JSON value within
 * the string-length and nesting limits, which a schema of known fields cannot otherwise see.
 */
function extraField(limits: InspectLimits, depth: number) {
  return z.unknown().check((ctx) => {
    const value = ctx.value;
    // Numbers, booleans, null and short strings (nearly every extra field) need no walk.
    if (
      typeof value === "string"
        ? value.length <= limits.maxStringLength
        : value === null || typeof value !== "object"
    ) {
      return;
    }
    const found: ParseIssue[] = [];
    inspectValue(value, limits, found, 50, depth);
    for (const problem of found) {
      ctx.issues.push({
        code: "custom",
        input: undefined,
        path: [...problem.segments],
        message: problem.message,
        params: { privnumCode: problem.code },
      });
    }
  });
}

type ObjectParams = Parameters<typeof z.object>[1];
type Fields = Record<string, Field>;
type ShapeOf<F extends Fields> = { -readonly [K in keyof F]: F[K]["schema"] };

/**
 * Builds the schemas of the bodies exactly as the platform sends them. Fields this package does not know
 * pass through untouched, within the limits. `lenient` selects the masked-number pattern.
 */
function buildWireSchemas(settings: WireSchemaSettings) {
  const { lenient } = settings;
  // An object of known fields with their format checks; other fields pass through within the limits.
  // `depth` is the depth of the object's field values: 2 in the envelope, 3 in statusInfo, 4 in a record.
  const object = <F extends Fields>(fields: F, depth: number, params?: ObjectParams) => {
    const shape = {} as ShapeOf<F>;
    const formats: (readonly [string, FormatCheck])[] = [];
    for (const key of Object.keys(fields) as (keyof F & string)[]) {
      const field = fields[key] as F[typeof key];
      shape[key] = field.schema;
      if (field.format !== undefined) formats.push([key, field.format]);
    }
    const schema = z.object(shape, params).catchall(extraField(settings, depth));
    return formats.length === 0 ? schema : schema.check(formatsCheck(formats));
  };

  // Fields every call event may carry (docs/axe-platform.md §8.1 and §16.1); each event narrows which are
  // required.
  const common = {
    timestamp: platformTime({ description: "Time of the event on the platform, UTC yyyy-MM-dd HH:mm:ss." }),
    sessionId: text(256, 1, { description: "ID of the call session; the same in every event and the CDR." }),
    subscriptionId: optionalText(64, { description: "Binding ID, once the call matched a binding." }),
    extendNum: optionalExtension({ description: "Extension E (not seen in samples; accepted)." }),
  };
  const parties = {
    caller: phoneNumber(lenient, {
      description: "Caller number; not necessarily the real party (see the CDR).",
    }),
    called: phoneNumber(lenient, { description: "Called number; X in the callin event." }),
  };

  // A call event without statusInfo is a parameter error in Huawei's own sample handler
  // (docs/axe-platform.md §16.1).
  const statusInfoParams = (eventType: CallEventType): ObjectParams => ({
    error: (iss) =>
      iss.input === undefined ? `statusInfo is required in a ${eventType} event` : "expected an object",
  });

  const statusInfo = {
    callin: object(
      { ...common, ...parties, userData: optionalText(256, { description: "The binding's userData." }) },
      3,
      statusInfoParams("callin"),
    ),
    collectInfo: object(
      {
        ...common,
        caller: optionalPhoneNumber(lenient),
        called: optionalPhoneNumber(lenient),
        digitInfo: optionalKeyedDigits({ description: "The digits the caller keyed in (the extension)." }),
      },
      3,
      statusInfoParams("collectInfo"),
    ),
    callout: object({ ...common, ...parties }, 3, statusInfoParams("callout")),
    alerting: object({ ...common, ...parties }, 3, statusInfoParams("alerting")),
    answer: object({ ...common, ...parties }, 3, statusInfoParams("answer")),
    disconnect: object(
      {
        ...common,
        ...parties,
        stateCode: integerCode({
          description: "Hang-up reason (platform contract §11.1); 0 is a normal hang-up.",
        }),
        stateDesc: optionalText(128, { description: "The platform's text for stateCode." }),
      },
      3,
      statusInfoParams("disconnect"),
    ),
  };

  const callEvent = {
    callin: object({ eventType: plain(z.literal("callin")), statusInfo: plain(statusInfo.callin) }, 2),
    collectInfo: object(
      { eventType: plain(z.literal("collectInfo")), statusInfo: plain(statusInfo.collectInfo) },
      2,
    ),
    callout: object({ eventType: plain(z.literal("callout")), statusInfo: plain(statusInfo.callout) }, 2),
    alerting: object({ eventType: plain(z.literal("alerting")), statusInfo: plain(statusInfo.alerting) }, 2),
    answer: object({ eventType: plain(z.literal("answer")), statusInfo: plain(statusInfo.answer) }, 2),
    disconnect: object(
      { eventType: plain(z.literal("disconnect")), statusInfo: plain(statusInfo.disconnect) },
      2,
    ),
  };

  const feeRecord = object(
    {
      direction: integerCode({ description: "0 another user called A; 1 A called back; 2 abnormal." }),
      spId: text(32, 1, { description: "The customer's cloud account." }),
      appKey: text(128, 1, { description: "The application's APP_Key." }),
      icid: text(64, 1, { description: "Unique ID of the call record." }),
      bindNum: phoneNumber(lenient, { description: "The privacy number X." }),
      sessionId: text(256, 1, { description: "ID of the call session, shared with the call events." }),
      callerNum: phoneNumber(lenient, { description: "Caller number." }),
      calleeNum: phoneNumber(lenient, { description: "Called number (X in the callee scenario)." }),
      fwdDisplayNum: optionalPhoneNumber(lenient, { description: "Display number of the forwarded leg." }),
      fwdDstNum: optionalPhoneNumber(lenient, { description: "Destination of the forwarded leg." }),
      callInTime: optionalPlatformTime({ description: "Start of the inbound leg." }),
      fwdStartTime: optionalPlatformTime({ description: "Start of forwarding." }),
      fwdAlertingTime: optionalPlatformTime({ description: "The forwarded leg started ringing." }),
      fwdAnswerTime: optionalPlatformTime({ description: "The forwarded leg was answered." }),
      callEndTime: optionalPlatformTime({ description: "End of the call." }),
      fwdUnaswRsn: optionalIntegerCode({ description: "Q.850 cause of a failed forwarded leg." }),
      failTime: optionalPlatformTime({ description: "Time a leg failed." }),
      ulFailReason: optionalIntegerCode({
        description: "Teardown point of a failed call (platform contract §11.3).",
      }),
      sipStatusCode: optionalIntegerCode({ description: "SIP status of the failed leg." }),
      callOutUnaswRsn: optionalIntegerCode({ description: "Q.850 cause of a failed outbound call." }),
      recordFlag: optionalIntegerCode({ description: "1 when the call was recorded." }),
      recordStartTime: optionalPlatformTime({ description: "Start of the recording." }),
      recordObjectName: optionalText(128, {
        description: "Recording file name (fileName of the download API).",
      }),
      recordBucketName: optionalText(256, { description: "Recording storage directory." }),
      recordDomain: optionalText(256, {
        description: "Recording domain (recordDomain of the download API).",
      }),
      recordFileDownloadUrl: optionalText(1024, { description: "Direct recording download URL." }),
      ttsPlayTimes: optionalIntegerCode(),
      ttsTransDuration: optionalIntegerCode(),
      mptyId: optionalText(256),
      serviceType: optionalText(32, { description: '"005" is AXE mode.' }),
      hostName: optionalText(128, { description: "Host that produced the CDR." }),
      subscriptionId: optionalText(64, { description: "Binding ID; empty when no binding matched." }),
      extendNum: optionalExtension({ description: "Extension E, as Huawei's sample comments spell it." }),
      areaCode: optionalText(32, { description: "X's city code." }),
      callDuration: optionalIntegerCode({ description: "Call duration in seconds." }),
      userData: optionalText(256, { description: "The binding's userData." }),
      voiceCheckType: optionalNullableCode({
        description: "null no quality check; 0 without, 1 with recording.",
      }),
      // Kept last: normalisation removes it in favour of extendNum, and removing the last-added property of
      // an object is cheap in V8, while removing any other one slows every later access to the object.
      extendNumber: optionalExtension({ description: "Extension E, as Huawei's AXE CDR spells it." }),
    },
    4,
  );

  const fee = object(
    {
      eventType: plain(z.literal("fee")),
      feeLst: plain(
        z
          .array(feeRecord, {
            error: (iss) =>
              iss.input === undefined ? "feeLst is required in a fee notification" : "expected an array",
          })
          .min(1, { error: "feeLst is empty; a fee notification carries 1 to 50 records" })
          .max(MAX_FEE_RECORDS, {
            error: "feeLst holds more than 50 records; the platform sends at most 50 per push",
          }),
      ),
    },
    2,
  );

  const numInfo = object(
    {
      number: phoneNumber(lenient, { description: "The X number." }),
      status: integerCode({ description: '"5" normal, "9" paused, "10" unavailable, "11" binding frozen.' }),
      cause: optionalIntegerCode({ description: "Why the number is unavailable (platform contract §16.2)." }),
    },
    4,
  );

  const numStatus = object(
    {
      eventType: plain(z.literal("numStatus")),
      numInfo: plain(
        z
          .array(numInfo, {
            error: (iss) =>
              iss.input === undefined
                ? "numInfo is required in a numStatus notification"
                : "expected an array",
          })
          .min(1, { error: "numInfo is empty; a numStatus notification carries 1 to 100 entries" })
          .max(MAX_NUM_STATUS_ENTRIES, {
            error: "numInfo holds more than 100 entries; the platform sends at most 100",
          }),
      ),
    },
    2,
  );

  return { statusInfo, callEvent, feeRecord, fee, numInfo, numStatus };
}

/** One set of wire schemas. */
export type WireSchemas = ReturnType<typeof buildWireSchemas>;

const defaults = buildWireSchemas(DEFAULT_PARSE_OPTIONS);
const built = new Map<string, WireSchemas>();
const MAX_BUILT = 8;

/**
 * The wire schemas for a set of options. The default set is built at load; others are built on first use
 * and kept (a few at most: options are configuration, not per-request data).
 */
export function wireSchemas(settings: WireSchemaSettings): WireSchemas {
  const { lenient, maxStringLength, maxDepth } = settings;
  if (
    !lenient &&
    maxStringLength === DEFAULT_PARSE_OPTIONS.maxStringLength &&
    maxDepth === DEFAULT_PARSE_OPTIONS.maxDepth
  ) {
    return defaults;
  }
  const key = `${lenient}:${maxStringLength}:${maxDepth}`;
  let schemas = built.get(key);
  if (schemas === undefined) {
    if (built.size >= MAX_BUILT) built.delete(built.keys().next().value as string);
    schemas = buildWireSchemas({ lenient, maxStringLength, maxDepth });
    built.set(key, schemas);
  }
  return schemas;
}

/** Schema of a call event body as the platform sends it (discriminated on `eventType`). */
export const callEventWireSchema = z.discriminatedUnion("eventType", [
  defaults.callEvent.callin,
  defaults.callEvent.collectInfo,
  defaults.callEvent.callout,
  defaults.callEvent.alerting,
  defaults.callEvent.answer,
  defaults.callEvent.disconnect,
]);

/** Schema of a fee (CDR) body as the platform sends it. */
export const feeWireSchema = defaults.fee;

/** Schema of one CDR inside `feeLst`, as the platform sends it. */
export const feeRecordWireSchema = defaults.feeRecord;

/** Schema of a numStatus body as the platform sends it. */
export const numStatusWireSchema = defaults.numStatus;

/** Schema of one entry of `numInfo`, as the platform sends it. */
export const numInfoWireSchema = defaults.numInfo;

/** Schema of any known notification body as the platform sends it. */
export const notificationWireSchema = z.union([callEventWireSchema, feeWireSchema, numStatusWireSchema]);

/** A call event body as sent (before normalisation). */
export type CallEventWire = z.input<typeof callEventWireSchema>;
/** A fee body as sent (before normalisation). */
export type FeeWire = z.input<typeof feeWireSchema>;
/** One CDR as sent (before normalisation). */
export type FeeRecordWire = z.input<typeof feeRecordWireSchema>;
/** A numStatus body as sent (before normalisation). */
export type NumStatusWire = z.input<typeof numStatusWireSchema>;
/** One numInfo entry as sent (before normalisation). */
export type NumInfoWire = z.input<typeof numInfoWireSchema>;
/** Any known notification body as sent. */
export type NotificationWire = z.input<typeof notificationWireSchema>;
