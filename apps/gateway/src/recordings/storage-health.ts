import type { ReadinessCheck } from "../ops/readiness.js";

/**
 * Whether the recordings storage could write the last time it was asked to, as a readiness check: `degraded`
 * from a failed write until the next write that succeeds. Optional: the gateway serves without its archive
 * (CDRs are stored, recordings wait as `FAILED` with their next attempt), but the operator must know.
 */
export interface StorageHealth {
  readonly readiness: ReadinessCheck;
  /** A write failed; `reason` is a short sentence without paths' contents or secrets. */
  failed(reason: string): void;
  /** A write succeeded. */
  succeeded(): void;
  /** Whether the last write failed. */
  readonly failing: boolean;
}

/** A {@link StorageHealth}, healthy until told otherwise. */
export function createStorageHealth(): StorageHealth {
  let failure: string | undefined;
  return {
    readiness: {
      name: "recordings-storage",
      severity: "optional",
      run: async () =>
        failure === undefined
          ? { state: "ok" }
          : { state: "degraded", detail: `recordings cannot be stored: ${failure}` },
    },
    failed(reason) {
      failure = reason;
    },
    succeeded() {
      failure = undefined;
    },
    get failing() {
      return failure !== undefined;
    },
  };
}
