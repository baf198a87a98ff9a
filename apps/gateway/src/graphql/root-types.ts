import { builder } from "./builder.js";

// Who may use the root fields: every role reads and subscribes, operators change bindings. A field can ask
// for more (`receivedNotifications` is the admin's), never for less.
builder.queryType({
  description:
    "Bindings, calls and call records, read from the gateway's database. Every role may read; a viewer sees " +
    "every phone number masked (`+86138****0021`).",
  authScopes: { viewer: true },
});
builder.mutationType({
  description:
    "Binding commands, sent to the platform through `@privnum/axe-api`. Operators and admins only; each is " +
    "logged with its actor.",
  authScopes: { operator: true },
});
builder.subscriptionType({
  description:
    "Live changes, published after they are committed. Every role may subscribe; a viewer sees every phone " +
    "number masked.",
  authScopes: { viewer: true },
});
