// P6's floor (lib/raw-pages.ts): the gateway's pages served by node:http and pg alone, in its own process, over
// the run's gateway database.
import { serveDatabaseHandler } from "./lib/database-handler-process.js";
import { createRawPages } from "./lib/raw-pages.js";

serveDatabaseHandler("the raw page server", createRawPages, 20 * 60_000);
