import { hasRole } from "../auth/roles.js";
import { CallRecordObject } from "../calls/call-record.graphql.js";
import type { CallRecordRow } from "../calls/call-record.table.js";
import { builder } from "../graphql/builder.js";
import { audited } from "../graphql/mutation-audit.js";
import { NotFoundError, ValidationError } from "../shared/errors.js";
import { retryRecording } from "./recording.repository.js";
import type { RecordingRow } from "./recording.table.js";
import type { RecordingLink } from "./recording-links.js";
import { RecordingStateEnum } from "./recording-state.graphql.js";

/** What `CallRecord.recording` resolves: the archive row, or none (the CDR has no recording). */
interface RecordingView {
  icid: string;
  row: RecordingRow | null;
}

const RecordingLinkObject = builder.objectRef<RecordingLink>("RecordingLink").implement({
  description:
    "A link to the archived file that needs no credentials until it expires (for an `<audio>` element, which " +
    "cannot send a header). Checked by the gateway: a changed or expired link is refused.",
  fields: (t) => ({
    url: t.string({
      description: "`/recordings/<icid>?expires=…&signature=…`, relative to the gateway's origin.",
      resolve: (l) => l.path,
    }),
    expiresAt: t.field({ type: "DateTime", resolve: (l) => l.expiresAt }),
  }),
});

const RecordingObject = builder.objectRef<RecordingView>("Recording").implement({
  description:
    "The call's recording as the gateway archives it: the platform deletes its copy 7 days after the CDR, the " +
    "gateway keeps its own (`GET /recordings/<icid>` with operator or admin credentials, or `url`).",
  fields: (t) => ({
    state: t.field({
      type: RecordingStateEnum,
      resolve: (v) => v.row?.state ?? "NONE",
    }),
    attempts: t.int({ description: "Archive attempts so far.", resolve: (v) => v.row?.attempts ?? 0 }),
    lastError: t.string({
      nullable: true,
      description: "Why the last attempt failed (FAILED), or why the platform had no file (EXPIRED).",
      resolve: (v) => (v.row?.state === "FAILED" || v.row?.state === "EXPIRED" ? v.row.last_error : null),
    }),
    nextAttemptAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When the next attempt is due (PENDING, FAILED); null when none will be made.",
      resolve: (v) =>
        v.row?.state === "PENDING" || v.row?.state === "FAILED" ? (v.row.next_attempt_at ?? null) : null,
    }),
    sizeBytes: t.int({ nullable: true, resolve: (v) => archived(v)?.size_bytes ?? null }),
    contentType: t.string({
      nullable: true,
      description: "The file's type, from its bytes (`audio/wav` …).",
      resolve: (v) => archived(v)?.content_type ?? null,
    }),
    sha256: t.string({
      nullable: true,
      description: "SHA-256 of the stored file, hex (also its HTTP ETag).",
      resolve: (v) => {
        const hash = archived(v)?.sha256;
        return hash ? Buffer.from(hash).toString("hex") : null;
      },
    }),
    archivedAt: t.field({
      type: "DateTime",
      nullable: true,
      resolve: (v) => v.row?.archived_at ?? null,
    }),
    deletedAt: t.field({ type: "DateTime", nullable: true, resolve: (v) => v.row?.deleted_at ?? null }),
    url: t.field({
      type: RecordingLinkObject,
      nullable: true,
      description:
        "A signed link to the archived file, valid for RECORDINGS_LINK_TTL_SECONDS (ask again for a fresh one). " +
        "Null unless ARCHIVED, and for viewers (recordings are for operators and admins).",
      resolve: (v, _args, ctx) =>
        archived(v) && hasRole(ctx.caller.role, "operator") ? ctx.services.recordingLinks.sign(v.icid) : null,
    }),
  }),
});

function archived(view: RecordingView): RecordingRow | undefined {
  return view.row?.state === "ARCHIVED" ? view.row : undefined;
}

builder.objectField(CallRecordObject, "recording", (t) =>
  t.field({
    type: RecordingObject,
    description: "The call's recording, as archived by the gateway (state NONE when there is none).",
    resolve: async (r: CallRecordRow, _args, ctx, info) => ({
      icid: r.icid,
      row: await ctx.execution(info).loaders.recordingByCallRecordId.load(r.id),
    }),
  }),
);

const RetryRecordingArchivePayload = builder
  .objectRef<{ record: CallRecordRow }>("RetryRecordingArchivePayload")
  .implement({
    description: "The recording is queued again (PENDING).",
    fields: (t) => ({ record: t.field({ type: CallRecordObject, resolve: (p) => p.record }) }),
  });

builder.mutationField("retryRecordingArchive", (t) =>
  t.field({
    type: RetryRecordingArchivePayload,
    description:
      "Queue the archive of a call's recording again, now, with its attempts counted from zero: after a FAILED " +
      "attempt that will not be retried (recording was not enabled, the storage was full) or an EXPIRED one. " +
      "NotFoundError: no CDR with this icid has a recording. ValidationError: the recording is not FAILED or " +
      "EXPIRED.",
    args: { icid: t.arg.string({ required: true }) },
    errors: {
      types: [NotFoundError, ValidationError],
      directResult: true,
      union: { name: "RetryRecordingArchiveResult" },
    },
    resolve: (_root, { icid }, ctx, info) =>
      audited(ctx, "retryRecordingArchive", { icid }, async () => {
        const { loaders } = ctx.execution(info);
        const records = await loaders.callRecordsByIcid.load(icid);
        const candidates = (
          await Promise.all(
            records.map(async (record) => ({
              record,
              row: await loaders.recordingByCallRecordId.load(record.id),
            })),
          )
        ).filter((c) => c.row !== null);
        const newest = candidates.at(-1);
        if (!newest?.row) throw new NotFoundError(`No CDR with icid ${icid} has a recording.`);
        if (!(await retryRecording(ctx.services.db, newest.record.id))) {
          throw new ValidationError([
            {
              field: "icid",
              message: `the recording is ${newest.row.state}; only a FAILED or EXPIRED one is queued again`,
            },
          ]);
        }
        ctx.services.archiver?.wake();
        loaders.recordingByCallRecordId.clear(newest.record.id);
        return { record: newest.record };
      }),
  }),
);
