// P6's peer: PostGraphile 4 (library mode, lib/postgraphile-peer.ts) mounted on node:http, in its own process,
// over the run's gateway database (the gateway's own tables and rows).
import { serveDatabaseHandler } from "./lib/database-handler-process.js";
import { createPostgraphilePeer } from "./lib/postgraphile-peer.js";

serveDatabaseHandler("the PostGraphile peer", createPostgraphilePeer, 20 * 60_000);
