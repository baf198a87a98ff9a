import type { BindingChanges, CreateBindingInput } from "@privnum/axe-api";
import type { StoredChange } from "../changes/change-topics.js";
import { builder } from "../graphql/builder.js";
import { subscribeToChanges } from "../graphql/change-subscription.js";
import { keysetConnection } from "../graphql/connection.js";
import { definedFields } from "../graphql/input-helpers.js";
import { extensionKey } from "../graphql/loaders.js";
import { audited } from "../graphql/mutation-audit.js";
import {
  refuseNumberSearchByViewer,
  shownPhoneNumber,
  shownText,
  VIEWER_MAY_NOT_FILTER,
} from "../graphql/phone-numbers.js";
import { loadRowNode, rowNodeId } from "../graphql/row-node-id.js";
import { connectionColumns } from "../graphql/selected-columns.js";
import { encodeCursor } from "../shared/cursor.js";
import {
  NotFoundError,
  PlatformError,
  ValidationError,
  VirtualNumberUnavailableError,
} from "../shared/errors.js";
import { type BindingColumn, type BindingState, bindingState, listBindings } from "./binding.repository.js";
import type { BindingRow } from "./binding.table.js";

/** The GraphQL `BindingState` enum. */
export const BindingStateEnum = builder.enumType("BindingState", {
  description: "Where a binding is in its life, as of the moment of the query.",
  values: {
    ACTIVE: { value: "active", description: "Live on the platform: calls to X + E reach A." },
    EXPIRED: { value: "expired", description: "Its `bindExpiredTime` has run out; the platform removed it." },
    DELETED: {
      value: "deleted",
      description: "Unbound (through this gateway, or found gone on the platform).",
    },
    MISSING: {
      value: "missing",
      description:
        "The platform no longer has this binding (found by a reconciliation); it was unbound or lost outside the gateway.",
    },
  } as const,
});

/** The GraphQL `TimeUnit` enum (values are `@privnum/axe-api`'s). */
export const TimeUnitEnum = builder.enumType("TimeUnit", {
  description: "Unit of `bindExpiredTime` and `callbackExpiredTime` (the platform's `timeUnit` 0 / 1).",
  values: { HOURS: { value: "hours" }, MINUTES: { value: "minutes" } } as const,
});

const BindingChangeKindEnum = builder.enumType("BindingChangeKind", {
  values: {
    CREATED: { value: "created" },
    UPDATED: { value: "updated" },
    DELETED: { value: "deleted" },
    EXPIRED: { value: "expired" },
    MISSING: {
      value: "missing",
      description:
        "A reconciliation found that the platform no longer has the binding (now MISSING): it answered " +
        "1012007 when asked for it by subscriptionId.",
    },
    IMPORTED: {
      value: "imported",
      description:
        "A reconciliation found the binding on the platform, made outside this gateway, and mirrored it (its " +
        "`createdAt` is when it was imported).",
    },
  } as const,
});

/** A binding as mirrored by the gateway. */
export const BindingObject = builder.objectRef<BindingRow>("Binding");

builder.node(BindingObject, {
  description: "A binding X + E → A, mirrored from the platform. Field names are the platform's.",
  // The current row of a subscriptionId is its bare ID; a superseded row is `subscriptionId#rowId`.
  id: { resolve: (b) => rowNodeId(b.subscription_id, b.id, b.superseded_at === null) },
  loadWithoutCache: (id, ctx, info) => {
    const { loaders } = ctx.execution(info);
    return loadRowNode(
      id,
      async (rowId) => (await loaders.bindingByRowId.load(rowId)) ?? undefined,
      (row) => row.subscription_id,
      async (subscriptionId) => (await loaders.binding.load(subscriptionId)) ?? undefined,
    );
  },
  fields: (t) => ({
    subscriptionId: t.exposeString("subscription_id", { description: "The platform's binding ID." }),
    virtualNum: t.string({
      description: "X, the privacy number (E.164).",
      resolve: (b, _args, ctx) => shownPhoneNumber(ctx, b.virtual_num),
    }),
    extendNum: t.exposeString("extend_num", { description: "E, the extension the caller keys." }),
    bindNum: t.string({
      description: "A, the protected real number (E.164).",
      resolve: (b, _args, ctx) => shownPhoneNumber(ctx, b.bind_num),
    }),
    areaCode: t.exposeString("area_code", {
      nullable: true,
      description: "City code used to pick X, if any.",
    }),
    displayNumMode: t.exposeString("display_num_mode", { nullable: true }),
    recordFlag: t.exposeBoolean("record_flag"),
    recordHintTone: t.exposeString("record_hint_tone", { nullable: true }),
    callbackTone: t.exposeString("callback_tone", { nullable: true }),
    callbackNum: t.string({
      nullable: true,
      resolve: (b, _args, ctx) => shownPhoneNumber(ctx, b.callback_num),
    }),
    timeUnit: t.field({
      type: TimeUnitEnum,
      description: "Unit of the lifetimes, as given at create (the platform keeps reporting that one).",
      resolve: (b) => b.time_unit,
    }),
    bindExpiredTime: t.exposeInt("bind_expired_time", {
      nullable: true,
      description: "Lifetime as given at create, in `timeUnit`; 0 or null never expires.",
    }),
    callbackExpiredTime: t.exposeInt("callback_expired_time", { nullable: true }),
    userData: t.string({ nullable: true, resolve: (b, _args, ctx) => shownText(ctx, b.user_data) }),
    expiresAt: t.field({
      type: "DateTime",
      nullable: true,
      description:
        "When the binding lapses (restarted by a modify that sets `bindExpiredTime`); null = never.",
      resolve: (b) => b.expires_at,
    }),
    state: t.field({
      type: BindingStateEnum,
      resolve: (b, _args, ctx) => bindingState(b, ctx.services.now()),
    }),
    createdAt: t.field({ type: "DateTime", resolve: (b) => b.created_at }),
    updatedAt: t.field({ type: "DateTime", resolve: (b) => b.updated_at }),
    deletedAt: t.field({
      type: "DateTime",
      nullable: true,
      description:
        "When the binding ended for the gateway: unbound, superseded, or found missing on the platform (MISSING); " +
        "null while it exists.",
      resolve: (b) => b.deleted_at,
    }),
    conflict: t.boolean({
      description:
        "True when the platform reported another binding under this subscriptionId: through its API (a " +
        "different A, X or E; both are kept, see `supersededAt` and `sameSubscriptionIdBindings`), or in a " +
        "CDR showing another A or X (that CDR keeps the A it shows).",
      resolve: (b) => b.conflict_at !== null,
    }),
    conflictAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When the gateway found this binding's subscriptionId reused for another binding.",
      resolve: (b) => b.conflict_at,
    }),
    supersededAt: t.field({
      type: "DateTime",
      nullable: true,
      description:
        "When the platform gave this binding's subscriptionId to a different binding; null while this row is " +
        "the current binding of its subscriptionId. A superseded binding is DELETED.",
      resolve: (b) => b.superseded_at,
    }),
    sameSubscriptionIdBindings: t.field({
      type: [BindingObject],
      description:
        "Every binding mirrored under this subscriptionId, oldest first (this one included; more than one " +
        "only when the platform reused the ID).",
      resolve: (b, _args, ctx, info) =>
        ctx.execution(info).loaders.bindingsBySubscriptionId.load(b.subscription_id),
    }),
  }),
});

/**
 * The columns each `Binding` field reads (fields added in other files included), so that a list of bindings
 * reads only what the query selects. A field missing here makes such a list read every column.
 */
const bindingColumns = connectionColumns<BindingColumn>({
  id: ["subscription_id", "superseded_at"],
  subscriptionId: ["subscription_id"],
  virtualNum: ["virtual_num"],
  extendNum: ["extend_num"],
  bindNum: ["bind_num"],
  areaCode: ["area_code"],
  displayNumMode: ["display_num_mode"],
  recordFlag: ["record_flag"],
  recordHintTone: ["record_hint_tone"],
  callbackTone: ["callback_tone"],
  callbackNum: ["callback_num"],
  timeUnit: ["time_unit"],
  bindExpiredTime: ["bind_expired_time"],
  callbackExpiredTime: ["callback_expired_time"],
  userData: ["user_data"],
  expiresAt: ["expires_at"],
  state: ["expires_at", "deleted_at", "platform_missing_at"],
  createdAt: ["created_at"],
  updatedAt: ["updated_at"],
  deletedAt: ["deleted_at"],
  conflict: ["conflict_at"],
  conflictAt: ["conflict_at"],
  supersededAt: ["superseded_at"],
  sameSubscriptionIdBindings: ["subscription_id"],
  callRecords: ["subscription_id"],
  callSessions: ["subscription_id"],
});

/** The connection type shared by every list of bindings. */
export const BindingConnection = builder.connectionObject(
  { type: BindingObject, name: "BindingConnection" },
  { name: "BindingEdge" },
);

const BindingFilterInput = builder.inputType("BindingFilter", {
  fields: (t) => ({
    virtualNum: t.string(),
    bindNum: t.string({ description: VIEWER_MAY_NOT_FILTER }),
    extendNum: t.string(),
    states: t.field({
      type: [BindingStateEnum],
      description: "Which states to include. Default: ACTIVE only, or every state when `conflict` is given.",
    }),
    conflict: t.boolean({
      description:
        "true: only bindings whose subscriptionId the platform reused for another binding (`conflict`); " +
        "false: only the others.",
    }),
  }),
});

builder.queryFields((t) => ({
  binding: t.field({
    type: BindingObject,
    nullable: true,
    description:
      "The binding with this subscriptionId, in any state. Should the platform have reused the ID for " +
      "another binding, the current (newest) one: see `Binding.sameSubscriptionIdBindings` for the others.",
    args: { subscriptionId: t.arg.string({ required: true }) },
    resolve: (_root, { subscriptionId }, ctx, info) =>
      ctx.execution(info).loaders.binding.load(subscriptionId),
  }),
  bindingByExtension: t.field({
    type: BindingObject,
    nullable: true,
    description: "The active binding on X + E: whom a caller keying E on X reaches.",
    args: { virtualNum: t.arg.string({ required: true }), extendNum: t.arg.string({ required: true }) },
    resolve: (_root, { virtualNum, extendNum }, ctx, info) =>
      ctx.execution(info).loaders.activeBindingByExtension.load(extensionKey(virtualNum, extendNum)),
  }),
  bindings: t.connection(
    {
      type: BindingObject,
      description:
        "Bindings, newest first. Without `filter.states`, only active ones (every state with `filter.conflict`).",
      args: { filter: t.arg({ type: BindingFilterInput }) },
      resolve: (_root, args, ctx, info) => {
        refuseNumberSearchByViewer(ctx, args.filter);
        return keysetConnection("binding", args, (page) =>
          listBindings(
            ctx.services.db,
            { ...args.filter, states: args.filter?.states as BindingState[] | undefined },
            page,
            ctx.services.now(),
            bindingColumns(info),
          ),
        );
      },
    },
    BindingConnection,
  ),
}));

const bindingFields = {
  displayNumMode: "`0` shows X to A (the only mode carriers allow), `1` the real caller.",
  recordFlag: "Record the binding's calls (if the app has recording).",
} as const;

const CreateBindingInputType = builder.inputType("CreateBindingInput", {
  description: "CreateAXEBinding parameters, named as on the platform. Give `virtualNum` or `areaCode`.",
  fields: (t) => ({
    bindNum: t.string({
      required: true,
      description: "A, the number to protect (E.164, e.g. +8613800000021).",
    }),
    virtualNum: t.string({ description: "X to bind on (E.164)." }),
    areaCode: t.string({ description: "City code (e.g. 0755) from which the platform picks X." }),
    areaMatchMode: t.string({ description: "With `areaCode`: `0` strict (default), `1` relaxed." }),
    extendNum: t.string({ description: "Requested extension; default: the lowest free one." }),
    displayNumMode: t.string({ description: bindingFields.displayNumMode }),
    recordFlag: t.boolean({ description: bindingFields.recordFlag }),
    recordHintTone: t.string(),
    callbackTone: t.string({
      description: "Tone for A's callbacks without a callback record. Excludes `callbackNum`.",
    }),
    callbackNum: t.string({
      description: "Where A's callbacks go without a callback record. Excludes `callbackTone`.",
    }),
    timeUnit: t.field({ type: TimeUnitEnum, description: "Default HOURS." }),
    bindExpiredTime: t.int({ description: "Lifetime in `timeUnit`; 0 or absent never expires." }),
    callbackExpiredTime: t.int(),
    userData: t.string(),
  }),
});

const BindingSelectorFields = (t: Parameters<Parameters<typeof builder.inputType>[1]["fields"]>[0]) => ({
  subscriptionId: t.string({ description: "The binding ID; wins over virtualNum + extendNum." }),
  virtualNum: t.string({
    description: "X; with `extendNum`, selects the binding when no subscriptionId is given.",
  }),
  extendNum: t.string(),
});

const UpdateBindingInputType = builder.inputType("UpdateBindingInput", {
  description: "ModifyAXEBinding: select the binding, then give the fields to change (absent = unchanged).",
  fields: (t) => ({
    ...BindingSelectorFields(t),
    displayNumMode: t.string({ description: bindingFields.displayNumMode }),
    recordFlag: t.boolean({ description: bindingFields.recordFlag }),
    recordHintTone: t.string(),
    callbackTone: t.string({ description: "New tone, or empty to clear it." }),
    callbackNum: t.string({ description: "New number, or empty to clear it." }),
    timeUnit: t.field({ type: TimeUnitEnum }),
    bindExpiredTime: t.int({ description: "New lifetime, counted from now; 0 never expires." }),
    callbackExpiredTime: t.int(),
    userData: t.string(),
  }),
});

const DeleteBindingInputType = builder.inputType("DeleteBindingInput", {
  description: "DeleteAXEBinding: subscriptionId, or virtualNum with extendNum.",
  fields: (t) => BindingSelectorFields(t),
});

const BindingPayload = (name: string, description: string) =>
  builder.objectRef<{ binding: BindingRow }>(name).implement({
    description,
    fields: (t) => ({ binding: t.field({ type: BindingObject, resolve: (p) => p.binding }) }),
  });

const CreateBindingPayload = BindingPayload("CreateBindingPayload", "The binding the platform created.");
const UpdateBindingPayload = BindingPayload("UpdateBindingPayload", "The binding after the change.");
const DeleteBindingPayload = builder
  .objectRef<{ subscriptionId: string | null; binding: BindingRow | null }>("DeleteBindingPayload")
  .implement({
    description: "The platform removed the binding.",
    fields: (t) => ({
      subscriptionId: t.exposeString("subscriptionId", { nullable: true }),
      binding: t.field({
        type: BindingObject,
        nullable: true,
        description: "The mirror, now DELETED; null when the gateway never mirrored it.",
        resolve: (p) => p.binding,
      }),
    }),
  });

builder.mutationFields((t) => ({
  createBinding: t.field({
    type: CreateBindingPayload,
    args: { input: t.arg({ type: CreateBindingInputType, required: true }) },
    errors: {
      types: [PlatformError, ValidationError, VirtualNumberUnavailableError],
      directResult: true,
      union: { name: "CreateBindingResult" },
    },
    resolve: (_root, { input }, ctx) =>
      audited(ctx, "createBinding", input, async () => ({
        binding: await ctx.services.bindings.create(definedFields(input) as CreateBindingInput),
      })),
  }),
  updateBinding: t.field({
    type: UpdateBindingPayload,
    args: { input: t.arg({ type: UpdateBindingInputType, required: true }) },
    errors: {
      types: [PlatformError, ValidationError, NotFoundError],
      directResult: true,
      union: { name: "UpdateBindingResult" },
    },
    resolve: (_root, { input }, ctx) =>
      audited(ctx, "updateBinding", input, async () => {
        const { subscriptionId, virtualNum, extendNum, ...changes } = input;
        return {
          binding: await ctx.services.bindings.update(
            { subscriptionId, virtualNum, extendNum },
            definedFields(changes) as BindingChanges,
          ),
        };
      }),
  }),
  deleteBinding: t.field({
    type: DeleteBindingPayload,
    args: { input: t.arg({ type: DeleteBindingInputType, required: true }) },
    errors: {
      types: [PlatformError, ValidationError, NotFoundError],
      directResult: true,
      union: { name: "DeleteBindingResult" },
    },
    resolve: (_root, { input }, ctx) =>
      audited(ctx, "deleteBinding", input, () => ctx.services.bindings.delete(input)),
  }),
}));

const BindingChangeObject = builder.objectRef<StoredChange<"bindingChange">>("BindingChange").implement({
  description:
    "A binding was created, changed, unbound, lapsed, found missing on the platform, or imported from it.",
  fields: (t) => ({
    cursor: t.string({
      description: "Pass it as `after` to resume after this change.",
      resolve: (c) => encodeCursor("bindingChange", c.position),
    }),
    kind: t.field({ type: BindingChangeKindEnum, resolve: (c) => c.value.kind }),
    binding: t.field({ type: BindingObject, resolve: (c) => c.value.binding }),
    at: t.field({ type: "DateTime", resolve: (c) => c.value.at }),
  }),
});

const BindingChangeFilterInput = builder.inputType("BindingChangeFilter", {
  fields: (t) => ({
    subscriptionId: t.string(),
    virtualNum: t.string(),
    bindNum: t.string({ description: VIEWER_MAY_NOT_FILTER }),
  }),
});

builder.subscriptionField("bindingChanges", (t) =>
  t.field({
    type: BindingChangeObject,
    description:
      "Binding changes made through any gateway instance, lapses found by the expiry sweep, and bindings " +
      "reconciliations with the platform imported or found missing there. " +
      "With `after` (a `cursor` received earlier), the stored changes after it are replayed first, then live ones " +
      "follow: none missed, none repeated, whichever gateway instance stored them. A replay holds at most " +
      "`SUBSCRIPTION_MAX_REPLAY` changes.",
    args: {
      filter: t.arg({ type: BindingChangeFilterInput }),
      after: t.arg.string({ description: "Resume after this cursor." }),
    },
    subscribe: (_root, args, ctx) => {
      refuseNumberSearchByViewer(ctx, args.filter);
      const f = args.filter;
      return subscribeToChanges(ctx, {
        cursorKind: "bindingChange",
        selection: { topic: "bindingChange", virtualNum: f?.virtualNum, subscriptionId: f?.subscriptionId },
        matches: ({ binding: b }) =>
          (!f?.subscriptionId || b.subscription_id === f.subscriptionId) &&
          (!f?.virtualNum || b.virtual_num === f.virtualNum) &&
          (!f?.bindNum || b.bind_num === f.bindNum),
        after: args.after,
      });
    },
    resolve: (change) => change,
  }),
);
