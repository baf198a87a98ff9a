// The console's Call records page in a real browser, against a real gateway whose embedded simulator places recorded
// calls and whose archiver stores their recordings: an operator sees a new CDR arrive live with its duration,
// outcome and recording state, watches the state become ARCHIVED without reloading, plays the recording in the row
// (the <audio> element fetches the signed link, and a fresh one once it expired), retries a failed archive and
// exports; a viewer sees masked numbers and no control that plays, retries or exports. Nothing leaves the machine
// and the page logs no error. Needs /usr/bin/chromium (skips without it, except under CI=true).
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Locator, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDirectoryStorage } from "../src/recordings/directory-storage.js";
import { type RecordingStorage, RecordingStorageError } from "../src/recordings/recording-storage.js";
import { DEFAULT_RECORDINGS, TEST_API_KEYS } from "../src/shared/config.js";
import { type ConsoleBrowser, openConsole } from "./support/console-browser.js";
import { startGateway, type TestGateway } from "./support/gateway.js";
import { CHROMIUM_PATH } from "./support/offline-chromium.js";
import { pushCdrs } from "./support/recordings.js";

const runBrowser = existsSync(CHROMIUM_PATH) || process.env.CI === "true";
if (!runBrowser) console.warn(`console browser test skipped: no Chromium at ${CHROMIUM_PATH}`);

const X = "+8617000000001";
const A = "+8613800000451";
const CALLER = "+8613900000452";
// Short enough that a link shown by the page expires while the test waits; long enough to be requested in time.
const LINK_TTL_SECONDS = 3;

/**
 * A storage that holds each write until released (`hold`), refuses it as a full disk would (`fail`), or
 * writes it (`pass`): the page then shows PENDING, FAILED and ARCHIVED when the test wants them.
 */
function controlledStorage(inner: RecordingStorage) {
  let release: () => void = () => {};
  let held = Promise.resolve();
  const control = {
    mode: "pass" as "pass" | "fail",
    hold() {
      held = new Promise((resolve) => {
        release = resolve;
      });
    },
    release: () => release(),
  };
  const storage: RecordingStorage = {
    description: inner.description,
    async stage(body, options) {
      await held;
      if (control.mode === "fail") {
        for await (const _ of body) {
          // Read the download to its end, as a disk that fills up on the last write would.
        }
        throw new RecordingStorageError("cannot write the file: ENOSPC");
      }
      return inner.stage(body, options);
    },
    read: (key, range) => inner.read(key, range),
    stat: (key) => inner.stat(key),
    delete: (key) => inner.delete(key),
    probe: () => inner.probe(),
  };
  return { storage, control };
}

describe.skipIf(!runBrowser)("the Call records page", () => {
  let gw: TestGateway;
  let browser: ConsoleBrowser;
  let storageDir: string;
  let control: ReturnType<typeof controlledStorage>["control"];
  let extendNum: string;
  let icid: string;
  /** Every response to a signed recording link, in order. */
  const recordingResponses: { url: string; status: number }[] = [];
  /** The GraphQL operations the page posted, by name, in order. */
  const operations: string[] = [];

  beforeAll(async () => {
    storageDir = mkdtempSync(join(tmpdir(), "privnum-console-recordings-"));
    const controlled = controlledStorage(createDirectoryStorage(storageDir));
    control = controlled.control;
    gw = await startGateway(
      { recordings: { ...DEFAULT_RECORDINGS, archive: true, linkTtlSeconds: LINK_TTL_SECONDS } },
      {
        recordingStorage: controlled.storage,
        // A failed attempt waits long enough to stay FAILED until the test retries it.
        recordingArchive: { pollIntervalMs: 100, retry: { baseMs: 600_000, maxMs: 600_000 } },
      },
    );
    const created = await gw.gql<{ createBinding: { binding: { extendNum: string } } }>(
      `mutation($input: CreateBindingInput!) { createBinding(input: $input) {
        ... on CreateBindingPayload { binding { extendNum } } } }`,
      { input: { bindNum: A, virtualNum: X, recordFlag: true } },
    );
    extendNum = created.data!.createBinding.binding.extendNum;
    browser = await openConsole(gw.gateway.url);
    browser.page.on("response", (response: Response) => {
      if (new URL(response.url()).pathname.startsWith("/recordings/")) {
        recordingResponses.push({ url: response.url(), status: response.status() });
      }
    });
    browser.page.on("request", (request) => {
      const body = request.method() === "POST" ? request.postData() : null;
      const name = body?.match(/"operationName":"(\w+)"/)?.[1];
      if (name) operations.push(name);
    });
  }, 120_000);
  afterAll(async () => {
    control?.release();
    await browser?.close();
    await gw?.stop();
    if (storageDir) rmSync(storageDir, { recursive: true, force: true });
  });

  async function placeCall(talkSeconds: number): Promise<string> {
    const sim = gw.gateway.simulator!;
    const placed = await sim.simulateCall({ caller: CALLER, virtualNum: X, digits: extendNum, talkSeconds });
    await sim.clock.advance(180_000);
    return placed.cdr.icid as string;
  }

  const row = (id: string): Locator => browser.page.locator(`tr[data-icid="${id}"]`);
  const recordingState = (id: string) => row(id).getByTestId("recording-state").getAttribute("data-state");

  async function firstCallInTime(): Promise<string> {
    const result = await gw.gql<{ callRecord: { callInTime: string } }>(
      "query($icid: String!) { callRecord(icid: $icid) { callInTime } }",
      { icid },
    );
    return result.data!.callRecord.callInTime;
  }

  async function audioState() {
    return browser.page.locator("audio").evaluate((audio: HTMLAudioElement) => ({
      readyState: audio.readyState,
      duration: audio.duration,
      src: audio.currentSrc,
    }));
  }

  it("shows a new CDR live on the first page: duration, outcome and a PENDING recording that becomes ARCHIVED without reload", async () => {
    await browser.signIn(TEST_API_KEYS.operator);
    await browser.open("records");
    const { page } = browser;
    await expect.poll(() => page.getByTestId("feed-status").getAttribute("data-state")).toBe("live");
    await expect.poll(() => page.getByText("No call records yet").count()).toBe(1);
    // Marks this document: a reload would lose it.
    await page.evaluate(() => {
      (window as unknown as { keptAcrossUpdates: boolean }).keptAcrossUpdates = true;
    });

    control.hold();
    icid = await placeCall(20);
    await row(icid).waitFor();
    expect(await row(icid).getByTestId("duration").textContent()).toBe("0:20");
    expect(await row(icid).getByTestId("outcome").textContent()).toBe("ANSWERED");
    expect(await row(icid).textContent()).toContain(CALLER);
    expect(await row(icid).textContent()).toContain(A);
    expect(await recordingState(icid)).toBe("PENDING");

    control.release();
    await expect.poll(() => recordingState(icid), { timeout: 20_000 }).toBe("ARCHIVED");
    expect(await row(icid).textContent()).toContain("audio/wav");
    expect(
      await page.evaluate(() => (window as unknown as { keptAcrossUpdates?: boolean }).keptAcrossUpdates),
    ).toBe(true);
  }, 60_000);

  it("plays the recording in the row from its signed link", async () => {
    const before = recordingResponses.length;
    await row(icid)
      .getByRole("button", { name: `Play recording of call ${icid}` })
      .click();
    await expect
      .poll(async () => (await audioState()).readyState, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(1);
    const audio = await audioState();
    expect(Number.isFinite(audio.duration)).toBe(true);
    expect(audio.duration).toBeGreaterThan(0);
    const responses = recordingResponses.slice(before);
    expect(responses.length).toBeGreaterThan(0);
    for (const response of responses) {
      expect(response.url).toMatch(
        new RegExp(`/recordings/${encodeURIComponent(icid)}\\?expires=\\d+&signature=[\\w-]{43}$`),
      );
      expect([200, 206]).toContain(response.status);
    }
  }, 60_000);

  it("asks for a fresh link once the page's link has expired, and still plays", async () => {
    const { page } = browser;
    await row(icid).getByRole("button", { name: "Close player" }).click();
    expect(await page.locator("audio").count()).toBe(0);
    // The link the row holds was issued before the archive finished: wait until it has certainly expired.
    await page.waitForTimeout((LINK_TTL_SECONDS + 1) * 1000);
    const responsesBefore = recordingResponses.length;
    const operationsBefore = operations.length;
    await row(icid)
      .getByRole("button", { name: `Play recording of call ${icid}` })
      .click();
    await expect
      .poll(async () => (await audioState()).readyState, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(1);
    expect((await audioState()).duration).toBeGreaterThan(0);
    expect(operations.slice(operationsBefore)).toContain("CallRecordLink");
    const responses = recordingResponses.slice(responsesBefore);
    expect(responses.length).toBeGreaterThan(0);
    for (const response of responses) expect([200, 206]).toContain(response.status);
    // The fresh link expires later than every link the page had before.
    const expiresOf = (url: string) => Number(new URL(url).searchParams.get("expires"));
    const earlier = Math.max(...recordingResponses.slice(0, responsesBefore).map((r) => expiresOf(r.url)));
    expect(expiresOf(responses[0]!.url)).toBeGreaterThan(earlier);
  }, 60_000);

  it("replaces a fresh link the gateway refuses (the audio element errors) once, and plays", async () => {
    const { page } = browser;
    await row(icid).getByRole("button", { name: "Close player" }).click();
    // The next load of the recording is answered as an expired link is (a gateway clock ahead of the browser's).
    let refused = 0;
    await page.route("**/recordings/**", async (route) => {
      if (refused++ > 0) return route.fallback();
      await route.fulfill({
        status: 403,
        contentType: "application/json",
        body: JSON.stringify({ error: "This recording link has expired" }),
      });
    });
    try {
      const operationsBefore = operations.length;
      await row(icid)
        .getByRole("button", { name: `Play recording of call ${icid}` })
        .click();
      await expect
        .poll(async () => (await audioState()).readyState, { timeout: 20_000 })
        .toBeGreaterThanOrEqual(1);
      expect(refused).toBeGreaterThanOrEqual(2);
      // The row's link had expired (a fresh one asked before playing), and the refused one was replaced.
      expect(operations.slice(operationsBefore).filter((name) => name === "CallRecordLink")).toHaveLength(2);
      expect(await row(icid).getByRole("alert").count()).toBe(0);
    } finally {
      await page.unroute("**/recordings/**");
    }
  }, 60_000);

  it("shows a failed archive with its reason and next attempt, and an operator retries it", async () => {
    control.mode = "fail";
    const failedIcid = await placeCall(15);
    await row(failedIcid).waitFor();
    await expect.poll(() => recordingState(failedIcid), { timeout: 20_000 }).toBe("FAILED");
    const text = await row(failedIcid).textContent();
    expect(text).toContain("ENOSPC");
    expect(text).toContain("Next attempt at");

    control.mode = "pass";
    await row(failedIcid).getByRole("button", { name: "Retry archive" }).click();
    await expect.poll(() => recordingState(failedIcid), { timeout: 20_000 }).toBe("ARCHIVED");
    expect(await row(failedIcid).getByRole("button", { name: "Retry archive" }).count()).toBe(0);
  }, 60_000);

  it("validates the time range inline and shows the gateway's refusal of an export without one", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Export CSV" }).click();
    await expect
      .poll(() => page.getByRole("alert").first().textContent())
      .toContain("Parameter from is required");

    await page.getByLabel("From").fill("2026-06-02T10:00");
    await page.getByLabel("To").fill("2026-06-01T10:00");
    await expect.poll(() => page.getByText("“From” must be before “To”").count()).toBe(1);
    expect(await page.getByLabel("From").getAttribute("aria-invalid")).toBe("true");
    expect(new URL(page.url()).searchParams.get("to")).toBeNull();

    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.getByLabel("X number").selectOption(X);
    await expect.poll(() => new URL(page.url()).searchParams.get("x")).toBe(X);
    await row(icid).waitFor();
    await page.getByLabel("X number").selectOption("+8617000000002");
    await expect.poll(() => page.getByText("No call records match these filters.").count()).toBe(1);
    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.getByLabel("Outcome").selectOption("UNANSWERED");
    await expect.poll(() => page.getByText("No call records match these filters.").count()).toBe(1);
    expect(new URL(page.url()).searchParams.get("outcome")).toBe("UNANSWERED");
    await page.getByLabel("Outcome").selectOption("ANSWERED");
    await row(icid).waitFor();

    // A range around the calls (the simulator's clock, not the test's) exports them.
    await page.getByRole("button", { name: "Clear filters" }).click();
    const start = new Date(Date.parse(await firstCallInTime()) - 3_600_000);
    const end = new Date(start.getTime() + 24 * 3_600_000);
    const local = (d: Date) =>
      `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}T${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
    await page.getByLabel("From").fill(local(start));
    await page.getByLabel("To").fill(local(end));
    await expect.poll(() => new URL(page.url()).searchParams.get("to")).not.toBeNull();
    // The feed restarted with the new filters on the socket already open: live, not "connecting" forever.
    await expect.poll(() => page.getByTestId("feed-status").getAttribute("data-state")).toBe("live");
    await row(icid).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^call-records-.+\.csv$/);
    const csv = readFileSync(await download.path(), "utf8");
    expect(csv.split("\n")[0]).toContain("icid");
    expect(csv).toContain(icid);
  }, 60_000);

  it("shows a viewer masked numbers and the recording's state, with no player, retry or export", async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "Sign out" }).click();
    await browser.signIn(TEST_API_KEYS.viewer);
    await browser.open("records");
    await row(icid).waitFor();
    const text = (await row(icid).textContent()) ?? "";
    expect(text).not.toContain(CALLER);
    expect(text).toMatch(/\+86139\*+0452/);
    expect(await recordingState(icid)).toBe("ARCHIVED");
    expect(text).toContain("Recordings are for operators.");
    expect(await page.getByRole("button", { name: /Play recording/ }).count()).toBe(0);
    expect(await page.locator("audio").count()).toBe(0);
    expect(await page.getByRole("button", { name: "Retry archive" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: /^Export/ }).count()).toBe(0);
    // X numbers reach a viewer masked, which would filter nothing: no X filter is offered.
    expect(await page.getByLabel("Outcome").count()).toBe(1);
    expect(await page.getByLabel("X number").count()).toBe(0);
  }, 60_000);

  it("pages 25 CDRs at a time, newest first, with the page in the URL", async () => {
    const { page } = browser;
    // 30 CDRs stored after the 2 calls placed above (newest first is the order they were stored in): pages of
    // 25 and 7.
    await pushCdrs(
      gw.gateway,
      Array.from({ length: 30 }, (_, i) => `paged-${String(i).padStart(2, "0")}`),
    );
    await page.reload();
    const rows = page.locator("tbody tr");
    await expect.poll(() => rows.count()).toBe(25);
    const icids = () => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-icid") ?? ""));
    expect((await icids()).every((id) => id.startsWith("paged-"))).toBe(true);
    expect(await page.getByRole("button", { name: "Newest" }).isDisabled()).toBe(true);

    await page.getByRole("button", { name: "Older →" }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get("after")).not.toBeNull();
    await row(icid).waitFor();
    expect(await rows.count()).toBe(7);
    expect((await icids()).filter((id) => id.startsWith("paged-"))).toHaveLength(5);
    expect(await page.getByRole("button", { name: "Older →" }).isDisabled()).toBe(true);
    expect(await page.getByText("New records appear live on the first page.").count()).toBe(1);

    await page.getByRole("button", { name: "← Newer" }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get("before")).not.toBeNull();
    await expect.poll(() => row(icid).count()).toBe(0);
    expect(await rows.count()).toBe(25);
    await page.getByRole("button", { name: "Newest" }).click();
    await expect.poll(() => new URL(page.url()).search).toBe("");
    await expect.poll(() => page.getByTestId("feed-status").getAttribute("data-state")).toBe("live");
  }, 60_000);

  it("made no request beyond the gateway and logged no error", () => {
    expect(browser.foreignRequests()).toEqual([]);
    // The export refused for want of a range and the link refused on purpose are the only errors the browser
    // reports (failed resource loads).
    expect(browser.pageErrors.filter((error) => !/\b(400|403)\b/.test(error))).toEqual([]);
  });
});
