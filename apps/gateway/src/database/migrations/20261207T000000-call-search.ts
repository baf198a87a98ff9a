import { type Kysely, sql } from "kysely";

// Frozen in time: never edit a migration that has shipped; add a new one instead.

/**
 * What searching calls by start time, outcome and hang-up code needs as columns:
 * - `call_records.outcome`: answered / unanswered / failed, from the CDR's own fields;
 * - `call_sessions.outcome` (null while the call is in progress) and `call_sessions.hangup_code` (the
 *   disconnect's stateCode, else the CDR's ulFailReason), from the folded call.
 * From now on the gateway sets them on insert and on each refold (src/calls/call-outcome.ts holds the rule);
 * existing rows are backfilled here with the same rule written in SQL, as it stood on this date.
 * Indexes on (start time, id) serve a time range read in keyset order (the export reads (call_in_time, id)
 * pages; the GraphQL lists read id pages within a range); `hangup_code` is indexed for the sessions' filter.
 * Outcome alone is not indexed: three values, each a large share of the rows, never selective enough.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on the evolving Database type.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("call_records").addColumn("outcome", "text").execute();
  await sql`
    update call_records set outcome = case
      when fwd_answer_time is not null or record ? 'fwdAnswerTimeIso' then 'answered'
      when direction = 2 then 'failed'
      when record ? 'fwdAlertingTimeIso' then 'unanswered'
      when record->'fwdUnaswRsn' = any(array['17', '18', '19', '21']::jsonb[]) then 'unanswered'
      when record->'ulFailReason' = any(array['7501', '7502', '7503', '7504', '8003', '8004', '8035', '8101',
        '8102']::jsonb[]) then 'unanswered'
      else 'failed'
    end`.execute(db);
  await sql`alter table call_records alter column outcome set not null`.execute(db);
  await sql`
    alter table call_records add constraint call_records_outcome_check
      check (outcome in ('answered', 'unanswered', 'failed'))`.execute(db);

  await db.schema
    .alterTable("call_sessions")
    .addColumn("outcome", "text", (c) => c.check(sql`outcome in ('answered', 'unanswered', 'failed')`))
    .addColumn("hangup_code", "integer")
    .execute();
  await sql`
    update call_sessions s set
      hangup_code = (s.session->'hangup'->>'code')::int4,
      outcome = case
        when s.session ? 'answeredAt' then 'answered'
        when s.status not in ('ended', 'billed') then null
        when (select c.direction from call_records c where c.session_id = s.session_id
               order by coalesce(c.record->>'callInTimeIso', '') collate "C", c.icid collate "C"
               limit 1) = 2 then 'failed'
        when s.session ? 'alertingAt' then 'unanswered'
        when s.session->'forwardFailure'->'code' = any(array['17', '18', '19', '21']::jsonb[]) then 'unanswered'
        when s.session->'hangup'->'code' = any(array['7501', '7502', '7503', '7504', '8003', '8004', '8035',
          '8101', '8102']::jsonb[]) then 'unanswered'
        else 'failed'
      end`.execute(db);

  await db.schema
    .createIndex("call_records_call_in_time_idx")
    .on("call_records")
    .columns(["call_in_time", "id"])
    .execute();
  await db.schema
    .createIndex("call_sessions_started_at_idx")
    .on("call_sessions")
    .columns(["started_at", "id"])
    .execute();
  await db.schema
    .createIndex("call_sessions_hangup_code_idx")
    .on("call_sessions")
    .columns(["hangup_code", "id"])
    .execute();
}

/** Drop the indexes and the columns. */
// biome-ignore lint/suspicious/noExplicitAny: see up().
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("call_sessions_hangup_code_idx").ifExists().execute();
  await db.schema.dropIndex("call_sessions_started_at_idx").ifExists().execute();
  await db.schema.dropIndex("call_records_call_in_time_idx").ifExists().execute();
  await db.schema.alterTable("call_sessions").dropColumn("hangup_code").dropColumn("outcome").execute();
  await db.schema.alterTable("call_records").dropColumn("outcome").execute();
}
