// P9 — recording archive throughput. A gateway of its own (its own database, RECORDINGS_DIR in a temp directory,
// its embedded simulator in memory) with one recorded binding. N answered calls are placed on the simulator and
// end at once (one move of its virtual clock), which leaves their recordings on it; then their CDRs, as the
// simulator made them, reach the gateway in signed fee pushes of 50 sent together, and the archiver (concurrency
// 2, the default, woken by each stored push) fetches every recording: GetRecordingDownloadUrl, then the
// simulator's real 5 s WAV (~80 KB), streamed into the directory, sniffed, committed, marked ARCHIVED. Timed in
// the database, from the first CDR queued to the last recording ARCHIVED, against a raw loop in this process
// downloading the same files the same way, two at a time, with no database.
//
// The simulator's own pushes are dropped (its `drop` push fault at 1): it sends them one after another, and a
// round's 500 `disconnect` events pushed between its fee pushes spread the CDRs' arrival over tens of seconds,
// which then timed the event ingest rather than the archive. The simulator serves the downloads from the
// gateway's process, so that process's CPU is also reported while it serves the baseline alone: the difference
// is what archiving costs beyond the downloads.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BenchFigure } from "@privnum/bench-kit";
import { signUsernameToken } from "@privnum/wsse-auth";
import pg from "pg";
import { createBenchDatabase } from "../lib/bench-database.js";
import type { BenchContext, ServerHandle } from "../lib/context.js";
import { percent, rate } from "../lib/format.js";
import { createHttpClient } from "../lib/http-client.js";
import { type DownloadRun, downloadRecordings } from "../lib/recording-downloads.js";
import { type PlacedCall, type SimulatorControl, simulatorControl } from "../lib/simulator-control.js";

/** The archiver's default concurrency, which the gateway runs with; the baseline downloads as many at once. */
const CONCURRENCY = 2;
/** Calls archived (and downloaded by the baseline) before the measured round: JIT, pools, the storage. */
const WARM_UP_CALLS = 20;
/** The simulator's X number the binding is made on (its default app's first). */
const VIRTUAL_NUM = "+8617000000001";
const BIND_NUM = "+8613800009001";
/** Talk time of every call: the simulator serves 5 s of it (~80 KB of WAV) whatever it is. */
const TALK_SECONDS = 60;
/**
 * How far the clock moves to end every call of a round at once, in ms: the talk time and the set-up before it
 * (the simulator's IVR and call-out take about 7 s with no ringing), with room to spare.
 */
const END_CALLS_MS = (TALK_SECONDS + 30) * 1000;
/** CDRs per fee push (the platform's most). */
const CDRS_PER_PUSH = 50;
/** How often the recordings are counted while a round is archived, in ms (one cheap query each). */
const POLL_MS = 50;
/** The gateway's memory is read every this many polls (its peak RSS). */
const STATS_EVERY_POLLS = 5;
/** Longest a round may take to end every recording (archived, or failed for good), in ms. */
const ROUND_TIMEOUT_MS = 180_000;
/** Placed at once on the control API (placing is not measured; this only bounds the requests in flight). */
const PLACING_CONCURRENCY = 8;

/** A round's outcome, from the database and the gateway process. */
interface ArchiveRound {
  calls: PlacedCall[];
  archived: number;
  /** Recordings not archived when the round ended: failed, expired, still pending, or never queued. */
  notArchived: number;
  /** The states and last errors of those (`FAILED: the download answered HTTP 500` …), a few. */
  failureSamples: string[];
  bytes: number;
  /** First CDR queued → last recording ARCHIVED, on the database's clock, in ms. */
  windowMs: number;
  /** First CDR queued → last CDR queued (how spread out their arrival was), database clock, in ms. */
  arrivalMs: number;
  /** First push sent → every recording ended, on this process's clock, in ms. */
  wallMs: number;
  /** The gateway process's CPU over `wallMs`, in ms. */
  gatewayCpuMs: number;
  rssBeforeBytes: number;
  rssPeakBytes: number;
  timedOut: boolean;
}

async function createRecordedBinding(ctx: BenchContext, gateway: ServerHandle): Promise<string> {
  const response = await fetch(gateway.graphqlUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json",
      authorization: ctx.gatewayAuthorization,
    },
    body: JSON.stringify({
      query: `mutation($input: CreateBindingInput!) { createBinding(input: $input) {
        __typename ... on CreateBindingPayload { binding { extendNum } } } }`,
      variables: { input: { bindNum: BIND_NUM, virtualNum: VIRTUAL_NUM, recordFlag: true } },
    }),
  });
  const body = (await response.json()) as {
    data?: { createBinding?: { __typename: string; binding?: { extendNum: string } } };
    errors?: { message: string }[];
  };
  const result = body.data?.createBinding;
  if (!result?.binding) {
    throw new Error(
      `P9: createBinding answered ${result?.__typename ?? `HTTP ${response.status}`}${body.errors ? ` (${body.errors[0]?.message})` : ""}`,
    );
  }
  return result.binding.extendNum;
}

/** Place `count` calls to the recorded binding, callers numbered from `firstCaller`. */
async function placeCalls(
  simulator: SimulatorControl,
  extendNum: string,
  firstCaller: number,
  count: number,
): Promise<PlacedCall[]> {
  const calls: PlacedCall[] = new Array(count);
  let next = 0;
  const placer = async () => {
    for (let i = next++; i < count; i = next++) {
      calls[i] = await simulator.placeCall({
        caller: `+86139${String(firstCaller + i).padStart(8, "0")}`,
        virtualNum: VIRTUAL_NUM,
        digits: extendNum,
        talkSeconds: TALK_SECONDS,
        ringSeconds: 0,
      });
    }
  };
  await Promise.all(Array.from({ length: PLACING_CONCURRENCY }, placer));
  return calls;
}

async function count(db: pg.Client, text: string, values: unknown[] = []): Promise<number> {
  const result = await db.query<{ value: string | number | null }>(text, values);
  return Number(result.rows[0]?.value ?? 0);
}

/**
 * Push the calls' CDRs to the gateway as the platform would, in signed fee pushes of 50, all sent at once.
 * Resolves to the CDRs of the pushes it acknowledged, and why the others failed (a few).
 */
async function pushCdrs(
  ctx: BenchContext,
  gateway: ServerHandle,
  calls: PlacedCall[],
): Promise<{ acknowledged: number; errors: string[] }> {
  const http = createHttpClient(gateway.url, { maxSockets: 64 });
  try {
    const pushes: Promise<number>[] = [];
    for (let i = 0; i < calls.length; i += CDRS_PER_PUSH) {
      const feeLst = calls.slice(i, i + CDRS_PER_PUSH).map((call) => call.cdr);
      const { headers } = signUsernameToken(ctx.credentials);
      const body = JSON.stringify({ eventType: "fee", feeLst });
      pushes.push(http.post("/notify", headers, body).then(() => feeLst.length));
    }
    const settled = await Promise.allSettled(pushes);
    return {
      acknowledged: settled.reduce((sum, s) => sum + (s.status === "fulfilled" ? s.value : 0), 0),
      errors: settled
        .filter((s): s is PromiseRejectedResult => s.status === "rejected")
        .slice(0, 3)
        .map((s) => `fee push refused: ${(s.reason as Error).message}`),
    };
  } finally {
    http.close();
  }
}

/**
 * One round: place `calls` calls and end them (their recordings now exist on the simulator), push their CDRs,
 * and follow their recordings until each is archived or failed for good (or the round times out).
 */
async function archiveRound(
  ctx: BenchContext,
  gateway: ServerHandle,
  simulator: SimulatorControl,
  db: pg.Client,
  extendNum: string,
  firstCaller: number,
  calls: number,
): Promise<ArchiveRound> {
  const lastCdrBefore = await count(db, "select coalesce(max(id), 0) as value from call_records");
  const placed = await placeCalls(simulator, extendNum, firstCaller, calls);
  await simulator.advanceClock(END_CALLS_MS);

  const before = await gateway.stats();
  let rssPeakBytes = before.rssBytes;
  const started = performance.now();
  const pushed = await pushCdrs(ctx, gateway, placed);
  const progress = `select count(*) filter (where state = 'ARCHIVED') as archived,
      count(*) filter (where state = 'EXPIRED' or (state = 'FAILED' and next_attempt_at is null)) as lost,
      count(*) as queued
    from recordings where call_record_id > $1`;
  let polls = 0;
  let timedOut = false;
  for (;;) {
    const row = (
      await db.query<{ archived: string; lost: string; queued: string }>(progress, [lastCdrBefore])
    ).rows[0]!;
    const queued = Number(row.queued);
    if (queued >= pushed.acknowledged && Number(row.archived) + Number(row.lost) >= queued) break;
    if (performance.now() - started > ROUND_TIMEOUT_MS) {
      timedOut = true;
      break;
    }
    if (++polls % STATS_EVERY_POLLS === 0) {
      rssPeakBytes = Math.max(rssPeakBytes, (await gateway.stats()).rssBytes);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const wallMs = performance.now() - started;
  const after = await gateway.stats();
  rssPeakBytes = Math.max(rssPeakBytes, after.rssBytes);

  const summary = (
    await db.query<{
      archived: string;
      bytes: string | null;
      window_ms: string | null;
      arrival_ms: string | null;
    }>(
      `select count(*) filter (where state = 'ARCHIVED') as archived,
          sum(size_bytes) filter (where state = 'ARCHIVED') as bytes,
          extract(epoch from max(archived_at) - min(created_at)) * 1000 as window_ms,
          extract(epoch from max(created_at) - min(created_at)) * 1000 as arrival_ms
        from recordings where call_record_id > $1`,
      [lastCdrBefore],
    )
  ).rows[0]!;
  const failures = await db.query<{ state: string; last_error: string | null; n: string }>(
    `select state, last_error, count(*) as n from recordings
      where call_record_id > $1 and state <> 'ARCHIVED' group by 1, 2 order by 3 desc limit 3`,
    [lastCdrBefore],
  );
  const archived = Number(summary.archived);
  const round: ArchiveRound = {
    calls: placed,
    archived,
    notArchived: calls - archived,
    failureSamples: [
      ...pushed.errors,
      ...failures.rows.map((r) => `${r.n}× ${r.state}: ${r.last_error ?? "no attempt yet"}`),
    ],
    bytes: Number(summary.bytes ?? 0),
    windowMs: Number(summary.window_ms ?? 0),
    arrivalMs: Number(summary.arrival_ms ?? 0),
    wallMs,
    gatewayCpuMs: after.cpuMs - before.cpuMs,
    rssBeforeBytes: before.rssBytes,
    rssPeakBytes,
    timedOut,
  };
  ctx.log(
    `  ${archived}/${calls} archived in ${(round.windowMs / 1000).toFixed(2)} s (first CDR queued → last ARCHIVED; ` +
      `CDRs queued over ${(round.arrivalMs / 1000).toFixed(2)} s), ` +
      `${(wallMs / 1000).toFixed(2)} s from the first push; gateway cpu ${percent(round.gatewayCpuMs / wallMs)}` +
      (round.failureSamples[0] ? `; not archived: ${round.failureSamples.join("; ")}` : "") +
      (timedOut ? ` (stopped waiting after ${ROUND_TIMEOUT_MS / 1000} s)` : ""),
  );
  return round;
}

/** The baseline over a round's files, with the gateway process's CPU while its simulator serves them. */
async function rawRound(
  ctx: BenchContext,
  gateway: ServerHandle,
  platformUrl: string,
  calls: PlacedCall[],
): Promise<{ run: DownloadRun; gatewayCpuMs: number }> {
  const before = await gateway.stats();
  const run = await downloadRecordings({
    platformUrl,
    credentials: ctx.credentials,
    recordings: calls,
    concurrency: CONCURRENCY,
  });
  const gatewayCpuMs = (await gateway.stats()).cpuMs - before.cpuMs;
  ctx.log(
    `  ${run.files}/${calls.length} downloaded in ${(run.elapsedMs / 1000).toFixed(2)} s, ` +
      `gateway process cpu ${percent(gatewayCpuMs / run.elapsedMs)}, bench cpu ${percent(run.cpuMs / run.elapsedMs)}` +
      (run.errorSamples[0] ? `; failed: ${run.errorSamples.join("; ")}` : ""),
  );
  return { run, gatewayCpuMs };
}

const perSecond = (items: number, ms: number) => (ms > 0 ? (items * 1000) / ms : 0);
const mb = (bytes: number) => bytes / 1_000_000;
const round1 = (value: number) => Math.round(value * 10) / 10;

export async function benchRecordingArchive(ctx: BenchContext): Promise<BenchFigure[]> {
  const n = ctx.scale.archiveRecordings;
  const database = await createBenchDatabase("archive");
  const recordingsDir = mkdtempSync(join(tmpdir(), "privnum-bench-recordings-"));
  let measured: ArchiveRound;
  let raw: Awaited<ReturnType<typeof rawRound>>;
  try {
    const gateway = await ctx.startServer("gateway", {
      databaseUrl: database.url,
      recordingsDir,
      simulatorInMemory: true,
    });
    try {
      const platformUrl = gateway.simulatorUrl;
      if (!platformUrl) throw new Error("P9 needs the gateway's embedded simulator");
      const simulator = simulatorControl(platformUrl);
      // The bench pushes the CDRs itself (see the top of this file): none of the simulator's pushes go out.
      await simulator.setPushFaults({ drop: 1 });
      const db = new pg.Client(database.url);
      await db.connect();
      try {
        const extendNum = await createRecordedBinding(ctx, gateway);
        ctx.log(`P9 warm-up: ${WARM_UP_CALLS} recorded calls archived, then downloaded raw`);
        const warmUp = await archiveRound(ctx, gateway, simulator, db, extendNum, 0, WARM_UP_CALLS);
        if (warmUp.archived === 0) throw new Error(`P9: no warm-up recording was archived`);
        await rawRound(ctx, gateway, platformUrl, warmUp.calls);
        ctx.log(`P9 gateway: ${n} recorded calls end at once; archiver concurrency ${CONCURRENCY}`);
        measured = await archiveRound(ctx, gateway, simulator, db, extendNum, WARM_UP_CALLS, n);
        ctx.log(
          `P9 baseline: the same ${n} files, GetRecordingDownloadUrl + GET → temp file, ${CONCURRENCY} at once`,
        );
        raw = await rawRound(ctx, gateway, platformUrl, measured.calls);
      } finally {
        await db.end();
      }
    } finally {
      await gateway.stop();
    }
  } finally {
    rmSync(recordingsDir, { recursive: true, force: true });
    await database.drop();
  }

  const gatewayRate = perSecond(measured.archived, measured.windowMs);
  const rawRate = perSecond(raw.run.files, raw.run.elapsedMs);
  const gatewayBytesRate = perSecond(mb(measured.bytes), measured.windowMs);
  const rawBytesRate = perSecond(mb(raw.run.bytes), raw.run.elapsedMs);
  const cpuPerRecording = measured.archived > 0 ? measured.gatewayCpuMs / measured.archived : 0;
  const servingPerFile = raw.run.files > 0 ? raw.gatewayCpuMs / raw.run.files : 0;
  const averageKb = measured.archived > 0 ? measured.bytes / measured.archived / 1000 : 0;
  const note =
    `${n} answered calls on one recorded binding end at once on the simulator; their CDRs reach the gateway in ` +
    `signed fee pushes of ${CDRS_PER_PUSH}, sent together (the simulator's own pushes are dropped: sent one ` +
    `after another between the calls' events, they spread the CDRs over tens of seconds). The archiver, woken ` +
    `by each stored push, fetches each recording (GetRecordingDownloadUrl, then the ${averageKb.toFixed(0)} KB WAV) into ` +
    `RECORDINGS_DIR, ${CONCURRENCY} at once. Time from the first CDR queued to the last recording ARCHIVED ` +
    `(database clock): ${(measured.windowMs / 1000).toFixed(2)} s for ${measured.archived} archived, the last CDR ` +
    `queued ${(measured.arrivalMs / 1000).toFixed(2)} s after the first; ` +
    `${(measured.wallMs / 1000).toFixed(2)} s from the first push until every row had ended. Gateway process ` +
    `(with its embedded simulator serving the files) CPU ${percent(measured.gatewayCpuMs / measured.wallMs)} of a core, ` +
    `RSS ${mb(measured.rssBeforeBytes).toFixed(0)} MB before, peak ${mb(measured.rssPeakBytes).toFixed(0)} MB. ` +
    `Baseline: ${raw.run.files} files in ${(raw.run.elapsedMs / 1000).toFixed(2)} s, bench process CPU ` +
    `${percent(raw.run.cpuMs / raw.run.elapsedMs)}, gateway process (serving only) ${percent(raw.gatewayCpuMs / raw.run.elapsedMs)}. ` +
    `One warm-up round of ${WARM_UP_CALLS} before each.`;
  return [
    {
      id: "P9",
      name: `recording archive throughput: ${n} recordings, first CDR stored → last ARCHIVED (concurrency ${CONCURRENCY})`,
      value: round1(gatewayRate),
      unit: "recordings/s",
      baseline: {
        name: `raw loop: GetRecordingDownloadUrl + GET → temp file, ${CONCURRENCY} at once, no database`,
        value: round1(rawRate),
      },
      ratio: rawRate > 0 ? gatewayRate / rawRate : 0,
      note,
    },
    {
      id: "P9-bytes",
      name: "recording archive throughput in bytes (same window)",
      value: round1(gatewayBytesRate),
      unit: "MB/s",
      baseline: { name: "raw loop", value: round1(rawBytesRate) },
      ratio: rawBytesRate > 0 ? gatewayBytesRate / rawBytesRate : 0,
      note: `${rate(measured.bytes)} bytes archived; the baseline wrote ${rate(raw.run.bytes)}.`,
    },
    {
      id: "P9-cpu",
      name: "gateway process CPU per archived recording (its embedded simulator serving the file included)",
      value: Math.round(cpuPerRecording * 100) / 100,
      unit: "ms",
      lowerIsBetter: true,
      baseline: {
        name: "the same process serving one raw download (simulator only)",
        value: Math.round(servingPerFile * 100) / 100,
      },
      ...(cpuPerRecording > 0 ? { ratio: servingPerFile / cpuPerRecording } : {}),
      note:
        "The difference is what the gateway spends per recording beyond serving it: its CDR's share of the push's " +
        "ingest, the claim, the platform call, streaming, hashing and sniffing the file, the commit and the mark.",
    },
    {
      id: "P9-failed",
      name: "recordings not archived at the end of the measured round",
      value: measured.notArchived,
      unit: "recordings",
      lowerIsBetter: true,
      baseline: { name: "raw downloads failed", value: raw.run.failed },
      target: "0",
      met: measured.notArchived === 0 && !measured.timedOut,
      ...(measured.failureSamples.length > 0 || measured.timedOut || raw.run.errorSamples.length > 0
        ? {
            note: [
              measured.timedOut ? `stopped waiting after ${ROUND_TIMEOUT_MS / 1000} s` : "",
              ...measured.failureSamples,
              ...raw.run.errorSamples.map((e) => `raw: ${e}`),
            ]
              .filter(Boolean)
              .join("; "),
          }
        : {}),
    },
  ];
}
