import { builder } from "../graphql/builder.js";

export const RecordingStateEnum = builder.enumType("RecordingState", {
  description: "Where the archive of a call's recording stands.",
  values: {
    NONE: {
      description:
        "No recording: the call was not recorded, or is one the platform does not record (unanswered, or " +
        "answered for less than 3 s).",
    },
    PENDING: { description: "Queued for archiving, not tried yet." },
    ARCHIVED: { description: "Stored by the gateway: play or download it through `url`." },
    FAILED: {
      description:
        "The last attempt failed (`lastError`); tried again at `nextAttemptAt`, or never when that is null " +
        "(recording not enabled for the app, attempts used up): see `retryRecordingArchive`.",
    },
    EXPIRED: {
      description: "The platform no longer had the file (it keeps recordings 7 days after the CDR).",
    },
    DELETED: { description: "Archived, then deleted after RECORDINGS_RETENTION_DAYS." },
  } as const,
});
