import { type AxeClient, isAxeApiError } from "@privnum/axe-api";
import { maskPhoneNumber } from "@privnum/notification-schemas";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Database } from "../database/database.js";
import {
  listActiveBindingsOn,
  listVirtualNumbersWithActiveBindings,
  markBindingsMissingFromPlatform,
} from "./binding.repository.js";
import type { BindingRow } from "./binding.table.js";
import { appendBindingChanges } from "./binding-changes.js";

/** What one check of the mirror against the platform found. */
export interface PlatformCheckReport {
  /** Active mirrored bindings compared with the platform, on the X numbers whose check completed. */
  checked: number;
  /** Bindings the platform confirmed it does not have, now MISSING. */
  missing: number;
  /** X numbers whose check a platform error stopped; nothing was marked on them. */
  failed: number;
}

/** Options for {@link createPlatformCheck}. */
export interface PlatformCheckOptions {
  db: Kysely<Database>;
  platform: () => AxeClient;
  /** Called after a commit that stored binding changes. */
  onCommitted: () => void;
  now: () => Date;
  logger: Logger;
  /** Bindings per v2.0 listing page (1–100). @default 100 */
  pageSize?: number;
}

/** Options of one {@link PlatformCheck.run}. */
export interface PlatformCheckRunOptions {
  /** Cancels the run: platform calls in flight are aborted and the run rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Finds mirrored bindings the platform no longer has (unbound or lost outside the gateway). */
export interface PlatformCheck {
  /** Check every X that has active mirrored bindings, one X at a time; waits for a run in progress first. */
  run(options?: PlatformCheckRunOptions): Promise<PlatformCheckReport>;
}

/** A not-found answer is the only proof of absence: anything else (network, auth, 5xx) is doubt. */
function isNotFound(error: unknown): boolean {
  return isAxeApiError(error) && error.category === "not-found";
}

/**
 * Create the check. For each X it lists the platform's bindings (v2.0, docs/axe-platform.md §7.2); a mirrored
 * active binding absent from the listing is then asked for by subscriptionId (v1.0, §7.1), since a listing can lag
 * or be partial, and only a not-found answer marks it MISSING. A platform error stops the check of that X and marks
 * nothing on it.
 */
export function createPlatformCheck(options: PlatformCheckOptions): PlatformCheck {
  const { db, platform, onCommitted, now, logger } = options;
  const pageSize = options.pageSize ?? 100;
  // Runs one after the other, so a run asked for by a test or an operator does not race the one at start.
  let previous: Promise<unknown> = Promise.resolve();

  /** The mirrored rows the platform confirmed it does not have, or undefined when the platform failed. */
  async function findMissing(
    virtualNum: string,
    mirrored: readonly BindingRow[],
    signal: AbortSignal | undefined,
  ): Promise<BindingRow[] | undefined> {
    const callOptions = signal ? { signal } : {};
    try {
      const listed = new Set<string>();
      for await (const binding of platform().listBindings({ virtualNum, pageSize }, callOptions)) {
        listed.add(binding.subscriptionId);
      }
      const missing: BindingRow[] = [];
      for (const row of mirrored) {
        if (listed.has(row.subscription_id)) continue;
        try {
          await platform().getBinding({ subscriptionId: row.subscription_id }, callOptions);
          logger.debug(
            { subscriptionId: row.subscription_id, virtualNum: maskPhoneNumber(virtualNum) },
            "binding absent from the platform's listing but found by subscriptionId: left as it is",
          );
        } catch (error) {
          if (!isNotFound(error)) throw error;
          missing.push(row);
        }
      }
      return missing;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      logger.warn(
        { err: error, virtualNum: maskPhoneNumber(virtualNum) },
        "checking the mirrored bindings on X against the platform failed: nothing marked on this X",
      );
      return undefined;
    }
  }

  async function check(signal: AbortSignal | undefined): Promise<PlatformCheckReport> {
    const report: PlatformCheckReport = { checked: 0, missing: 0, failed: 0 };
    signal?.throwIfAborted();
    for (const virtualNum of await listVirtualNumbersWithActiveBindings(db, now())) {
      signal?.throwIfAborted();
      // Read the mirror before asking the platform: a binding created meanwhile is listed, not suspected.
      const mirrored = await listActiveBindingsOn(db, virtualNum, now());
      if (mirrored.length === 0) continue;
      const missing = await findMissing(virtualNum, mirrored, signal);
      if (!missing) {
        report.failed += 1;
        continue;
      }
      report.checked += mirrored.length;
      const at = now();
      const marked = await db.transaction().execute(async (tx) => {
        const marked = await markBindingsMissingFromPlatform(tx, missing, at);
        await appendBindingChanges(
          tx,
          marked.map((binding) => ({ kind: "missing" as const, binding, at })),
        );
        return marked;
      });
      if (marked.length > 0) onCommitted();
      report.missing += marked.length;
      if (marked.length > 0) {
        logger.warn(
          {
            virtualNum: maskPhoneNumber(virtualNum),
            missing: marked.length,
            subscriptionIds: marked.map((b) => b.subscription_id),
          },
          `the platform no longer has ${marked.length} of the bindings mirrored on X: marked MISSING`,
        );
      }
    }
    return report;
  }

  return {
    run({ signal } = {}) {
      const run = previous.then(() => check(signal));
      previous = run.catch(() => undefined);
      return run;
    },
  };
}

/** The check that start runs in the background. */
export interface BackgroundPlatformCheck {
  /** Resolves with the report once the check ended (undefined when it failed or was cancelled); never rejects. */
  readonly done: Promise<PlatformCheckReport | undefined>;
  /** Cancel the check (aborting platform calls in flight) and wait until it has ended. */
  stop(): Promise<void>;
}

/**
 * Start a check (`run`, e.g. `BindingCommands.checkAgainstPlatform`) in the background, after the current turn so
 * that start is not delayed, and log its outcome.
 */
export function startPlatformCheck(run: PlatformCheck["run"], logger: Logger): BackgroundPlatformCheck {
  const controller = new AbortController();
  const done = new Promise<void>((resolve) => setImmediate(resolve))
    .then(() => run({ signal: controller.signal }))
    .then(
      (report) => {
        logger.info(report, "checked the mirrored bindings against the platform");
        return report;
      },
      (error: unknown) => {
        if (!controller.signal.aborted) {
          logger.warn({ err: error }, "checking the mirrored bindings against the platform failed");
        }
        return undefined;
      },
    );
  return {
    done,
    async stop() {
      controller.abort();
      await done;
    },
  };
}
