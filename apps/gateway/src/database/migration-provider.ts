import type { Migration, MigrationProvider } from "kysely";
import * as initialSchema from "./migrations/20260601T000000-initial-schema.js";
import * as keptBodiesLz4 from "./migrations/20261125T000000-kept-bodies-lz4.js";
import * as reusedPlatformIds from "./migrations/20261201T000000-reused-platform-ids.js";
import * as platformMissingBindings from "./migrations/20261206T000000-platform-missing-bindings.js";
import * as receivedNotificationMetadata from "./migrations/20261206T100000-received-notification-metadata.js";
import * as streamChanges from "./migrations/20261206T200000-stream-changes.js";
import * as callSearch from "./migrations/20261207T000000-call-search.js";
import * as recordingArchive from "./migrations/20261207T100000-recording-archive.js";
import * as callActivityIndex from "./migrations/20261207T200000-call-activity-index.js";
import * as callFoldBases from "./migrations/20261208T000000-call-fold-bases.js";
import * as changeRecordReferences from "./migrations/20261209T000000-change-record-references.js";

/**
 * The gateway's migrations, listed in code rather than read from disk so that they work the same from
 * `tsx`, from a bundle and in tests. Names sort in the order they must run.
 */
const migrations: Record<string, Migration> = {
  "20260601T000000-initial-schema": initialSchema,
  "20261125T000000-kept-bodies-lz4": keptBodiesLz4,
  "20261201T000000-reused-platform-ids": reusedPlatformIds,
  "20261206T000000-platform-missing-bindings": platformMissingBindings,
  "20261206T100000-received-notification-metadata": receivedNotificationMetadata,
  "20261206T200000-stream-changes": streamChanges,
  "20261207T000000-call-search": callSearch,
  "20261207T100000-recording-archive": recordingArchive,
  "20261207T200000-call-activity-index": callActivityIndex,
  "20261208T000000-call-fold-bases": callFoldBases,
  "20261209T000000-change-record-references": changeRecordReferences,
};

/** A Kysely `MigrationProvider` over the in-code list above. */
export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
