import { describeNumStatus, describeNumStatusCause } from "@privnum/notification-schemas";
import { builder } from "../graphql/builder.js";
import { CodeDescriptionObject } from "../graphql/code-description.js";
import { ErrorInterface } from "../graphql/error-types.js";
import { guardStream } from "../graphql/guard-stream.js";
import { shownPhoneNumber } from "../graphql/phone-numbers.js";
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

const VirtualNumberObject = builder.objectRef<VirtualNumberRow>("VirtualNumber").implement({
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

builder.subscriptionField("virtualNumberStatus", (t) =>
  t.field({
    type: VirtualNumberObject,
    description: "An X number's status changed (numStatus push).",
    args: { number: t.arg.string({ description: "Only this number." }) },
    subscribe: (_root, args, ctx) =>
      guardStream(
        ctx.services.pubsub.subscribe("virtualNumber", {
          filter: (row) => !args.number || row.number === args.number,
        }),
        ctx.services.logger,
      ),
    resolve: (row) => row,
  }),
);
