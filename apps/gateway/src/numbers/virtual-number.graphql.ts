import { describeNumStatus, describeNumStatusCause } from "@privnum/notification-schemas";
import type { StoredChange } from "../changes/change-topics.js";
import { builder } from "../graphql/builder.js";
import { subscribeToChanges } from "../graphql/change-subscription.js";
import { CodeDescriptionObject } from "../graphql/code-description.js";
import { ErrorInterface } from "../graphql/error-types.js";
import { shownPhoneNumber } from "../graphql/phone-numbers.js";
import { encodeCursor } from "../shared/cursor.js";
import { VirtualNumberUnavailableError } from "../shared/errors.js";
import { listVirtualNumbers } from "./virtual-number.repository.js";
import type { VirtualNumberRow } from "./virtual-number.table.js";

const MAX_NUMBERS = 10_000;

/** The GraphQL `VirtualNumberStatus` enum (values are the platform's codes). */
export const VirtualNumberStatusEnum = builder.enumType("VirtualNumberStatus", {
  description: "An X number's status as the platform last reported it.",
  values: {
    NORMAL: { value: "5" },
    PAUSED: { value: "9", description: "Binding, calls and SMS stop." },
    UNAVAILABLE: { value: "10", description: "Binding, calls and SMS stop; see `cause`." },
    BINDING_FROZEN: { value: "11", description: "No new bindings; existing ones keep working." },
  } as const,
});

const KNOWN_STATUSES = new Set(["5", "9", "10", "11"]);

/** The GraphQL `VirtualNumber` type. */
export const VirtualNumberObject = builder.objectRef<VirtualNumberRow>("VirtualNumber").implement({
  description:
    "An X number the gateway serves (listed in `AXE_VIRTUAL_NUMBERS`, or one of the embedded simulator's) or has " +
    "seen (in a binding, a call, or a status push).",
  fields: (t) => ({
    number: t.string({ resolve: (n, _args, ctx) => shownPhoneNumber(ctx, n.number) }),
    status: t.field({
      type: VirtualNumberStatusEnum,
      nullable: true,
      description: "Null until the platform reports a status (or when it reports one not yet known).",
      resolve: (n) => (n.status && KNOWN_STATUSES.has(n.status) ? (n.status as "5") : null),
    }),
    statusCode: t.exposeString("status", { nullable: true, description: "The status code as sent." }),
    statusDescription: t.field({
      type: CodeDescriptionObject,
      nullable: true,
      resolve: (n) => (n.status ? describeNumStatus(n.status) : null),
    }),
    cause: t.field({
      type: CodeDescriptionObject,
      nullable: true,
      description: "Why the number is unavailable.",
      resolve: (n) => (n.cause ? describeNumStatusCause(n.cause) : null),
    }),
    statusChangedAt: t.field({ type: "DateTime", nullable: true, resolve: (n) => n.status_changed_at }),
    firstSeenAt: t.field({ type: "DateTime", resolve: (n) => n.first_seen_at }),
  }),
});

builder.objectType(VirtualNumberUnavailableError, {
  name: "VirtualNumberUnavailableError",
  description:
    "X takes no new bindings (paused, unavailable or binding frozen, as the platform last reported it): the " +
    "binding was refused without asking the platform.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    virtualNum: t.string({ resolve: (e, _args, ctx) => shownPhoneNumber(ctx, e.virtualNum) }),
    status: t.field({
      type: VirtualNumberStatusEnum,
      description: "X's status, as the platform last reported it.",
      resolve: (e) => e.status as "9",
    }),
    cause: t.field({
      type: CodeDescriptionObject,
      nullable: true,
      description: "Why X is unavailable (with UNAVAILABLE only).",
      resolve: (e) => (e.statusCause ? describeNumStatusCause(e.statusCause) : null),
    }),
  }),
});

builder.queryField("virtualNumbers", (t) =>
  t.field({
    type: [VirtualNumberObject],
    description:
      "Every X number known to the gateway, from the start: the configured ones and those it has seen, with " +
      "the latest status (null until the platform reports one).",
    resolve: (_root, _args, ctx) => listVirtualNumbers(ctx.services.db, MAX_NUMBERS),
  }),
);

const VirtualNumberStatusChangeObject = builder
  .objectRef<StoredChange<"virtualNumber">>("VirtualNumberStatusChange")
  .implement({
    description: "An X number's status after a numStatus push changed it, at its place in the change stream.",
    fields: (t) => ({
      cursor: t.string({
        description: "Pass it as `after` to resume after this change.",
        resolve: (c) => encodeCursor("virtualNumberStatus", c.position),
      }),
      virtualNumber: t.field({ type: VirtualNumberObject, resolve: (c) => c.value }),
    }),
  });

builder.subscriptionField("virtualNumberStatus", (t) =>
  t.field({
    type: VirtualNumberStatusChangeObject,
    description:
      "An X number's status changed (numStatus push). " +
      "With `after` (a `cursor` received earlier), the stored changes after it are replayed first, then live ones " +
      "follow: none missed, none repeated, whichever gateway instance stored them. A replay holds at most " +
      "`SUBSCRIPTION_MAX_REPLAY` changes.",
    args: {
      number: t.arg.string({ description: "Only this number." }),
      after: t.arg.string({ description: "Resume after this cursor." }),
    },
    subscribe: (_root, args, ctx) =>
      subscribeToChanges(ctx, {
        cursorKind: "virtualNumberStatus",
        selection: { topic: "virtualNumber", virtualNum: args.number },
        matches: (row) => !args.number || row.number === args.number,
        after: args.after,
      }),
    resolve: (change) => change,
  }),
);
