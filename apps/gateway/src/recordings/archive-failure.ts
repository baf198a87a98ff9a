/**
 * Why an archive attempt did not store a file, and what follows: `expired` (the platform no longer has it:
 * `EXPIRED`, never tried again), or `failed` (`FAILED`, tried again later when `retry`). `storage` marks a
 * failure of the gateway's own storage (readiness reports it). `reason` is one sentence for `lastError` and
 * the log: never a download URL (it may carry a signature) nor a phone number.
 */
export class ArchiveFailure extends Error {
  override name = "ArchiveFailure";

  constructor(
    readonly outcome: "expired" | "failed",
    reason: string,
    readonly retry: boolean,
    readonly storage = false,
    options?: ErrorOptions,
  ) {
    super(reason, options);
  }
}
