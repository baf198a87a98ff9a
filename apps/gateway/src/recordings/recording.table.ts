import type { Generated, Insertable, Selectable } from "kysely";
import type { Timestamp } from "../database/timestamp.js";

/**
 * Where the archive of a CDR's recording stands. A CDR without a row has no recording to archive (`NONE`).
 * `PENDING`: queued, not tried yet. `ARCHIVED`: the file is in the gateway's storage. `FAILED`: the last
 * attempt failed; `next_attempt_at` says when the next one runs, or is null when none will (the app has no
 * recording, or the attempts are used up). `EXPIRED`: the platform no longer has the file. `DELETED`: it was
 * archived, then deleted by `RECORDINGS_RETENTION_DAYS`.
 */
export const RECORDING_STATES = ["PENDING", "ARCHIVED", "FAILED", "EXPIRED", "DELETED"] as const;

/** One of {@link RECORDING_STATES}. */
export type RecordingState = (typeof RECORDING_STATES)[number];

/**
 * The archive job and the archived file of one CDR's recording (one row per CDR that has one). The row is
 * its own durable queue entry: workers claim due rows with `FOR UPDATE SKIP LOCKED` and hold them by a lease
 * (`claimed_until`), so several instances never work on one recording at once and a crashed worker's claim
 * lapses by itself.
 */
export interface RecordingTable {
  /** The CDR (`call_records.id`). */
  call_record_id: number;
  state: RecordingState;
  /** Attempts started so far. */
  attempts: Generated<number>;
  /** When the job is next due (null: never again). */
  next_attempt_at: Timestamp | null;
  /** Until when the instance that claimed the job holds it. */
  claimed_until: Timestamp | null;
  /** The instance holding the claim (`privnum-gateway:<id>`). */
  claimed_by: string | null;
  /** Why the last attempt failed (a sentence; never a URL's signature or a number). */
  last_error: string | null;
  /** Where the file is, relative to the storage root. */
  storage_key: string | null;
  size_bytes: number | null;
  content_type: string | null;
  /** SHA-256 of the stored bytes. */
  sha256: Uint8Array | null;
  archived_at: Timestamp | null;
  deleted_at: Timestamp | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** A row as read. */
export type RecordingRow = Selectable<RecordingTable>;
/** A row to insert. */
export type NewRecordingRow = Insertable<RecordingTable>;
