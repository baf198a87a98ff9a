import { type AxeClient, type Binding, isAxeApiError } from "@privnum/axe-api";
import { maskPhoneNumber, maskPhoneNumbersInText } from "@privnum/notification-schemas";
import type { Kysely, Transaction } from "kysely";
import type { Logger } from "pino";
import type { Database } from "../database/database.js";
import { listKnownVirtualNumbers, rememberVirtualNumbers } from "../numbers/virtual-number.repository.js";
import {
  findBindings,
  insertImportedBinding,
  listActiveBindingsOn,
  listVirtualNumbersWithActiveBindings,
  markBindingsMissingFromPlatform,
} from "./binding.repository.js";
import type { BindingRow } from "./binding.table.js";
import { type BindingWrite, commitBindingChanges } from "./binding-changes.js";
import { bindingRowFromPlatform } from "./binding-row.js";
import { computeExpiresAt } from "./expiry.js";
import {
  logReconcileReport,
  type ReconcileCounts,
  type ReconcileFailure,
  type ReconcileReport,
} from "./reconcile-report.js";

/**
 * The v1.0 answer that proves a binding is gone: "The record does not exist" (docs/axe-platform.md §7.1).
 * Any other answer, a not-found of another code included, is doubt.
 */
export const RECORD_DOES_NOT_EXIST = "1012007";

/**
 * Most bindings one X may have: E has at most 4 digits. A listing that goes past this is not a listing of one
 * X, and is not believed.
 */
export const MAX_BINDINGS_PER_VIRTUAL_NUMBER = 10_000;

/** Options for {@link createBindingReconciler}. */
export interface BindingReconcilerOptions {
  db: Kysely<Database>;
  platform: () => AxeClient;
  /** Called after a commit that stored binding changes: wakes the change feeds of every instance. */
  onCommitted: () => void;
  now: () => Date;
  logger: Logger;
  /** Bindings per v2.0 listing page (1–100). @default 100 */
  pageSize?: number;
  /** Most bindings believed in one X's listing; past it the X fails. @default MAX_BINDINGS_PER_VIRTUAL_NUMBER */
  maxListedPerVirtualNumber?: number;
}

/** Options of one {@link BindingReconciler.run}. */
export interface ReconcileRunOptions {
  /** Only these X numbers (E.164, validated by the caller). @default every X the gateway serves or has bindings on */
  virtualNums?: readonly string[];
  /** Cancels the run: platform calls in flight are aborted and the run rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Brings the mirror in line with the platform's own list of bindings. */
export interface BindingReconciler {
  /**
   * Reconcile, one X at a time, after a run in progress in this process. Rejects when the platform refuses the
   * gateway's credentials (asking again for every X could get its address locked out), when the database
   * fails, or when cancelled; a platform failure on one X is reported in `failed` instead.
   */
  run(options?: ReconcileRunOptions): Promise<ReconcileReport>;
}

/** What one X's reconciliation did; `failure` when the platform failed for it. */
interface VirtualNumberOutcome extends ReconcileCounts {
  failure?: string;
}

/** The platform's failure as a report line: its message and code (the client masks numbers; masked again here). */
function describeFailure(error: unknown): string {
  const text = isAxeApiError(error)
    ? `${error.message}${error.resultcode ? ` (resultcode ${error.resultcode})` : ""}`
    : String((error as Error)?.message ?? error);
  return maskPhoneNumbersInText(text);
}

/** Whether going on with other X numbers is pointless and harmful: the platform refused the gateway itself. */
function refusesTheGateway(error: unknown): boolean {
  return isAxeApiError(error) && error.category === "authentication";
}

/**
 * Create the reconciler. For each X it lists the platform's bindings (v2.0, every page, docs/axe-platform.md
 * §7.2) and:
 * - imports each listed binding the mirror has no current row for (kind `imported`);
 * - asks for each active mirrored binding the listing lacks by subscriptionId (v1.0, §7.1), since a listing can
 *   lag or be partial, and marks it MISSING only on the answer 1012007 (kind `missing`).
 * An unreadable listing imports and marks nothing on that X. Both writes are conditional (insert unless a
 * current row exists; mark only the version read, while active), so when several instances reconcile at once
 * each binding is imported or marked, and published, by one of them only.
 */
export function createBindingReconciler(options: BindingReconcilerOptions): BindingReconciler {
  const { db, platform, onCommitted, now, logger } = options;
  const pageSize = options.pageSize ?? 100;
  const maxListed = options.maxListedPerVirtualNumber ?? MAX_BINDINGS_PER_VIRTUAL_NUMBER;
  // Runs one after the other, so that a run asked for by an operator does not race the scheduled one.
  let previous: Promise<unknown> = Promise.resolve();

  /** A write to the mirror and the binding changes it made, in one transaction (see `commitBindingChanges`). */
  const changing = <T>(write: (tx: Transaction<Database>) => Promise<BindingWrite<T>>) =>
    commitBindingChanges(db, onCommitted, write);

  /** Every binding the platform lists on X (all pages). */
  async function listPlatformBindings(
    virtualNum: string,
    signal: AbortSignal | undefined,
  ): Promise<Binding[]> {
    const listed: Binding[] = [];
    for await (const binding of platform().listBindings({ virtualNum, pageSize }, signal ? { signal } : {})) {
      listed.push(binding);
      if (listed.length > maxListed) {
        throw new Error(
          `the listing went past ${maxListed} bindings, more than one X can have: not believed`,
        );
      }
    }
    return listed;
  }

  /** Mirror the listed bindings the mirror has no current row for; returns how many this run inserted. */
  async function importUnknown(listed: readonly Binding[]): Promise<number> {
    const known = new Set(
      (
        await findBindings(
          db,
          listed.map((b) => b.subscriptionId),
        )
      ).map((row) => row.subscription_id),
    );
    let imported = 0;
    for (const binding of listed) {
      if (known.has(binding.subscriptionId)) continue;
      const at = now();
      // When the platform created it is not reported: its lifetime counted from now is an upper bound.
      const expiresAt = computeExpiresAt(at, binding.timeUnit ?? "hours", binding.bindExpiredTime);
      const row = bindingRowFromPlatform(binding, { createdAt: at, updatedAt: at, expiresAt });
      const inserted = await changing(async (tx) => {
        const inserted = await insertImportedBinding(tx, row);
        if (!inserted) return { result: undefined, changes: [] };
        // An X named by an operator may be new to the gateway: list it with the others from now on.
        await rememberVirtualNumbers(tx, [inserted.virtual_num], at);
        return { result: inserted, changes: [{ kind: "imported" as const, binding: inserted, at }] };
      });
      if (inserted) imported += 1;
    }
    return imported;
  }

  /**
   * The mirrored rows the listing lacks that the platform confirms gone (1012007), and how many it could not
   * be asked about.
   */
  async function confirmGone(
    unlisted: readonly BindingRow[],
    signal: AbortSignal | undefined,
  ): Promise<{ gone: BindingRow[]; doubts: string[] }> {
    const gone: BindingRow[] = [];
    const doubts: string[] = [];
    for (const row of unlisted) {
      try {
        await platform().getBinding({ subscriptionId: row.subscription_id }, signal ? { signal } : {});
        logger.debug(
          { subscriptionId: row.subscription_id, virtualNum: maskPhoneNumber(row.virtual_num) },
          "binding absent from the platform's listing but found by subscriptionId: left as it is",
        );
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (refusesTheGateway(error)) throw error;
        if (isAxeApiError(error) && error.resultcode === RECORD_DOES_NOT_EXIST) gone.push(row);
        else doubts.push(describeFailure(error));
      }
    }
    return { gone, doubts };
  }

  async function reconcileVirtualNumber(
    virtualNum: string,
    signal: AbortSignal | undefined,
  ): Promise<VirtualNumberOutcome> {
    const none = { listed: 0, imported: 0, missing: 0, unchanged: 0 };
    // Read the mirror before asking the platform: a binding created meanwhile is listed, not suspected.
    const mirrored = await listActiveBindingsOn(db, virtualNum, now());
    let listed: Binding[];
    try {
      listed = await listPlatformBindings(virtualNum, signal);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (refusesTheGateway(error)) throw error;
      return { ...none, failure: `listing failed: ${describeFailure(error)}` };
    }
    const imported = await importUnknown(listed);
    const listedIds = new Set(listed.map((b) => b.subscriptionId));
    const unlisted = mirrored.filter((row) => !listedIds.has(row.subscription_id));
    const { gone, doubts } = await confirmGone(unlisted, signal);
    const at = now();
    const marked = await changing(async (tx) => {
      const marked = await markBindingsMissingFromPlatform(tx, gone, at);
      return {
        result: marked,
        changes: marked.map((binding) => ({ kind: "missing" as const, binding, at })),
      };
    });
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
    const outcome: VirtualNumberOutcome = {
      listed: listed.length,
      imported,
      missing: marked.length,
      unchanged: mirrored.length - marked.length - doubts.length,
    };
    if (doubts.length > 0) {
      outcome.failure =
        `${doubts.length} binding(s) absent from the listing could not be confirmed gone, left as they are: ` +
        doubts[0];
    }
    return outcome;
  }

  /** The X numbers of a run: those given, or every one the gateway serves or has active bindings on. */
  async function virtualNumbersOf(given: readonly string[] | undefined): Promise<string[]> {
    if (given) return [...new Set(given)];
    const [known, bound] = await Promise.all([
      listKnownVirtualNumbers(db),
      listVirtualNumbersWithActiveBindings(db, now()),
    ]);
    return [...new Set([...known, ...bound])].sort();
  }

  async function reconcile({ virtualNums, signal }: ReconcileRunOptions): Promise<ReconcileReport> {
    // The report's times are the wall clock's (an operator reads them), not the lifetimes' clock.
    const startedAt = new Date();
    signal?.throwIfAborted();
    const numbers = await virtualNumbersOf(virtualNums);
    const totals: ReconcileCounts = { listed: 0, imported: 0, missing: 0, unchanged: 0 };
    const failed: ReconcileFailure[] = [];
    for (const virtualNum of numbers) {
      signal?.throwIfAborted();
      const { failure, ...counts } = await reconcileVirtualNumber(virtualNum, signal);
      for (const key of Object.keys(totals) as (keyof ReconcileCounts)[]) totals[key] += counts[key];
      if (failure) {
        failed.push({ virtualNum, reason: failure });
        logger.warn(
          { virtualNum: maskPhoneNumber(virtualNum), reason: failure },
          "reconciling the bindings on X with the platform failed: nothing marked on X that the platform did not confirm",
        );
      }
    }
    const report: ReconcileReport = {
      startedAt,
      finishedAt: new Date(),
      virtualNumbers: numbers.length,
      ...totals,
      failed,
    };
    logReconcileReport(logger, report);
    return report;
  }

  return {
    run(runOptions = {}) {
      const run = previous.then(() => reconcile(runOptions));
      previous = run.catch(() => undefined);
      return run;
    },
  };
}
