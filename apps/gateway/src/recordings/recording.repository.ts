import { type RawBuilder, sql } from "kysely";
import type { CallRecordRow } from "../calls/call-record.table.js";
import type { Executor } from "../database/database.js";
import type { RecordingRow, RecordingState } from "./recording.table.js";
import { hasRecording } from "./recording-eligibility.js";

/** A claimed job, with what its CDR says of the file. */
export interface ClaimedRecording {
  callRecordId: number;
  icid: string;
  attempts: number;
  recordDomain: string | null;
  recordObjectName: string | null;
  downloadUrl: string | null;
  /** When the CDR was stored (the platform deletes the file 7 days after its push). */
  cdrReceivedAt: Date;
}

/**
 * Queue the archive of each CDR of `records` that has a recording, in the caller's transaction (the job
 * exists exactly when the CDR does). One statement, none when no CDR has one. Returns the number queued.
 */
export async function queueRecordings(tx: Executor, records: readonly CallRecordRow[]): Promise<number> {
  const ids = records.filter(hasRecording).map((r) => r.id);
  if (ids.length === 0) return 0;
  await sql`insert into recordings (call_record_id, state, next_attempt_at)
    select id, 'PENDING', now() from unnest(${ids}::int8[]) as id
    on conflict (call_record_id) do nothing`.execute(tx);
  return ids.length;
}

/**
 * What {@link queueRecordings} runs, as a data-modifying CTE (`queued_recordings`) for a `with` clause of
 * another statement: queues the CDRs among `stored` (a query of `id` and `n`, e.g. `inserted_records` of
 * `callRecordsInsert`) whose `n` is in `eligible` (those {@link hasRecording} accepts).
 */
export function recordingsQueue(
  stored: RawBuilder<unknown>,
  eligible: readonly number[],
): RawBuilder<unknown> {
  return sql`queued_recordings as (
    insert into recordings (call_record_id, state, next_attempt_at)
    select s.id, 'PENDING', now() from ${stored} as s where s.n = any(${eligible}::int4[])
    on conflict (call_record_id) do nothing)`;
}

/**
 * Claim up to `limit` due jobs for `worker` until `leaseMs` from now, soonest due first, counting an attempt
 * for each. Rows another worker holds (locked now, or leased) are skipped, so concurrent workers never claim
 * one job twice; a lease that lapsed (its worker died) makes the job claimable again.
 */
export async function claimDueRecordings(
  db: Executor,
  worker: string,
  limit: number,
  leaseMs: number,
): Promise<ClaimedRecording[]> {
  const { rows } = await sql<{
    call_record_id: number | string;
    icid: string;
    attempts: number;
    record_domain: string | null;
    record_object_name: string | null;
    record_file_download_url: string | null;
    inserted_at: Date | string;
  }>`
    with due as (
      select call_record_id from recordings
      where state in ('PENDING', 'FAILED') and next_attempt_at is not null and next_attempt_at <= now()
        and (claimed_until is null or claimed_until < now())
      order by next_attempt_at
      limit ${limit}
      for update skip locked
    )
    update recordings r
    set claimed_until = now() + ${leaseMs} * interval '1 millisecond', claimed_by = ${worker},
        attempts = r.attempts + 1, updated_at = now()
    from due, call_records c
    where r.call_record_id = due.call_record_id and c.id = r.call_record_id
    returning r.call_record_id, c.icid, r.attempts, c.record_domain, c.record_object_name,
      c.record_file_download_url, c.inserted_at`.execute(db);
  return rows.map((row) => ({
    callRecordId: Number(row.call_record_id),
    icid: row.icid,
    attempts: row.attempts,
    recordDomain: row.record_domain,
    recordObjectName: row.record_object_name,
    downloadUrl: row.record_file_download_url,
    cdrReceivedAt: new Date(row.inserted_at),
  }));
}

/** The archived file of a job. */
export interface ArchivedFile {
  storageKey: string;
  sizeBytes: number;
  contentType: string;
  sha256: Uint8Array;
}

/**
 * Record the outcome of `worker`'s attempt, releasing its claim. Only while the claim is still `worker`'s: a
 * worker whose lease lapsed (and whose job another one took) changes nothing. Resolves to whether it did.
 */
async function finish(
  db: Executor,
  worker: string,
  callRecordId: number,
  set: Record<string, unknown>,
): Promise<boolean> {
  const result = await db
    .updateTable("recordings")
    .set({ ...set, claimed_until: null, claimed_by: null, updated_at: sql`now()` })
    .where("call_record_id", "=", callRecordId)
    .where("claimed_by", "=", worker)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The file is stored: `ARCHIVED`. */
export function markArchived(db: Executor, worker: string, callRecordId: number, file: ArchivedFile) {
  return finish(db, worker, callRecordId, {
    state: "ARCHIVED" satisfies RecordingState,
    storage_key: file.storageKey,
    size_bytes: file.sizeBytes,
    content_type: file.contentType,
    sha256: file.sha256,
    archived_at: sql`now()`,
    last_error: null,
    next_attempt_at: null,
  });
}

/** The attempt failed: `FAILED`, due again in `retryInMs` (null: never). */
export function markFailed(
  db: Executor,
  worker: string,
  callRecordId: number,
  error: string,
  retryInMs: number | null,
) {
  return finish(db, worker, callRecordId, {
    state: "FAILED" satisfies RecordingState,
    last_error: error,
    next_attempt_at: retryInMs === null ? null : sql`now() + ${retryInMs} * interval '1 millisecond'`,
  });
}

/** The platform no longer has the file: `EXPIRED`. */
export function markExpired(db: Executor, worker: string, callRecordId: number, reason: string) {
  return finish(db, worker, callRecordId, {
    state: "EXPIRED" satisfies RecordingState,
    last_error: reason,
    next_attempt_at: null,
  });
}

/** Give back `worker`'s claims, due at once (a stopping instance: another, or its restart, goes on). */
export async function releaseClaims(db: Executor, worker: string): Promise<number> {
  const result = await db
    .updateTable("recordings")
    .set({
      claimed_until: null,
      claimed_by: null,
      attempts: sql`greatest(attempts - 1, 0)`,
      updated_at: sql`now()`,
    })
    .where("claimed_by", "=", worker)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Queue a recording again now, from `FAILED` or `EXPIRED` (an operator enabled recording, freed the disk …),
 * with its attempts counted from zero. Resolves to whether there was such a job.
 */
export async function retryRecording(db: Executor, callRecordId: number): Promise<boolean> {
  const result = await db
    .updateTable("recordings")
    .set({ state: "PENDING", attempts: 0, next_attempt_at: sql`now()`, updated_at: sql`now()` })
    .where("call_record_id", "=", callRecordId)
    .where("state", "in", ["FAILED", "EXPIRED"])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The archive rows of these CDRs (one query; CDRs without a recording are left out). */
export async function findRecordings(
  db: Executor,
  callRecordIds: readonly number[],
): Promise<RecordingRow[]> {
  if (callRecordIds.length === 0) return [];
  return db
    .selectFrom("recordings")
    .selectAll()
    .where("call_record_id", "=", sql<number>`any(${[...new Set(callRecordIds)]}::int8[])`)
    .execute();
}

/** An archived recording, found by the icid of its CDR. */
export interface ArchivedRecording {
  callRecordId: number;
  icid: string;
  storageKey: string;
  sizeBytes: number;
  contentType: string;
  sha256: Uint8Array;
  archivedAt: Date;
}

/**
 * The archived recording of the CDR with this icid: the newest such CDR that has one, should the platform have
 * reused the icid. Undefined when none is archived.
 */
export async function findArchivedByIcid(db: Executor, icid: string): Promise<ArchivedRecording | undefined> {
  const row = await db
    .selectFrom("recordings as r")
    .innerJoin("call_records as c", "c.id", "r.call_record_id")
    .select([
      "r.call_record_id",
      "c.icid",
      "r.storage_key",
      "r.size_bytes",
      "r.content_type",
      "r.sha256",
      "r.archived_at",
    ])
    .where("c.icid", "=", icid)
    .where("r.state", "=", "ARCHIVED")
    .orderBy("c.id", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!row?.storage_key || row.size_bytes === null || !row.content_type || !row.sha256 || !row.archived_at) {
    return undefined;
  }
  return {
    callRecordId: Number(row.call_record_id),
    icid: row.icid,
    storageKey: row.storage_key,
    sizeBytes: Number(row.size_bytes),
    contentType: row.content_type,
    sha256: row.sha256,
    archivedAt: row.archived_at,
  };
}

/** Counts of jobs by state, for the metrics. */
export async function countRecordingsByState(db: Executor): Promise<Partial<Record<RecordingState, number>>> {
  const rows = await db
    .selectFrom("recordings")
    .select(["state", sql<number>`count(*)::int4`.as("count")])
    .groupBy("state")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.count)]));
}
