// Domains register their types and root fields on the builder as a side effect of being imported.
import "./scalars.js";
import "./root-types.js";
import "./error-types.js";
import "./viewer.graphql.js";
import "../bindings/binding.graphql.js";
import "../bindings/reconcile.graphql.js";
import "../calls/call-event.graphql.js";
import "../calls/call-session.graphql.js";
import "../calls/call-record.graphql.js";
import "../numbers/virtual-number.graphql.js";
import "../calls/call-activity.graphql.js";
import "../notifications/received-notification.graphql.js";
import "../recordings/recording.graphql.js";
import { builder } from "./builder.js";

/** The gateway's GraphQL schema. */
export const schema = builder.toSchema({ sortSchema: true });
