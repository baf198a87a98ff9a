import { sql } from "kysely";
import type { Executor } from "../database/database.js";
import type { ActivityWindow } from "./call-activity-window.js";
import type { HangupSource } from "./hangup-description.js";

/** Calls that started in a span, by how far they got. */
export interface CallActivityCounts {
  /** Calls whose `started_at` is in the span. */
  started: number;
  /** Of those, not finished yet (no outcome). */
  inProgress: number;
  answered: number;
  unanswered: number;
  failed: number;
}

/** Finished calls of a window that report one hang-up code from one source. */
export interface HangupCodeCount {
  source: HangupSource;
  code: number;
  count: number;
}

/** One X's calls in a window. */
export interface CallActivityData {
  /** The whole window: the sum of the buckets. */
  totals: CallActivityCounts;
  /** Every bucket of the window, oldest first, zeros included. */
  buckets: CallActivityCounts[];
  /** Finished calls by hang-up code, most frequent first (then by code). */
  causes: HangupCodeCount[];
}

interface ActivityRow {
  virtual_num: string;
  /** 0 on a bucket row, 1 on a hang-up code row (`grouping(bucket)`). */
  by_code: number;
  bucket: number | null;
  hangup_code: number | null;
  source: string | null;
  started: number;
  in_progress: number;
  answered: number;
  unanswered: number;
  failed: number;
  finished: number;
}

const zero = (): CallActivityCounts => ({ started: 0, inProgress: 0, answered: 0, unanswered: 0, failed: 0 });

/**
 * The calls on each of `virtualNums` that started in `window`, in one statement whatever the number of X:
 * per bucket (the bucket is integer arithmetic on the epoch) and per hang-up code, as the two grouping sets of
 * one GROUP BY. One statement reads one snapshot, so the totals, the buckets and the causes of a live panel
 * always agree. The hang-up code is grouped with its source (`session.hangup.source`): the stateCode and
 * ulFailReason tables describe many numbers differently.
 */
export async function readCallActivity(
  db: Executor,
  virtualNums: readonly string[],
  window: ActivityWindow,
): Promise<Map<string, CallActivityData>> {
  const numbers = [...new Set(virtualNums)];
  const result = new Map<string, CallActivityData>(
    numbers.map((number) => [
      number,
      { totals: zero(), buckets: Array.from({ length: window.bucketCount }, zero), causes: [] },
    ]),
  );
  if (numbers.length === 0) return result;
  const { rows } = await sql<ActivityRow>`
    with calls as (
      select virtual_num, outcome, hangup_code, session->'hangup'->>'source' as source,
             floor((extract(epoch from started_at) - extract(epoch from ${window.from}::timestamptz)) * 1000
                   / ${window.bucketMs}::int8)::int4 as bucket
        from call_sessions
       where virtual_num = any(${numbers}::text[])
         and started_at >= ${window.from}::timestamptz and started_at < ${window.to}::timestamptz)
    select virtual_num, grouping(bucket) as by_code, bucket, hangup_code, source,
           count(*)::int4 as started,
           (count(*) filter (where outcome is null))::int4 as in_progress,
           (count(*) filter (where outcome = 'answered'))::int4 as answered,
           (count(*) filter (where outcome = 'unanswered'))::int4 as unanswered,
           (count(*) filter (where outcome = 'failed'))::int4 as failed,
           (count(*) filter (where outcome is not null))::int4 as finished
      from calls
     group by grouping sets ((virtual_num, bucket), (virtual_num, hangup_code, source))
    having grouping(bucket) = 0 or (hangup_code is not null and count(*) filter (where outcome is not null) > 0)`.execute(
    db,
  );
  for (const row of rows) {
    const activity = result.get(row.virtual_num);
    if (!activity) continue;
    if (row.by_code === 1) {
      activity.causes.push({
        source: row.source === "ulFailReason" ? "ulFailReason" : "stateCode",
        code: row.hangup_code!,
        count: row.finished,
      });
      continue;
    }
    const bucket = row.bucket === null ? undefined : activity.buckets[row.bucket];
    if (!bucket) continue;
    const counts: CallActivityCounts = {
      started: row.started,
      inProgress: row.in_progress,
      answered: row.answered,
      unanswered: row.unanswered,
      failed: row.failed,
    };
    Object.assign(bucket, counts);
    for (const key of Object.keys(counts) as (keyof CallActivityCounts)[])
      activity.totals[key] += counts[key];
  }
  for (const activity of result.values()) {
    activity.causes.sort((a, b) => b.count - a.count || a.code - b.code || a.source.localeCompare(b.source));
  }
  return result;
}
