// The raw baseline of P1: the same rows the gateway stores, written by one Node process with `pg`
// and nothing else (no HTTP, no signature, no parsing, no Kysely), each statement prepared once per
// connection and committed on its own.
import pg from "pg";
import { benchBinding, benchCdr } from "./push-bodies.js";

/** Sends item `i`; resolves once it is committed. */
export interface RawInserter {
  send(i: number): Promise<void>;
}

// The stored `record` / `event` is the parsed notification without the original (that stays in the kept
// body): the fields as sent, times also as ISO instants, the extension under one name. Built here by hand,
// so that the baseline writes the same bytes without paying for validation.
const iso = (time: unknown) => (typeof time === "string" ? `${time.replace(" ", "T")}Z` : null);

function parsedCdr(cdr: Record<string, unknown>): Record<string, unknown> {
  const { extendNumber, ...fields } = cdr;
  const parsed: Record<string, unknown> = { ...fields, extendNum: extendNumber };
  for (const key of ["callInTime", "fwdStartTime", "fwdAlertingTime", "fwdAnswerTime", "callEndTime"]) {
    if (typeof cdr[key] === "string") parsed[`${key}Iso`] = iso(cdr[key]);
  }
  return parsed;
}

// Kept from one run to the next (like the gateway's pool), so that no run pays for connecting and the
// orchestrator can read the connections' CPU after a run.
const pools = new Map<string, pg.Pool>();

async function openPool(databaseUrl: string, size: number): Promise<pg.Pool> {
  const key = `${size} ${databaseUrl}`;
  let pool = pools.get(key);
  if (!pool) {
    pool = new pg.Pool({ connectionString: databaseUrl, max: size, idleTimeoutMillis: 0 });
    pool.on("error", () => {});
    pools.set(key, pool);
  }
  // Open every connection before the clock starts.
  const clients = await Promise.all(Array.from({ length: size }, () => pool.connect()));
  for (const client of clients) client.release();
  return pool;
}

/** Close the baselines' pools. */
export async function closeRawPools(): Promise<void> {
  await Promise.all([...pools.values()].map((pool) => pool.end()));
  pools.clear();
}

const CDR_INSERT = `
insert into call_records (icid, session_id, subscription_id, virtual_num, bind_num, extend_num, direction,
  caller_num, callee_num, call_in_time, fwd_answer_time, call_end_time, record_flag, record_domain,
  record_object_name, record_file_download_url, record, received_notification_id, outcome, content_hash)
select *, sha256(convert_to(r.record::text, 'UTF8')) from unnest($1::text[], $2::text[], $3::text[], $4::text[],
  $5::text[], $6::text[], $7::int4[], $8::text[], $9::text[], $10::timestamptz[], $11::timestamptz[],
  $12::timestamptz[], $13::bool[], $14::text[], $15::text[], $16::text[], $17::jsonb[], $18::int8[], $19::text[])
  as r(icid, session_id, subscription_id, virtual_num, bind_num, extend_num, direction, caller_num, callee_num,
    call_in_time, fwd_answer_time, call_end_time, record_flag, record_domain, record_object_name,
    record_file_download_url, record, received_notification_id, outcome)
on conflict (icid, content_hash) do nothing`;

/** P1's baseline: push `i` is one `INSERT … SELECT FROM UNNEST(…) ON CONFLICT DO NOTHING` of its CDRs. */
export async function createRawCdrInserter(options: {
  databaseUrl: string;
  poolSize: number;
  recordsPerPush: number;
  series: number;
  appKey: string;
  receivedNotificationId: number;
}): Promise<RawInserter> {
  const pool = await openPool(options.databaseUrl, options.poolSize);
  const n = options.recordsPerPush;
  return {
    async send(p) {
      const columns: unknown[][] = Array.from({ length: 19 }, () => new Array(n));
      for (let k = 0; k < n; k++) {
        const i = p * n + k;
        const cdr = benchCdr(i, options.series, options.appKey);
        const values = [
          cdr.icid,
          cdr.sessionId,
          cdr.subscriptionId,
          cdr.bindNum,
          benchBinding(i).bindNum,
          cdr.extendNumber,
          cdr.direction,
          cdr.callerNum,
          cdr.calleeNum,
          iso(cdr.callInTime),
          iso(cdr.fwdAnswerTime),
          iso(cdr.callEndTime),
          cdr.recordFlag === 1,
          null,
          null,
          null,
          JSON.stringify(parsedCdr(cdr)),
          options.receivedNotificationId,
          // The column the gateway's search reads (its rule: answered when the forwarded leg was answered).
          cdr.fwdAnswerTime ? "answered" : "unanswered",
        ];
        for (let c = 0; c < values.length; c++) columns[c]![k] = values[c];
      }
      await pool.query({ name: "bench_cdr_insert", text: CDR_INSERT, values: columns });
    },
  };
}
