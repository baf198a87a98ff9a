// P10 — call-record export: seed N CDRs into the gateway's database (one insert … select over
// generate_series), download `/exports/call-records.csv` of their whole range over HTTP as an operator, and
// time it (rows/s, MB/s) while sampling the gateway process's RSS; against PostgreSQL's own
// `COPY (select <the same columns> …) TO STDOUT WITH (FORMAT csv, HEADER)` through pg-copy-streams, in the same
// run on the same rows.
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { BenchFigure } from "@privnum/bench-kit";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import type { BenchContext } from "../lib/context.js";

const FULL_ROWS = 100_000;
const QUICK_ROWS = 20_000;
// A range of its own, far from the CDRs other scenarios store (their calls start now).
const FROM = "2020-01-01T00:00:00Z";
const TO = "2020-01-03T00:00:00Z";
const MB = 1024 * 1024;
/** How often the gateway's RSS is read during the download, in ms. */
const RSS_SAMPLE_MS = 100;

interface Download {
  rows: number;
  bytes: number;
  ms: number;
}

/** Count the bytes and lines of a stream of text chunks. */
function counter(): { sink: Writable; totals: () => { bytes: number; lines: number } } {
  let bytes = 0;
  let lines = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      done();
    },
  });
  return { sink, totals: () => ({ bytes, lines }) };
}

async function seed(databaseUrl: string, rows: number): Promise<void> {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    const received = await client.query<{ id: string }>(
      `insert into received_notifications (path, content_type, kind, verdict, http_status, body_size)
       values ('/bench-p10', 'application/json', 'fee', 'accepted', 200, 0) returning id`,
    );
    await client.query(
      `insert into call_records (icid, session_id, subscription_id, virtual_num, bind_num, extend_num, direction,
         caller_num, callee_num, call_in_time, fwd_answer_time, call_end_time, outcome, record_flag, record,
         received_notification_id, content_hash)
       select 'p10-' || g, 'p10-s-' || g, 'p10-sub-' || (g % 1000), '+86170' || lpad((g % 1000)::text, 7, '0'),
         '+86138' || lpad((g % 1000)::text, 7, '0'), lpad((g % 1000)::text, 4, '0'), g % 2,
         '+86139' || lpad(g::text, 7, '0'), '+86170' || lpad((g % 1000)::text, 7, '0'),
         $1::timestamptz + g * interval '1 second', $1::timestamptz + g * interval '1 second' + interval '5 s',
         $1::timestamptz + g * interval '1 second' + interval '65 s', 'answered', g % 10 = 0,
         jsonb_build_object('icid', 'p10-' || g, 'fwdDstNum', '+86138' || lpad((g % 1000)::text, 7, '0'),
           'ulFailReason', 0, 'fwdUnaswRsn', 0, 'direction', g % 2),
         $2, sha256(convert_to('p10-' || g, 'UTF8'))
       from generate_series(1, $3::int) as g`,
      [FROM, received.rows[0]!.id, rows],
    );
    await client.query("analyze call_records");
  } finally {
    await client.end();
  }
}

/** What the gateway process held during an export. */
interface Held {
  rssBeforeBytes: number;
  peakRssBytes: number;
  heapBeforeBytes: number;
  /** Largest heap in use right after a full collection (sampled only with `collect`). */
  peakLiveHeapBytes: number;
}

/**
 * The gateway's CSV export of the range, read as fast as this process can, sampling the gateway's memory
 * every {@link RSS_SAMPLE_MS} ms; with `collect`, each sample runs a full collection first (live data only,
 * at a cost to the throughput: for an untimed run).
 */
async function gatewayExport(ctx: BenchContext, collect = false): Promise<Download & Held> {
  const before = await ctx.gateway.stats(true);
  const held: Held = {
    rssBeforeBytes: before.rssBytes,
    peakRssBytes: before.rssBytes,
    heapBeforeBytes: before.heapUsedBytes,
    peakLiveHeapBytes: before.heapUsedBytes,
  };
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const stats = await ctx.gateway.stats(collect);
      held.peakRssBytes = Math.max(held.peakRssBytes, stats.rssBytes);
      if (collect) held.peakLiveHeapBytes = Math.max(held.peakLiveHeapBytes, stats.heapUsedBytes);
      await new Promise((resolve) => setTimeout(resolve, RSS_SAMPLE_MS));
    }
  })();
  const started = performance.now();
  try {
    const response = await fetch(`${ctx.gateway.url}/exports/call-records.csv?from=${FROM}&to=${TO}`, {
      headers: { authorization: ctx.gatewayAuthorization },
    });
    if (response.status !== 200 || !response.body) throw new Error(`export answered ${response.status}`);
    const { sink, totals } = counter();
    await pipeline(Readable.fromWeb(response.body as WebReadableStream), sink);
    const ms = performance.now() - started;
    const { bytes, lines } = totals();
    return { rows: lines - 1, bytes, ms, ...held };
  } finally {
    sampling = false;
    await sampler;
  }
}

/** PostgreSQL's COPY of the same columns and rows, in the same order, as CSV with a header. */
async function rawCopy(databaseUrl: string): Promise<Download> {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    const started = performance.now();
    const copy = client.query(
      copyTo(`copy (
        select icid, session_id, subscription_id, virtual_num, bind_num, extend_num, direction, caller_num,
          callee_num, record->>'fwdDstNum', call_in_time, fwd_answer_time, call_end_time,
          round(extract(epoch from call_end_time - fwd_answer_time))::int, upper(outcome),
          record->'ulFailReason', record->'fwdUnaswRsn', record_flag, inserted_at, conflict
        from call_records
        where call_in_time >= '${FROM}' and call_in_time < '${TO}'
        order by call_in_time, id
      ) to stdout with (format csv, header)`),
    );
    const { sink, totals } = counter();
    await pipeline(copy, sink);
    const { bytes, lines } = totals();
    return { rows: lines - 1, bytes, ms: performance.now() - started };
  } finally {
    await client.end();
  }
}

/** Run P10. */
export async function benchExport(ctx: BenchContext): Promise<BenchFigure[]> {
  const rows = ctx.quick ? QUICK_ROWS : FULL_ROWS;
  ctx.log(`P10 export: seeding ${rows} CDRs`);
  await seed(ctx.gatewayDatabaseUrl, rows);
  // One untimed run each first (JIT, caches, pages in memory), then the measured ones. The gateway's untimed
  // run samples its live heap (after a collection each time).
  const live = await gatewayExport(ctx, true);
  await rawCopy(ctx.gatewayDatabaseUrl);
  const gateway = await gatewayExport(ctx);
  const raw = await rawCopy(ctx.gatewayDatabaseUrl);
  if (gateway.rows !== rows) throw new Error(`the export held ${gateway.rows} rows, ${rows} were seeded`);
  if (raw.rows !== rows) throw new Error(`COPY returned ${raw.rows} rows, ${rows} were seeded`);
  const perSecond = (d: Download) => (d.rows * 1000) / d.ms;
  const mbPerSecond = (d: Download) => d.bytes / MB / (d.ms / 1000);
  const ratio = perSecond(gateway) / perSecond(raw);
  const growthMb = (gateway.peakRssBytes - gateway.rssBeforeBytes) / MB;
  const liveGrowthMb = (live.peakLiveHeapBytes - live.heapBeforeBytes) / MB;
  ctx.log(
    `P10: gateway ${Math.round(perSecond(gateway))} rows/s (${mbPerSecond(gateway).toFixed(1)} MB/s), ` +
      `COPY ${Math.round(perSecond(raw))} rows/s (${mbPerSecond(raw).toFixed(1)} MB/s); ` +
      `gateway RSS peak ${(gateway.peakRssBytes / MB).toFixed(0)} MB (+${growthMb.toFixed(1)} MB), ` +
      `live heap +${liveGrowthMb.toFixed(1)} MB at most`,
  );
  const sizes =
    `${rows.toLocaleString("en")} rows: gateway ${(gateway.bytes / MB).toFixed(1)} MB in ${(gateway.ms / 1000).toFixed(2)} s, ` +
    `COPY ${(raw.bytes / MB).toFixed(1)} MB in ${(raw.ms / 1000).toFixed(2)} s`;
  return [
    {
      id: "P10",
      name: "call-record export: GET /exports/call-records.csv of the whole range over HTTP (keyset pages of 1,000)",
      value: Math.round(perSecond(gateway)),
      unit: "rows/s",
      baseline: {
        name: "COPY (select the same columns …) TO STDOUT (FORMAT csv, HEADER), pg-copy-streams",
        value: Math.round(perSecond(raw)),
      },
      ratio,
      note: `${sizes}. Both read the same seeded rows, warm (one untimed run each first).`,
    },
    {
      id: "P10-MB/s",
      name: "call-record export throughput in bytes",
      value: Math.round(mbPerSecond(gateway) * 10) / 10,
      unit: "MB/s",
      baseline: { name: "the same COPY", value: Math.round(mbPerSecond(raw) * 10) / 10 },
      ratio: mbPerSecond(gateway) / mbPerSecond(raw),
      note: "The gateway writes ISO-8601 times; COPY writes PostgreSQL's text form, so the sizes differ a little.",
    },
    {
      id: "P10-rss",
      name: "gateway RSS growth during the export (peak over the reading before it, after a collection)",
      value: Math.round(growthMb * 10) / 10,
      unit: "MB",
      lowerIsBetter: true,
      note:
        `Peak ${(gateway.peakRssBytes / MB).toFixed(0)} MB, sampled every ${RSS_SAMPLE_MS} ms; it counts garbage ` +
        "not yet collected (V8 grows its heap before collecting). What is live is P10-heap.",
    },
    {
      id: "P10-heap",
      name: "gateway live heap growth during the export (heap in use after a full collection, largest sample)",
      value: Math.round(liveGrowthMb * 10) / 10,
      unit: "MB",
      lowerIsBetter: true,
      note:
        `Sampled every ${RSS_SAMPLE_MS} ms with a collection first, during the untimed run. The export holds a ` +
        "page (1,000 rows) and the socket's buffer at a time: the growth does not scale with the range.",
    },
  ];
}
