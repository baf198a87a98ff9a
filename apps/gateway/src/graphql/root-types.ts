import { builder } from "./builder.js";

builder.queryType({ description: "Bindings, calls and call records, read from the gateway's database." });
builder.mutationType({ description: "Binding commands, sent to the platform through `@privnum/axe-api`." });
builder.subscriptionType({ description: "Live changes, published after they are committed." });
