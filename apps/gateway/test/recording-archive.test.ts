import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDirectoryStorage } from "../src/recordings/directory-storage.js";
import { claimDueRecordings } from "../src/recordings/recording.repository.js";
import { type RecordingStorage, RecordingStorageError } from "../src/recordings/recording-storage.js";
import {
  DEFAULT_RECORDINGS,
  SIMULATOR_DEFAULT_APP,
  TEST_API_KEYS,
  testConfig,
} from "../src/shared/config.js";
import { startGateway, type TestGateway, until } from "./support/gateway.js";
import { cdr, signedHeaders } from "./support/notifications.js";

const X = "+8617000000001";

type Recording = {
  state: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  sizeBytes: number | null;
  contentType: string | null;
  sha256: string | null;
  archivedAt: string | null;
  url: { url: string; expiresAt: string } | null;
};
type Records = {
  callRecords: { edges: { node: { icid: string; talkSeconds: number | null; recording: Recording } }[] };
};

const RECORDS_QUERY = `query($sub: String) { callRecords(first: 100, filter: { subscriptionId: $sub }) { edges { node {
  icid talkSeconds recording { state attempts lastError nextAttemptAt sizeBytes contentType sha256 archivedAt
    url { url expiresAt } } } } } }`;

async function recordsOf(gw: TestGateway, subscriptionId?: string, as: "admin" | "viewer" = "admin") {
  const result = await gw.gql<Records>(RECORDS_QUERY, { sub: subscriptionId ?? null }, as);
  expect(result.errors).toBeUndefined();
  return result.data!.callRecords.edges.map((e) => e.node);
}

async function readAll(storage: RecordingStorage, key: string): Promise<Buffer> {
  const stream = await storage.read(key);
  const chunks: Buffer[] = [];
  for await (const chunk of stream!) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function createRecordedBinding(gw: TestGateway, bindNum: string) {
  const created = await gw.gql<{ createBinding: { binding: { subscriptionId: string; extendNum: string } } }>(
    `mutation($input: CreateBindingInput!) { createBinding(input: $input) {
      ... on CreateBindingPayload { binding { subscriptionId extendNum } } } }`,
    { input: { bindNum, virtualNum: X, recordFlag: true } },
  );
  return created.data!.createBinding.binding;
}

/** A storage whose writes fail while `failing` is set (as a full disk would make them). */
function switchableStorage(inner: RecordingStorage): RecordingStorage & { failing: boolean } {
  const storage = {
    failing: false,
    description: inner.description,
    async stage(body: AsyncIterable<Uint8Array>, options: { maxBytes: number }) {
      if (storage.failing) {
        for await (const _ of body) {
          // Read the download to its end, as a disk that fills up on the last write would.
        }
        throw new RecordingStorageError("cannot write the file: ENOSPC");
      }
      return inner.stage(body, options);
    },
    read: (key: string, range?: { start: number; end: number }) => inner.read(key, range),
    stat: (key: string) => inner.stat(key),
    delete: (key: string) => inner.delete(key),
    async probe() {
      if (storage.failing) throw new RecordingStorageError("cannot write: ENOSPC");
    },
  };
  return storage;
}

describe("recordings are archived from the platform", () => {
  let gw: TestGateway;
  let storage: ReturnType<typeof switchableStorage>;
  let binding: { subscriptionId: string; extendNum: string };

  let storageDir: string;

  beforeAll(async () => {
    storageDir = mkdtempSync(join(tmpdir(), "privnum-recordings-"));
    storage = switchableStorage(createDirectoryStorage(storageDir));
    gw = await startGateway(
      { recordings: { ...DEFAULT_RECORDINGS, archive: true } },
      {
        recordingStorage: storage,
        recordingArchive: { pollIntervalMs: 50, retry: { baseMs: 100, maxMs: 200, maxAttempts: 5 } },
      },
    );
    binding = await createRecordedBinding(gw, "+8613800000301");
  });
  afterAll(async () => {
    await gw?.stop();
    rmSync(storageDir, { recursive: true, force: true });
  });

  async function call(talkSeconds: number, outcome?: "answered" | "no-answer") {
    const sim = gw.gateway.simulator!;
    const placed = await sim.simulateCall({
      caller: "+8613900000301",
      virtualNum: X,
      digits: binding.extendNum,
      talkSeconds,
      ...(outcome ? { outcome } : {}),
    });
    await sim.clock.advance(180_000);
    return placed.cdr.icid as string;
  }

  it("stores the file of a recorded call: ARCHIVED with its size, type and checksum; short and unanswered calls are NONE", async () => {
    const recorded = await call(20);
    const short = await call(2);
    const unanswered = await call(0, "no-answer");
    await until(async () => (await recordsOf(gw, binding.subscriptionId)).length === 3, "three CDRs");
    await until(
      async () =>
        (await recordsOf(gw, binding.subscriptionId)).find((r) => r.icid === recorded)?.recording.state ===
        "ARCHIVED",
      "the recording archived",
    );
    const nodes = await recordsOf(gw, binding.subscriptionId);
    const archived = nodes.find((r) => r.icid === recorded)!.recording;
    expect(archived).toMatchObject({ state: "ARCHIVED", attempts: 1, lastError: null, nextAttemptAt: null });
    expect(archived.contentType).toBe("audio/wav");
    expect(nodes.find((r) => r.icid === short)!.recording).toMatchObject({
      state: "NONE",
      attempts: 0,
      url: null,
    });
    expect(nodes.find((r) => r.icid === unanswered)!.recording.state).toBe("NONE");

    // The stored bytes are the platform's file, whole.
    const row = await gw.gateway.services.db
      .selectFrom("recordings")
      .selectAll()
      .where("state", "=", "ARCHIVED")
      .executeTakeFirstOrThrow();
    const bytes = await readAll(storage, row.storage_key!);
    expect(bytes.subarray(0, 4).toString("ascii")).toBe("RIFF");
    expect(bytes.subarray(8, 12).toString("ascii")).toBe("WAVE");
    expect(archived.sizeBytes).toBe(bytes.length);
    expect(archived.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    const platformFile = await fetch(
      `${gw.gateway.simulatorUrl}/recordings/${encodeURIComponent(await platformFileName(gw, recorded))}`,
    );
    expect(Buffer.from(await platformFile.arrayBuffer()).equals(bytes)).toBe(true);

    // Operators get a signed link; viewers see the state but no link.
    expect(archived.url?.url).toMatch(/^\/recordings\/.+\?expires=\d+&signature=[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(archived.url!.expiresAt)).toBeGreaterThan(Date.now());
    const asViewer = (await recordsOf(gw, binding.subscriptionId, "viewer")).find(
      (r) => r.icid === recorded,
    )!;
    expect(asViewer.recording).toMatchObject({ state: "ARCHIVED", url: null });
  });

  /** What the storage directory holds besides the staging area: the committed files. */
  function committedFiles(): string[] {
    return (readdirSync(storageDir, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
      .filter((entry) => entry.isFile() && !entry.parentPath.includes(".staging"))
      .map((entry) => join(entry.parentPath, entry.name));
  }

  it("a download cut midway: FAILED and retried, no partial file kept or counted; archived whole once the download completes", async () => {
    const filesBefore = committedFiles().length;
    gw.gateway.simulator!.setFaults({ recording: { cutMidway: 1 } });
    const icid = await call(25);
    await until(async () => {
      const node = (await recordsOf(gw, binding.subscriptionId)).find((r) => r.icid === icid);
      return node?.recording.state === "FAILED" && node.recording.attempts >= 2;
    }, "two cut attempts");
    const failed = (await recordsOf(gw, binding.subscriptionId)).find((r) => r.icid === icid)!.recording;
    expect(failed.lastError).toMatch(/^the download broke off/);
    expect(failed).toMatchObject({ sizeBytes: null, sha256: null, archivedAt: null, url: null });
    expect(failed.nextAttemptAt).not.toBeNull();
    expect(committedFiles()).toHaveLength(filesBefore);

    gw.gateway.simulator!.setFaults({ recording: {} });
    await until(async () => {
      const node = (await recordsOf(gw, binding.subscriptionId)).find((r) => r.icid === icid);
      return node?.recording.state === "ARCHIVED";
    }, "the complete download");
    const archived = (await recordsOf(gw, binding.subscriptionId)).find((r) => r.icid === icid)!.recording;
    const platformBytes = Buffer.from(
      await (
        await fetch(
          `${gw.gateway.simulatorUrl}/recordings/${encodeURIComponent(await platformFileName(gw, icid))}`,
        )
      ).arrayBuffer(),
    );
    expect(archived.sizeBytes).toBe(platformBytes.length);
    expect(archived.sha256).toBe(createHash("sha256").update(platformBytes).digest("hex"));
    expect(committedFiles()).toHaveLength(filesBefore + 1);
    // Nothing in progress now: the cut attempts' partial files were all removed (checked only once no attempt
    // runs, as a retry may be writing its own staging file at any moment before).
    expect(readdirSync(join(storageDir, ".staging")).filter((name) => name.endsWith(".part"))).toEqual([]);
  });

  it("a file that is not audio: FAILED with the reason, nothing stored; never again once its attempts are used up", async () => {
    const filesBefore = committedFiles().length;
    gw.gateway.simulator!.setFaults({ recording: { notAudio: 1 } });
    try {
      const icid = await call(12);
      await until(async () => {
        const node = (await recordsOf(gw, binding.subscriptionId)).find((r) => r.icid === icid);
        return node?.recording.state === "FAILED";
      }, "the refused file");
      const failed = (await recordsOf(gw, binding.subscriptionId)).find((r) => r.icid === icid)!.recording;
      expect(failed.lastError).toMatch(/^the file is not audio \(served as text\/html, \d+ bytes\)$/);
      expect(failed.sizeBytes).toBeNull();
      expect(committedFiles()).toHaveLength(filesBefore);
      // Refused at every attempt until the policy's 5 are used up: FAILED for good, no next attempt (the
      // state the tests after this one rely on staying put).
      await until(async () => {
        const node = (await recordsOf(gw, binding.subscriptionId)).find((r) => r.icid === icid);
        return node?.recording.nextAttemptAt === null;
      }, "the attempts used up");
      const given = (await recordsOf(gw, binding.subscriptionId)).find((r) => r.icid === icid)!.recording;
      expect(given).toMatchObject({ state: "FAILED", attempts: 5, nextAttemptAt: null, sizeBytes: null });
      expect(given.lastError).toMatch(/^the file is not audio/);
      expect(committedFiles()).toHaveLength(filesBefore);
    } finally {
      gw.gateway.simulator!.setFaults({ recording: {} });
    }
  });

  it("a storage that cannot write: FAILED with the reason and a next attempt, readiness degraded, the CDR kept; archived once it can write again", async () => {
    storage.failing = true;
    const icid = await call(15);
    await until(async () => {
      const node = (await recordsOf(gw, binding.subscriptionId)).find((r) => r.icid === icid);
      return node?.recording.state === "FAILED";
    }, "the failed attempt");
    const failed = (await recordsOf(gw, binding.subscriptionId)).find((r) => r.icid === icid)!.recording;
    expect(failed.lastError).toMatch(/storage cannot write.*ENOSPC/);
    expect(failed.nextAttemptAt).not.toBeNull();
    const ready = await fetch(`${gw.gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    const report = (await ready.json()) as {
      status: string;
      checks: { name: string; state: string; detail?: string }[];
    };
    expect(report.status).toBe("degraded");
    expect(report.checks.find((c) => c.name === "recordings-storage")).toMatchObject({
      state: "degraded",
      detail: expect.stringMatching(/ENOSPC/),
    });
    // Nothing lost from the database: the CDR is stored, its job waits.
    const cdrRow = await gw.gateway.services.db
      .selectFrom("call_records")
      .select("id")
      .where("icid", "=", icid)
      .executeTakeFirst();
    expect(cdrRow).toBeDefined();

    storage.failing = false;
    await until(async () => {
      const node = (await recordsOf(gw, binding.subscriptionId)).find((r) => r.icid === icid);
      return node?.recording.state === "ARCHIVED";
    }, "the retried attempt");
    const after = (await (await fetch(`${gw.gateway.url}/readyz`)).json()) as { status: string };
    expect(after.status).toBe("ready");
  });

  it("the platform no longer has the file (1012007): EXPIRED, not retried", async () => {
    const icid = `expired-${Date.now()}`;
    const at = new Date(Date.now() - 60_000);
    const body = {
      eventType: "fee",
      feeLst: [
        cdr(icid, `session-${icid}`, at, {
          recordFlag: 1,
          recordDomain: "sim.privnum.local",
          recordObjectName: `${icid}.wav`,
          subscriptionId: binding.subscriptionId,
        }),
      ],
    };
    const pushed = await fetch(`${gw.gateway.url}/notify`, {
      method: "POST",
      headers: { ...signedHeaders(), "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(pushed.status).toBe(200);
    await until(async () => {
      const node = (await recordsOf(gw)).find((r) => r.icid === icid);
      return node?.recording.state === "EXPIRED";
    }, "the recording found expired");
    const expired = (await recordsOf(gw)).find((r) => r.icid === icid)!.recording;
    expect(expired).toMatchObject({ attempts: 1, nextAttemptAt: null, url: null });
    expect(expired.lastError).toMatch(/no longer has the recording.*1012007/);
  });

  it("callRecords filters by recording state (NONE: no recording); the subscription refuses it; exports carry it", async () => {
    const byState = async (state: string) => {
      const result = await gw.gql<{
        callRecords: { edges: { node: { icid: string; recording: { state: string } } }[] };
      }>(
        `query($state: RecordingState) { callRecords(first: 100, filter: { recordingState: $state }) {
          edges { node { icid recording { state } } } } }`,
        { state },
        "viewer",
      );
      expect(result.errors).toBeUndefined();
      return result.data!.callRecords.edges.map((e) => e.node);
    };
    // Compared across several reads: only once no recording has an attempt still to come.
    await until(
      async () =>
        (await recordsOf(gw)).every(
          (n) => n.recording.state !== "PENDING" && n.recording.nextAttemptAt === null,
        ),
      "every recording settled",
    );
    const all = await recordsOf(gw);
    for (const state of ["NONE", "ARCHIVED", "EXPIRED", "FAILED"]) {
      const found = await byState(state);
      expect(found.every((n) => n.recording.state === state)).toBe(true);
      expect(found.map((n) => n.icid).sort()).toEqual(
        all
          .filter((n) => n.recording.state === state)
          .map((n) => n.icid)
          .sort(),
      );
    }
    expect((await byState("NONE")).length).toBeGreaterThanOrEqual(2);
    expect((await byState("ARCHIVED")).length).toBeGreaterThanOrEqual(2);
    expect((await byState("EXPIRED")).length).toBeGreaterThanOrEqual(1);
    expect((await byState("FAILED")).length).toBeGreaterThanOrEqual(1);

    const refused = await new Promise<{ message: string; extensions?: { code?: string } }[]>(
      (resolve, reject) => {
        gw.wsClient("viewer").subscribe(
          { query: "subscription { callRecords(filter: { recordingState: FAILED }) { cursor } }" },
          {
            // A refusal at subscribe time comes as a result with errors, then the subscription completes.
            next: (result) =>
              result.errors ? resolve(result.errors as never) : reject(new Error("delivered")),
            error: (errors) => resolve(errors as never),
            complete: () => {},
          },
        );
      },
    );
    expect(refused[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(refused[0]?.message).toMatch(/recordingState/);

    const exported = await fetch(
      `${gw.gateway.url}/exports/call-records.jsonl?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z`,
      { headers: { authorization: `Bearer ${TEST_API_KEYS.operator}` } },
    );
    expect(exported.status).toBe(200);
    const lines = (await exported.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { icid: string; recordingState: string });
    const exportedStates = new Map(lines.map((l) => [l.icid, l.recordingState]));
    for (const node of all) expect(exportedStates.get(node.icid)).toBe(node.recording.state);
  });

  it("retryRecordingArchive queues an EXPIRED or FAILED recording again; refuses others and unknown icids", async () => {
    const expired = (await recordsOf(gw)).find((r) => r.recording.state === "EXPIRED")!;
    const retried = await gw.gql<{
      retryRecordingArchive: { __typename: string; record?: { recording: Recording } };
    }>(
      `mutation($icid: String!) { retryRecordingArchive(icid: $icid) { __typename
        ... on RetryRecordingArchivePayload { record { recording { state attempts } } } } }`,
      { icid: expired.icid },
      "operator",
    );
    expect(retried.data!.retryRecordingArchive.__typename).toBe("RetryRecordingArchivePayload");
    await until(async () => {
      const node = (await recordsOf(gw)).find((r) => r.icid === expired.icid);
      return node?.recording.state === "EXPIRED" && node.recording.attempts === 1;
    }, "the retried attempt to end EXPIRED again");

    const archived = (await recordsOf(gw)).find((r) => r.recording.state === "ARCHIVED")!;
    const refused = await gw.gql<{ retryRecordingArchive: { __typename: string } }>(
      `mutation($icid: String!) { retryRecordingArchive(icid: $icid) { __typename } }`,
      { icid: archived.icid },
      "operator",
    );
    expect(refused.data!.retryRecordingArchive.__typename).toBe("ValidationError");
    const unknown = await gw.gql<{ retryRecordingArchive: { __typename: string } }>(
      `mutation { retryRecordingArchive(icid: "no-such-icid") { __typename } }`,
      {},
      "operator",
    );
    expect(unknown.data!.retryRecordingArchive.__typename).toBe("NotFoundError");
    const viewer = await gw.gql(`mutation { retryRecordingArchive(icid: "x") { __typename } }`, {}, "viewer");
    expect(viewer.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});

/** The platform's file name of a CDR's recording (`recordObjectName`). */
async function platformFileName(gw: TestGateway, icid: string): Promise<string> {
  const row = await gw.gateway.services.db
    .selectFrom("call_records")
    .select("record_object_name")
    .where("icid", "=", icid)
    .executeTakeFirstOrThrow();
  return row.record_object_name!;
}

describe("the queue survives restarts and never hands one job to two workers", () => {
  it("jobs queued while archiving is off are archived after a restart with it on; a crashed worker's claim lapses", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "privnum-archive-restart-"));
    // The platform (the embedded simulator) keeps its recordings across the restart too.
    const config = {
      dataDir,
      database: { kind: "pglite" as const, dataDir: `${dataDir}/pglite` },
      platform: { ...testConfig().platform, stateDir: `${dataDir}/simulator` },
    };
    const off = await startGateway({ ...config, recordings: { ...DEFAULT_RECORDINGS, archive: false } });
    let icids: string[];
    try {
      const binding = await createRecordedBinding(off, "+8613800000302");
      const sim = off.gateway.simulator!;
      for (let i = 0; i < 3; i++) {
        await sim.simulateCall({
          caller: `+861390000031${i}`,
          virtualNum: X,
          digits: binding.extendNum,
          talkSeconds: 10,
        });
        await sim.clock.advance(120_000);
      }
      await until(
        async () =>
          (await off.gateway.services.db.selectFrom("recordings").select("state").execute()).length === 3,
        "three queued recordings",
      );
      // A worker that claimed one job and died: its claim holds until the lease lapses.
      const claimed = await claimDueRecordings(off.gateway.services.db, "privnum-gateway:crashed", 1, 1500);
      expect(claimed).toHaveLength(1);
      icids = (await recordsOf(off)).map((r) => r.icid);
      expect((await recordsOf(off)).every((r) => r.recording.state === "PENDING")).toBe(true);
    } finally {
      await off.stop();
    }

    const on = await startGateway(
      { ...config, recordings: { ...DEFAULT_RECORDINGS, archive: true } },
      { recordingArchive: { pollIntervalMs: 100 } },
    );
    try {
      await until(
        async () => (await recordsOf(on)).every((r) => r.recording.state === "ARCHIVED"),
        "every recording archived, the crashed worker's after its lease",
      );
      expect((await recordsOf(on)).map((r) => r.icid).sort()).toEqual([...icids].sort());
    } finally {
      await on.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("an app without recording (1012012)", () => {
  it("fails at once with the reason and no next attempt; a retry asks again", async () => {
    const gw = await startGateway(
      { recordings: { ...DEFAULT_RECORDINGS, archive: true } },
      {
        recordingArchive: { pollIntervalMs: 50, retry: { baseMs: 50, maxMs: 100 } },
        // The gateway's app on the platform, with recording not enabled.
        simulator: {
          apps: [
            {
              ...SIMULATOR_DEFAULT_APP,
              virtualNumbers: [{ number: X }],
              recordingEnabled: false,
            },
          ],
        },
      },
    );
    try {
      const icid = `not-enabled-${Date.now()}`;
      const body = {
        eventType: "fee",
        feeLst: [
          cdr(icid, `session-${icid}`, new Date(Date.now() - 60_000), {
            recordFlag: 1,
            recordDomain: "recordings.axe-simulator.local",
            recordObjectName: `${icid}.wav`,
          }),
        ],
      };
      const pushed = await fetch(`${gw.gateway.url}/notify`, {
        method: "POST",
        headers: { ...signedHeaders(), "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(pushed.status).toBe(200);
      await until(
        async () => (await recordsOf(gw)).find((r) => r.icid === icid)?.recording.state === "FAILED",
        "the refused attempt",
      );
      // Given time for a retry, none comes: the platform's answer does not change by itself.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const failed = (await recordsOf(gw)).find((r) => r.icid === icid)!.recording;
      expect(failed).toMatchObject({ state: "FAILED", attempts: 1, nextAttemptAt: null, url: null });
      expect(failed.lastError).toBe(
        "recording is not enabled for this app (1012012 Application does not open recording function.)",
      );
      // An operator who turned recording on asks again: one more attempt (still refused here).
      const retried = await gw.gql<{ retryRecordingArchive: { __typename: string } }>(
        `mutation($icid: String!) { retryRecordingArchive(icid: $icid) { __typename } }`,
        { icid },
        "operator",
      );
      expect(retried.data!.retryRecordingArchive.__typename).toBe("RetryRecordingArchivePayload");
      await until(async () => {
        const node = (await recordsOf(gw)).find((r) => r.icid === icid);
        return (
          node?.recording.state === "FAILED" &&
          node.recording.attempts === 1 &&
          node.recording.nextAttemptAt === null
        );
      }, "the requeued attempt to fail again");
    } finally {
      await gw.stop();
    }
  }, 60_000);
});
