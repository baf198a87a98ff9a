import { describeUlFailReason, type FeeRecord } from "@privnum/notification-schemas";
import { GraphQLError } from "graphql";
import { BindingObject } from "../bindings/binding.graphql.js";
import { toCommandError } from "../bindings/platform-errors.js";
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
  shownJson,
  shownPhoneNumber,
  VIEWER_MAY_NOT_FILTER,
} from "../graphql/phone-numbers.js";
import { loadRowNode, rowNodeId } from "../graphql/row-node-id.js";
import { connectionColumns } from "../graphql/selected-columns.js";
import { RecordingStateEnum } from "../recordings/recording-state.graphql.js";
import { encodeCursor } from "../shared/cursor.js";
import { NotFoundError, PlatformError } from "../shared/errors.js";
import {
  type CallRecordColumn,
  type CallRecordFilter,
  listCallRecords,
  matchesCallRecordFilter,
} from "./call-record.repository.js";
import type { CallRecordRow } from "./call-record.table.js";
import { CallSessionObject } from "./call-session.graphql.js";

const record = (row: CallRecordRow) => row.record as FeeRecord;

const RecordingDownloadUrlObject = builder
  .objectRef<{ url: string; source: string }>("RecordingDownloadUrl")
  .implement({
    description:
      "Where to download the call's recording (valid for a limited time, as the platform decides).",
    fields: (t) => ({
      url: t.exposeString("url"),
      source: t.exposeString("source", {
        description: "`platform` (GetRecordingDownloadUrl) or `cdr` (the CDR's recordFileDownloadUrl).",
      }),
    }),
  });

/** A CDR. */
export const CallRecordObject = builder.objectRef<CallRecordRow>("CallRecord");

builder.node(CallRecordObject, {
  description:
    "A call detail record (one `feeLst` entry of a fee push), unique by `icid` unless the platform reused " +
    "an icid for a different CDR (see `conflict`).",
  // The first CDR of an icid is its bare icid; one kept under a reused icid is `icid#rowId`.
  id: { resolve: (r) => rowNodeId(r.icid, r.id, !r.conflict) },
  loadWithoutCache: (id, ctx, info) => {
    const { loaders } = ctx.execution(info);
    return loadRowNode(
      id,
      async (rowId) => (await loaders.callRecordByRowId.load(rowId)) ?? undefined,
      (row) => row.icid,
      async (icid) => (await loaders.callRecordsByIcid.load(icid))[0],
    );
  },
  fields: (t) => ({
    icid: t.exposeString("icid"),
    sessionId: t.exposeString("session_id"),
    subscriptionId: t.exposeString("subscription_id", { nullable: true }),
    virtualNum: t.string({
      nullable: true,
      description: "X (the CDR's `bindNum`).",
      resolve: (r, _args, ctx) => shownPhoneNumber(ctx, r.virtual_num),
    }),
    bindNum: t.string({
      nullable: true,
      description: "A.",
      resolve: (r, _args, ctx) => shownPhoneNumber(ctx, r.bind_num),
    }),
    extendNum: t.exposeString("extend_num", { nullable: true }),
    direction: t.exposeInt("direction", {
      nullable: true,
      description: "0 someone called A; 1 A called back; 2 abnormal (no binding).",
    }),
    callerNum: t.string({ nullable: true, resolve: (r, _args, ctx) => shownPhoneNumber(ctx, r.caller_num) }),
    calleeNum: t.string({ nullable: true, resolve: (r, _args, ctx) => shownPhoneNumber(ctx, r.callee_num) }),
    fwdDstNum: t.string({
      nullable: true,
      resolve: (r, _args, ctx) => shownPhoneNumber(ctx, record(r).fwdDstNum),
    }),
    callInTime: t.field({ type: "DateTime", nullable: true, resolve: (r) => r.call_in_time }),
    fwdAnswerTime: t.field({ type: "DateTime", nullable: true, resolve: (r) => r.fwd_answer_time }),
    callEndTime: t.field({ type: "DateTime", nullable: true, resolve: (r) => r.call_end_time }),
    outcome: t.field({
      type: CallOutcomeEnum,
      description:
        "How the call went, from this CDR's own fields: ANSWERED when fwdAnswerTime is set; FAILED for " +
        "direction 2; UNANSWERED when the forwarded leg rang (fwdAlertingTime), or its Q.850 cause " +
        "(fwdUnaswRsn) is 17/18/19/21, or ulFailReason is a no-answer code (7501–7504, 8003, 8004, 8035, " +
        "8101, 8102); FAILED otherwise.",
      resolve: (r) => r.outcome,
    }),
    talkSeconds: t.int({
      nullable: true,
      description: "callEndTime − fwdAnswerTime, when answered.",
      resolve: (r) =>
        r.fwd_answer_time && r.call_end_time
          ? Math.max(0, Math.round((r.call_end_time.getTime() - r.fwd_answer_time.getTime()) / 1000))
          : null,
    }),
    failure: t.field({
      type: CodeDescriptionObject,
      nullable: true,
      description: "Teardown point (`ulFailReason`) of a failed call.",
      resolve: (r) => {
        const code = record(r).ulFailReason;
        return code === undefined || code === 0 ? null : describeUlFailReason(code);
      },
    }),
    recordFlag: t.exposeBoolean("record_flag", { description: "Whether the call was recorded." }),
    recordDomain: t.exposeString("record_domain", { nullable: true }),
    recordObjectName: t.exposeString("record_object_name", { nullable: true }),
    recordingDownloadUrl: t.field({
      type: RecordingDownloadUrlObject,
      nullable: true,
      description:
        "The recording's download address; null when not recorded. Asked from the platform and reused while " +
        "valid; a request asks the platform at most GRAPHQL_MAX_PLATFORM_CALLS times, beyond which the field " +
        "is null with a PLATFORM_CALL_LIMIT error.",
      errors: {
        types: [PlatformError, NotFoundError],
        directResult: true,
        union: { name: "RecordingDownloadUrlResult" },
      },
      resolve: async (r, _args, ctx, info) => {
        if (r.record_domain && r.record_object_name) {
          try {
            const url = await ctx.services.recordingUrls.downloadUrl(
              { recordDomain: r.record_domain, fileName: r.record_object_name, cdrReceivedAt: r.inserted_at },
              ctx.execution(info).platformCalls,
            );
            return { url, source: "platform" };
          } catch (error) {
            throw toCommandError(error);
          }
        }
        if (r.record_file_download_url) return { url: r.record_file_download_url, source: "cdr" };
        return null;
      },
    }),
    record: t.field({
      type: "JSON",
      description: "The CDR as parsed (platform field names), with the original under `raw`.",
      resolve: (r, _args, ctx) => shownJson(ctx, r.record),
    }),
    receivedAt: t.field({ type: "DateTime", resolve: (r) => r.inserted_at }),
    conflict: t.exposeBoolean("conflict", {
      description:
        "True when a CDR with the same icid but different content was stored before this one (the platform " +
        "reused the icid): both are kept, see `sameIcidRecords`. An identical re-send is never stored twice.",
    }),
    sameIcidRecords: t.field({
      type: [CallRecordObject],
      description:
        "Every CDR stored under this icid, oldest first (this one included; more than one only when the " +
        "platform reused the icid).",
      resolve: (r, _args, ctx, info) => ctx.execution(info).loaders.callRecordsByIcid.load(r.icid),
    }),
    session: t.field({
      type: CallSessionObject,
      nullable: true,
      resolve: (r, _args, ctx, info) => ctx.execution(info).loaders.callSession.load(r.session_id),
    }),
  }),
});

/**
 * The columns each `CallRecord` field reads, so that a list of CDRs reads only what the query selects (most
 * of a row is the stored CDR, which only `record`, `fwdDstNum` and `failure` need). A field missing here
 * makes such a list read every column.
 */
const callRecordColumns = connectionColumns<CallRecordColumn>({
  id: ["icid", "conflict"],
  icid: ["icid"],
  sessionId: ["session_id"],
  subscriptionId: ["subscription_id"],
  virtualNum: ["virtual_num"],
  bindNum: ["bind_num"],
  extendNum: ["extend_num"],
  direction: ["direction"],
  callerNum: ["caller_num"],
  calleeNum: ["callee_num"],
  fwdDstNum: ["record"],
  callInTime: ["call_in_time"],
  fwdAnswerTime: ["fwd_answer_time"],
  callEndTime: ["call_end_time"],
  talkSeconds: ["fwd_answer_time", "call_end_time"],
  outcome: ["outcome"],
  failure: ["record"],
  recordFlag: ["record_flag"],
  recordDomain: ["record_domain"],
  recordObjectName: ["record_object_name"],
  recordingDownloadUrl: ["record_domain", "record_object_name", "record_file_download_url", "inserted_at"],
  record: ["record"],
  receivedAt: ["inserted_at"],
  conflict: ["conflict"],
  sameIcidRecords: ["icid"],
  session: ["session_id"],
});

/** The connection type shared by every list of CDRs. */
export const CallRecordConnection = builder.connectionObject(
  { type: CallRecordObject, name: "CallRecordConnection" },
  { name: "CallRecordEdge" },
);

const CallRecordFilterInput = builder.inputType("CallRecordFilter", {
  fields: (t) => ({
    sessionId: t.string(),
    subscriptionId: t.string(),
    virtualNum: t.string(),
    bindNum: t.string({ description: VIEWER_MAY_NOT_FILTER }),
    conflict: t.boolean({
      description: "true: only CDRs kept under a reused icid (`conflict`); false: only the others.",
    }),
    callStartFrom: t.field({ type: "DateTime", description: `${CALL_START_FROM} (callInTime)` }),
    callStartTo: t.field({ type: "DateTime", description: `${CALL_START_TO} (callInTime)` }),
    outcome: t.field({ type: CallOutcomeEnum }),
    hangUpCause: t.int({
      description:
        "The hang-up code of the CDR's call (`CallSession.hangup.code`: the disconnect's stateCode, else " +
        "ulFailReason). Queries only: the `callRecords` subscription refuses it, since the disconnect may be " +
        "stored after the CDR.",
    }),
    recordingState: t.field({
      type: RecordingStateEnum,
      description:
        "Only CDRs whose recording is in this state (`CallRecord.recording.state`; NONE: no recording), e.g. " +
        "FAILED to find the archive's failures. Queries only: the state changes after the CDR is delivered.",
    }),
  }),
});

builder.queryFields((t) => ({
  callRecord: t.field({
    type: CallRecordObject,
    nullable: true,
    description:
      "The CDR with this icid. Should the platform have reused the icid for CDRs of different content, the " +
      "newest: see `CallRecord.sameIcidRecords` for the others.",
    args: { icid: t.arg.string({ required: true }) },
    resolve: async (_root, { icid }, ctx, info) =>
      (await ctx.execution(info).loaders.callRecordsByIcid.load(icid)).at(-1) ?? null,
  }),
  callRecords: t.connection(
    {
      type: CallRecordObject,
      description: "CDRs, newest first.",
      args: { filter: t.arg({ type: CallRecordFilterInput }) },
      resolve: (_root, args, ctx, info) => {
        refuseNumberSearchByViewer(ctx, args.filter);
        refuseEmptyCallStartRange(args.filter);
        return keysetConnection("callRecord", args, (page) =>
          listCallRecords(
            ctx.services.db,
            (args.filter ?? {}) as CallRecordFilter,
            page,
            callRecordColumns(info),
          ),
        );
      },
    },
    CallRecordConnection,
  ),
}));

const CallRecordAddedObject = builder.objectRef<StoredChange<"callRecord">>("CallRecordAdded").implement({
  description: "A CDR, once stored, at its place in the change stream.",
  fields: (t) => ({
    cursor: t.string({
      description: "Pass it as `after` to resume after this CDR.",
      resolve: (c) => encodeCursor("callRecordAdded", c.position),
    }),
    record: t.field({ type: CallRecordObject, resolve: (c) => c.value }),
  }),
});

builder.subscriptionField("callRecords", (t) =>
  t.field({
    type: CallRecordAddedObject,
    description:
      "Each new CDR, once stored. " +
      "With `after` (a `cursor` received earlier), the stored changes after it are replayed first, then live ones " +
      "follow: none missed, none repeated, whichever gateway instance stored them. A replay holds at most " +
      "`SUBSCRIPTION_MAX_REPLAY` changes.",
    args: {
      filter: t.arg({ type: CallRecordFilterInput }),
      after: t.arg.string({ description: "Resume after this cursor." }),
    },
    subscribe: (_root, args, ctx) => {
      refuseNumberSearchByViewer(ctx, args.filter);
      refuseEmptyCallStartRange(args.filter);
      refuseLiveOnlyFilters(args.filter);
      const f = (args.filter ?? {}) as CallRecordFilter;
      return subscribeToChanges(ctx, {
        cursorKind: "callRecordAdded",
        selection: {
          topic: "callRecord",
          virtualNum: f.virtualNum,
          subscriptionId: f.subscriptionId,
          sessionId: f.sessionId,
        },
        matches: (row) => matchesCallRecordFilter(row, f),
        after: args.after,
      });
    },
    resolve: (change) => change,
  }),
);

/**
 * Refuses what the CDR subscription cannot match on arrival: `recordingState` (it changes later) and
 * `hangUpCause` (a CDR does not carry the disconnect's stateCode, its call
 * session does, and the disconnect may be stored after the CDR, so a live match on arrival would be wrong.
 */
function refuseLiveOnlyFilters(
  filter: { hangUpCause?: number | null; recordingState?: string | null } | null | undefined,
): void {
  if (filter?.recordingState) {
    throw new GraphQLError(
      "The callRecords subscription cannot filter by recordingState: a recording's state changes after its CDR " +
        "is delivered. Query callRecords with recordingState.",
      { extensions: { code: "BAD_USER_INPUT" } },
    );
  }
  if (typeof filter?.hangUpCause !== "number") return;
  throw new GraphQLError(
    "The callRecords subscription cannot filter by hangUpCause: the hang-up code belongs to the call session, " +
      "whose disconnect may be stored after the CDR. Subscribe to callSessionUpdates with hangUpCause, or " +
      "query callRecords.",
    { extensions: { code: "BAD_USER_INPUT" } },
  );
}

builder.objectField(CallSessionObject, "records", (t) =>
  t.field({
    type: [CallRecordObject],
    description: "The call's CDRs (normally one).",
    resolve: (s, _args, ctx, info) => ctx.execution(info).loaders.callRecordsBySession.load(s.session_id),
  }),
);

builder.objectField(BindingObject, "callRecords", (t) =>
  t.connection(
    {
      type: CallRecordObject,
      description: "CDRs of this binding, newest first.",
      resolve: (b, args, ctx, info) =>
        keysetConnection("callRecord", args, (page) =>
          ctx.execution(info).loaders.callRecordsOfBinding.load({
            parentId: b.subscription_id,
            page,
            columns: callRecordColumns(info),
          }),
        ),
    },
    CallRecordConnection,
  ),
);
