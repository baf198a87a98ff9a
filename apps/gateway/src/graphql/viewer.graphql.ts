import type { Caller } from "../auth/caller.js";
import { ROLES } from "../auth/roles.js";
import { builder } from "./builder.js";

/** The GraphQL `Role` enum: the caller's role, weakest first. */
const RoleEnum = builder.enumType("Role", {
  description: "What a credential may do: each role includes everything of the roles before it.",
  values: {
    VIEWER: { value: ROLES[0], description: "Reads everything, with phone numbers masked; changes nothing." },
    OPERATOR: {
      value: ROLES[1],
      description: "Sees numbers whole; binds, modifies, unbinds; plays recordings.",
    },
    ADMIN: { value: ROLES[2], description: "Everything, and the bodies received on /notify." },
  } as const,
});

/** The GraphQL `CredentialKind` enum. */
const CredentialKindEnum = builder.enumType("CredentialKind", {
  values: { API_KEY: { value: "api-key" }, JWT: { value: "jwt" } } as const,
});

const ViewerObject = builder.objectRef<Caller>("Viewer").implement({
  description: "The caller, as its credential proves it: what a client shows and offers follows from `role`.",
  fields: (t) => ({
    role: t.field({ type: RoleEnum, resolve: (c) => c.role }),
    actor: t.exposeString("actor", {
      description: "Who the audit log names: the API key's name, or the JWT's `sub`.",
    }),
    credential: t.field({ type: CredentialKindEnum, resolve: (c) => c.via }),
    expiresAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When the credential stops being valid (a JWT's `exp`); null for API keys.",
      resolve: (c) => (c.expiresAt === undefined ? null : new Date(c.expiresAt)),
    }),
    masksNumbers: t.boolean({
      description: "Whether phone numbers reach this caller masked (the viewer role).",
      resolve: (c) => c.role === "viewer",
    }),
  }),
});

builder.queryField("viewer", (t) =>
  t.field({
    type: ViewerObject,
    description: "The caller: its role and the name its credential carries.",
    resolve: (_root, _args, ctx) => ctx.caller,
  }),
);
