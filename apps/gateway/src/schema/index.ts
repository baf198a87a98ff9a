// Domains register their types and root fields on the builder as a side effect of being imported.
import "./scalars.js";
import "./root.js";
import "./errors.js";
import "./binding.js";
import "./call-event.js";
import "./call-session.js";
import "./call-record.js";
import "./virtual-number.js";
import "./received-notification.js";
import { builder } from "../builder.js";

/** The gateway's GraphQL schema. */
export const schema = builder.toSchema({ sortSchema: true });
