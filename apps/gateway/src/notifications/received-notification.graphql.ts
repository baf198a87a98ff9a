import { builder } from "../graphql/builder.js";
import { keysetConnection } from "../graphql/connection.js";
import {
  listReceivedNotifications,
  type ReceivedNotificationFilter,
} from "./received-notification.repository.js";
import type { ReceivedNotificationRow } from "./received-notification.table.js";

const VerdictEnum = builder.enumType("NotificationVerdict", {
  description: "What the gateway decided about a push.",
  values: {
    ACCEPTED: {
      value: "accepted",
      description: "Stored (at least one item was new), or an unknown kind kept.",
    },
    DUPLICATE: { value: "duplicate", description: "Everything in it was already stored (a platform retry)." },
    REJECTED: { value: "rejected", description: "Refused: signature, content or size; see `reason`." },
  } as const,
});

const ReceivedNotificationObject = builder
  .objectRef<ReceivedNotificationRow>("ReceivedNotification")
  .implement({
    description:
      "A body that reached /notify, kept with its verdict (nothing is dropped silently). Admins only.",
    // Raw bodies hold whole phone numbers and signatures: also through `node` or any field that may return one.
    authScopes: { admin: true },
    fields: (t) => ({
      receivedAt: t.field({ type: "DateTime", resolve: (n) => n.received_at }),
      path: t.exposeString("path"),
      appKey: t.exposeString("app_key", { nullable: true, description: "The signature's Username, if any." }),
      kind: t.exposeString("kind", {
        nullable: true,
        description: "`callEvent`, `fee`, `numStatus`, `unknown`; null when it was not a notification.",
      }),
      verdict: t.field({ type: VerdictEnum, resolve: (n) => n.verdict }),
      reason: t.exposeString("reason", { nullable: true }),
      httpStatus: t.exposeInt("http_status", { description: "What the gateway answered." }),
      itemCount: t.exposeInt("item_count"),
      newItemCount: t.exposeInt("new_item_count"),
      bodySize: t.exposeInt("body_size", {
        description: "Bytes received (or declared, for a refused size).",
      }),
      body: t.string({
        nullable: true,
        description:
          "The body as text (invalid UTF-8 replaced); null when the push failed authentication or was too large (never kept), or once retention deleted it (`bodyPurgedAt`).",
        resolve: (n) => (n.body === null ? null : new TextDecoder().decode(n.body)),
      }),
      sourceAddress: t.exposeString("source_address", {
        nullable: true,
        description:
          "The client that sent it: the peer, or the client a trusted proxy named in X-Forwarded-For (TRUSTED_PROXIES); null when unknown.",
      }),
      headerNames: t.stringList({
        nullable: true,
        description: "The names of its headers (never their values), kept for refused pushes.",
        resolve: (n) => n.header_names,
      }),
      bodyPurgedAt: t.field({
        type: "DateTime",
        nullable: true,
        description: "When retention (NOTIFY_RETENTION_DAYS) deleted the body; the row stays.",
        resolve: (n) => n.body_purged_at,
      }),
    }),
  });

const ReceivedNotificationConnection = builder.connectionObject(
  { type: ReceivedNotificationObject, name: "ReceivedNotificationConnection" },
  { name: "ReceivedNotificationEdge" },
);

const ReceivedNotificationFilterInput = builder.inputType("ReceivedNotificationFilter", {
  fields: (t) => ({
    verdicts: t.field({ type: [VerdictEnum] }),
    kinds: t.stringList({ description: "`callEvent`, `fee`, `numStatus`, `unknown`." }),
  }),
});

builder.queryField("receivedNotifications", (t) =>
  t.connection(
    {
      type: ReceivedNotificationObject,
      description: "Bodies received on /notify, newest first: for admins (rejected pushes, unknown kinds).",
      authScopes: { admin: true },
      args: { filter: t.arg({ type: ReceivedNotificationFilterInput }) },
      resolve: (_root, args, ctx) =>
        keysetConnection("receivedNotification", args, (page) =>
          listReceivedNotifications(ctx.services.db, (args.filter ?? {}) as ReceivedNotificationFilter, page),
        ),
    },
    ReceivedNotificationConnection,
  ),
);
