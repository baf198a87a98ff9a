import { maskPhoneNumber } from "@privnum/notification-schemas";
import type { Logger } from "pino";

/** An X number a reconciliation could not (fully) reconcile, and why. */
export interface ReconcileFailure {
  /** X, in E.164 (masked whenever it is logged). */
  virtualNum: string;
  /** What went wrong, as the platform client said it (no phone numbers, no credentials). */
  reason: string;
}

/** What one reconciliation of the mirror with the platform did. */
export interface ReconcileReport {
  startedAt: Date;
  finishedAt: Date;
  /** X numbers whose bindings were asked from the platform. */
  virtualNumbers: number;
  /** Bindings the platform listed on the X numbers whose listing could be read. */
  listed: number;
  /** Bindings the platform had and the mirror lacked, mirrored by this run. */
  imported: number;
  /** Mirrored bindings the platform confirmed (resultcode 1012007) it no longer has, marked MISSING by this run. */
  missing: number;
  /** Active mirrored bindings this run left as they were: the platform still has them, or another writer got there first. */
  unchanged: number;
  /** The X numbers the platform failed for: nothing was imported or marked where the listing failed. */
  failed: ReconcileFailure[];
}

/** The counts of a report on one X, summed into the run's {@link ReconcileReport}. */
export type ReconcileCounts = Pick<ReconcileReport, "listed" | "imported" | "missing" | "unchanged">;

/** Log a finished run at info, every number masked. */
export function logReconcileReport(logger: Logger, report: ReconcileReport): void {
  logger.info(
    {
      ...report,
      failed: report.failed.map((f) => ({ virtualNum: maskPhoneNumber(f.virtualNum), reason: f.reason })),
    },
    "reconciled the bindings with the platform",
  );
}
