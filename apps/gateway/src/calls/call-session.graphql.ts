import type { HangupReason } from "@privnum/notification-schemas";
import { BindingObject } from "../bindings/binding.graphql.js";
import type { StoredChange } from "../changes/change-topics.js";
import { builder } from "../graphql/builder.js";
import {
  CALL_START_FROM,
  CALL_START_TO,
  CallOutcomeEnum,
  refuseEmptyCallStartRange,
} from "../graphql/call-search.js";
import { subscribeToChanges } from "../graphql/change-subscription.js";
import { CodeDescriptionObject } from "../graphql/code-description.js";
import { keysetConnection } from "../graphql/connection.js";
import {
  refuseNumberSearchByViewer,
  shownPhoneNumber,
  shownText,
  VIEWER_MAY_NOT_FILTER,
} from "../graphql/phone-numbers.js";
import { encodeCursor } from "../shared/cursor.js";
import { CallEventObject } from "./call-event.graphql.js";
import {
  type CallSessionFilter,
  listCallSessions,
  matchesCallSessionFilter,
} from "./call-session.repository.js";
import type { CallSessionRow } from "./call-session.table.js";
import type { StoredCallSession } from "./session-fold.js";

const CallSessionStateEnum = builder.enumType("CallSessionState", {
  description: "How far a call got. BILLED means its CDR arrived.",
  values: {
    RINGING: { value: "ringing" },
    DIGITS_COLLECTED: { value: "digits-collected" },
    FORWARDING: { value: "forwarding" },
    ALERTING: { value: "alerting" },
    ANSWERED: { value: "answered" },
    ENDED: { value: "ended" },
    BILLED: { value: "billed" },
  } as const,
});

const CallScenarioEnum = builder.enumType("CallScenario", {
  values: {
    CALLEE: { value: "callee", description: "Someone called X and keyed E to reach A." },
    CALLBACK: { value: "callback", description: "A called X and was put through to its last caller." },
    UNKNOWN: { value: "unknown", description: "The events so far do not tell." },
  } as const,
});

const HangupReasonObject = builder.objectRef<HangupReason>("HangupReason").implement({
  description: "Why a call ended.",
  fields: (t) => ({
    source: t.exposeString("source", {
      description: "`stateCode` (disconnect event) or `ulFailReason` (CDR).",
    }),
    code: t.exposeInt("code"),
    known: t.exposeBoolean("known"),
    description: t.exposeString("description", { nullable: true }),
    zh: t.exposeString("zh", { nullable: true }),
    category: t.exposeString("category", { nullable: true }),
    stateDesc: t.exposeString("stateDesc", { nullable: true, description: "The platform's own text." }),
  }),
});

const fold = (row: CallSessionRow) => row.session as StoredCallSession;
const time = (value: string | undefined) => (value === undefined ? null : new Date(value));

/** A call, folded from its events and CDRs. */
export const CallSessionObject = builder.objectRef<CallSessionRow>("CallSession");

builder.node(CallSessionObject, {
  description: "One call (a platform sessionId), folded from every event and CDR stored for it.",
  id: { resolve: (s) => s.session_id },
  loadWithoutCache: (id, ctx, info) => ctx.execution(info).loaders.callSession.load(id),
  fields: (t) => ({
    sessionId: t.exposeString("session_id"),
    state: t.field({ type: CallSessionStateEnum, resolve: (s) => fold(s).state }),
    scenario: t.field({ type: CallScenarioEnum, resolve: (s) => fold(s).scenario }),
    subscriptionId: t.exposeString("subscription_id", { nullable: true }),
    virtualNum: t.string({
      nullable: true,
      description: "X.",
      resolve: (s, _args, ctx) => shownPhoneNumber(ctx, s.virtual_num),
    }),
    bindNum: t.string({
      nullable: true,
      description: "A.",
      resolve: (s, _args, ctx) => shownPhoneNumber(ctx, s.bind_num),
    }),
    caller: t.string({
      nullable: true,
      description: "Who dialled X.",
      resolve: (s, _args, ctx) => shownPhoneNumber(ctx, fold(s).caller),
    }),
    forwardedTo: t.string({
      nullable: true,
      description: "Whom X rang: A (callee scenario) or A's last caller (callback).",
      resolve: (s, _args, ctx) => shownPhoneNumber(ctx, fold(s).forwardedTo),
    }),
    digits: t.string({ nullable: true, resolve: (s) => fold(s).digits ?? null }),
    extendNum: t.string({ nullable: true, resolve: (s) => fold(s).extendNum ?? null }),
    userData: t.string({ nullable: true, resolve: (s, _args, ctx) => shownText(ctx, fold(s).userData) }),
    startedAt: t.field({ type: "DateTime", nullable: true, resolve: (s) => time(fold(s).startedAt) }),
    answeredAt: t.field({ type: "DateTime", nullable: true, resolve: (s) => time(fold(s).answeredAt) }),
    endedAt: t.field({ type: "DateTime", nullable: true, resolve: (s) => time(fold(s).endedAt) }),
    talkSeconds: t.int({ nullable: true, resolve: (s) => fold(s).talkSeconds ?? null }),
    billedMinutes: t.int({ nullable: true, resolve: (s) => fold(s).billedMinutes ?? null }),
    hangup: t.field({ type: HangupReasonObject, nullable: true, resolve: (s) => fold(s).hangup ?? null }),
    outcome: t.field({
      type: CallOutcomeEnum,
      nullable: true,
      description:
        "How the call went; null while it is in progress. ANSWERED when answeredAt is set; FAILED for a call " +
        "whose CDR has direction 2; UNANSWERED when the forwarded leg rang (alertingAt), or its Q.850 cause " +
        "(forwardFailure) is 17/18/19/21, or hangup.code is a no-answer code (7501–7504, 8003, 8004, 8035, " +
        "8101, 8102); FAILED otherwise (binding, number, tenant, control, platform, network reasons).",
      resolve: (s) => s.outcome,
    }),
    forwardFailure: t.field({
      type: CodeDescriptionObject,
      nullable: true,
      description: "Q.850 cause of a failed forwarded leg.",
      resolve: (s) => fold(s).forwardFailure ?? null,
    }),
    eventCount: t.exposeInt("event_count"),
    events: t.field({
      type: [CallEventObject],
      description: "Every stored event of the call, in the order they happened.",
      resolve: (s, _args, ctx, info) => ctx.execution(info).loaders.callEventsBySession.load(s.session_id),
    }),
    binding: t.field({
      type: BindingObject,
      nullable: true,
      resolve: (s, _args, ctx, info) =>
        s.subscription_id ? ctx.execution(info).loaders.binding.load(s.subscription_id) : null,
    }),
    updatedAt: t.field({ type: "DateTime", resolve: (s) => s.updated_at }),
  }),
});

/** The connection type shared by every list of calls. */
export const CallSessionConnection = builder.connectionObject(
  { type: CallSessionObject, name: "CallSessionConnection" },
  { name: "CallSessionEdge" },
);

const CallSessionFilterInput = builder.inputType("CallSessionFilter", {
  fields: (t) => ({
    sessionId: t.string(),
    subscriptionId: t.string(),
    virtualNum: t.string(),
    bindNum: t.string({ description: VIEWER_MAY_NOT_FILTER }),
    states: t.field({ type: [CallSessionStateEnum] }),
    callStartFrom: t.field({ type: "DateTime", description: `${CALL_START_FROM} (startedAt)` }),
    callStartTo: t.field({ type: "DateTime", description: `${CALL_START_TO} (startedAt)` }),
    outcome: t.field({
      type: CallOutcomeEnum,
      description: "Finished calls that went this way (a call in progress has no outcome, never matched).",
    }),
    hangUpCause: t.int({
      description:
        "The hang-up code the call reports (`hangup.code`: disconnect stateCode, else ulFailReason).",
    }),
  }),
});

const toFilter = (
  f: ({ states?: readonly string[] | null } & CallSessionFilter) | null | undefined,
): CallSessionFilter => (f ? { ...f, statuses: f.states ?? null } : {});

builder.queryFields((t) => ({
  callSession: t.field({
    type: CallSessionObject,
    nullable: true,
    args: { sessionId: t.arg.string({ required: true }) },
    resolve: (_root, { sessionId }, ctx, info) => ctx.execution(info).loaders.callSession.load(sessionId),
  }),
  callSessions: t.connection(
    {
      type: CallSessionObject,
      description: "Calls, newest first.",
      args: { filter: t.arg({ type: CallSessionFilterInput }) },
      resolve: (_root, args, ctx) => {
        refuseNumberSearchByViewer(ctx, args.filter);
        refuseEmptyCallStartRange(args.filter);
        return keysetConnection("callSession", args, (page) =>
          listCallSessions(ctx.services.db, toFilter(args.filter), page),
        );
      },
    },
    CallSessionConnection,
  ),
}));

const CallSessionUpdateObject = builder
  .objectRef<StoredChange<"callSession">>("CallSessionUpdate")
  .implement({
    description: "A call's folded state after an event or CDR changed it, at its place in the change stream.",
    fields: (t) => ({
      cursor: t.string({
        description: "Pass it as `after` to resume after this update.",
        resolve: (c) => encodeCursor("callSessionUpdate", c.position),
      }),
      session: t.field({ type: CallSessionObject, resolve: (c) => c.value }),
    }),
  });

builder.subscriptionField("callSessionUpdates", (t) =>
  t.field({
    type: CallSessionUpdateObject,
    description:
      "A call's folded state, each time an event or CDR changes it. " +
      "With `after` (a `cursor` received earlier), the stored changes after it are replayed first, then live ones " +
      "follow: none missed, none repeated, whichever gateway instance stored them. A replay holds at most " +
      "`SUBSCRIPTION_MAX_REPLAY` changes.",
    args: {
      filter: t.arg({ type: CallSessionFilterInput }),
      after: t.arg.string({ description: "Resume after this cursor." }),
    },
    subscribe: (_root, args, ctx) => {
      refuseNumberSearchByViewer(ctx, args.filter);
      refuseEmptyCallStartRange(args.filter);
      const f = toFilter(args.filter);
      return subscribeToChanges(ctx, {
        cursorKind: "callSessionUpdate",
        selection: {
          topic: "callSession",
          virtualNum: f.virtualNum,
          subscriptionId: f.subscriptionId,
          sessionId: f.sessionId,
        },
        matches: (row) => matchesCallSessionFilter(row, f),
        after: args.after,
      });
    },
    resolve: (change) => change,
  }),
);

builder.objectField(CallEventObject, "session", (t) =>
  t.field({
    type: CallSessionObject,
    nullable: true,
    resolve: (e, _args, ctx, info) => ctx.execution(info).loaders.callSession.load(e.session_id),
  }),
);

builder.objectField(BindingObject, "callSessions", (t) =>
  t.connection(
    {
      type: CallSessionObject,
      description: "Calls of this binding, newest first.",
      resolve: (b, args, ctx, info) =>
        keysetConnection("callSession", args, (page) =>
          ctx.execution(info).loaders.callSessionsOfBinding.load({ parentId: b.subscription_id, page }),
        ),
    },
    CallSessionConnection,
  ),
);
