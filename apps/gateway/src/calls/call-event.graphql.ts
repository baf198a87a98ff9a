import { describeStateCode } from "@privnum/notification-schemas";
import { GraphQLError } from "graphql";
import { builder } from "../graphql/builder.js";
import { CodeDescriptionObject } from "../graphql/code-description.js";
import { cursorArg } from "../graphql/connection.js";
import { guardStream } from "../graphql/guard-stream.js";
import {
  refuseNumberSearchByViewer,
  shownJson,
  shownPhoneNumber,
  shownText,
  VIEWER_MAY_NOT_FILTER,
} from "../graphql/phone-numbers.js";
import { encodeCursor } from "../shared/cursor.js";
import { lastStreamPosition } from "./call-event.repository.js";
import type { CallEventRow } from "./call-event.table.js";
import { openCallEventStream } from "./call-event-stream.js";

/** The GraphQL `CallEventType` enum (values are the platform's event types). */
export const CallEventTypeEnum = builder.enumType("CallEventType", {
  description: "The platform's call event types, in the order a call produces them.",
  values: {
    CALLIN: { value: "callin", description: "The call reached X." },
    COLLECT_INFO: { value: "collectInfo", description: "The caller keyed the extension (callee scenario)." },
    CALLOUT: { value: "callout", description: "The platform dials the destination." },
    ALERTING: { value: "alerting", description: "The destination rings." },
    ANSWER: { value: "answer", description: "The destination answered." },
    DISCONNECT: { value: "disconnect", description: "The call ended; see `stateCode`." },
  } as const,
});

/** A stored call event. */
export const CallEventObject = builder.objectRef<CallEventRow>("CallEvent").implement({
  description: "One call event as the platform pushed it, with what the gateway knows about its call.",
  fields: (t) => ({
    cursor: t.string({
      description: "Position in the event stream: pass it as `after` to resume a `callEvents` subscription.",
      resolve: (e) => encodeCursor("callEvent", e.stream_seq ?? 0),
    }),
    sessionId: t.exposeString("session_id"),
    eventType: t.field({ type: CallEventTypeEnum, resolve: (e) => e.event_type as "callin" }),
    timestamp: t.field({
      type: "DateTime",
      nullable: true,
      description: "When it happened on the platform.",
      resolve: (e) => e.occurred_at,
    }),
    platformTimestamp: t.exposeString("event_timestamp", {
      description: "The platform's `timestamp` as sent (UTC `yyyy-MM-dd HH:mm:ss`).",
    }),
    subscriptionId: t.exposeString("subscription_id", {
      nullable: true,
      description:
        "The binding. `callin` carries none in the callee scenario (the extension is not keyed yet).",
    }),
    virtualNum: t.string({
      nullable: true,
      description: "X.",
      resolve: (e, _args, ctx) => shownPhoneNumber(ctx, e.virtual_num),
    }),
    bindNum: t.string({
      nullable: true,
      description: "A, once the binding is known.",
      resolve: (e, _args, ctx) => shownPhoneNumber(ctx, e.bind_num),
    }),
    caller: t.string({ nullable: true, resolve: (e, _args, ctx) => shownPhoneNumber(ctx, e.caller) }),
    called: t.string({ nullable: true, resolve: (e, _args, ctx) => shownPhoneNumber(ctx, e.called) }),
    digitInfo: t.exposeString("digit_info", { nullable: true, description: "Keyed digits (`collectInfo`)." }),
    stateCode: t.exposeInt("state_code", { nullable: true, description: "Hang-up reason (`disconnect`)." }),
    stateDesc: t.exposeString("state_desc", { nullable: true }),
    hangupReason: t.field({
      type: CodeDescriptionObject,
      nullable: true,
      resolve: (e) => (e.state_code === null ? null : describeStateCode(e.state_code)),
    }),
    userData: t.string({ nullable: true, resolve: (e, _args, ctx) => shownText(ctx, e.user_data) }),
    receivedAt: t.field({ type: "DateTime", resolve: (e) => e.inserted_at }),
    statusInfo: t.field({
      type: "JSON",
      description: "The event's `statusInfo`, normalised, with any fields the platform added.",
      resolve: (e, _args, ctx) => shownJson(ctx, (e.event as { statusInfo?: unknown }).statusInfo ?? null),
    }),
  }),
});

const CallEventFilterInput = builder.inputType("CallEventFilter", {
  description: "All given fields must match. `subscriptionId` and `bindNum` miss a callee-scenario `callin`.",
  fields: (t) => ({
    sessionId: t.string(),
    subscriptionId: t.string(),
    virtualNum: t.string(),
    bindNum: t.string({ description: VIEWER_MAY_NOT_FILTER }),
    eventTypes: t.field({ type: [CallEventTypeEnum] }),
  }),
});

builder.subscriptionField("callEvents", (t) =>
  t.field({
    type: CallEventObject,
    description:
      "Live call events, in the order they were stored. With `after` (a `cursor` received earlier), the stored " +
      "events after it are replayed first, then live ones follow: none missed, none repeated. A replay holds at " +
      "most `SUBSCRIPTION_MAX_REPLAY` events (default 10,000); a longer backlog ends the subscription with the " +
      "error `replay-limit-exceeded` before any event is sent.",
    args: {
      filter: t.arg({ type: CallEventFilterInput }),
      after: t.arg.string({ description: "Resume after this cursor." }),
    },
    subscribe: async (_root, args, ctx) => {
      const filter = args.filter ?? {};
      refuseNumberSearchByViewer(ctx, filter);
      if ((filter.eventTypes?.length ?? 0) > 6) {
        throw new GraphQLError("eventTypes lists at most the 6 event types.", {
          extensions: { code: "BAD_USER_INPUT" },
        });
      }
      const after = args.after ? cursorArg("callEvent", args.after) : undefined;
      if (after !== undefined) {
        // A cursor past the end (kept from before a database reset) would wait silently for positions that
        // this stream hands out again to other events: refuse it instead.
        const end = await ctx.services.replays.run(() => lastStreamPosition(ctx.services.db));
        if (after > end) {
          throw new GraphQLError(
            `The cursor points past the end of the call event stream (position ${after}, the last stored is ${end}); ` +
              "it was issued by a gateway whose database has since been reset or replaced. Subscribe without `after`.",
            { extensions: { code: "BAD_USER_INPUT" } },
          );
        }
      }
      // An idle feed reads nothing per commit: bring it to the stream's end before listening.
      await ctx.services.feed.ready();
      return guardStream(
        openCallEventStream({
          db: ctx.services.db,
          feed: ctx.services.feed,
          replays: ctx.services.replays,
          filter,
          after,
        }),
        ctx.services.logger,
      );
    },
    resolve: (row) => row,
  }),
);
