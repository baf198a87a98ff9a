/** When a failed archive attempt is tried again. */
export interface ArchiveRetryPolicy {
  /** Delay before the first retry, in ms. @default 30000 */
  baseMs: number;
  /** Longest delay between attempts, in ms. @default 3600000 */
  maxMs: number;
  /** Attempts in all; after the last failure the job stays `FAILED` with no next attempt. @default 30 (about a day) */
  maxAttempts: number;
}

/** The policy that applies when none is given. */
export const DEFAULT_ARCHIVE_RETRY_POLICY: ArchiveRetryPolicy = Object.freeze({
  baseMs: 30_000,
  maxMs: 3_600_000,
  maxAttempts: 30,
});

/**
 * The delay before the next attempt after `attempts` failed ones: doubling from `baseMs` up to `maxMs`, each
 * spread by ±20 % so that many recordings failing together (the platform or the disk away) do not come back
 * at one instant; null once `maxAttempts` have failed.
 */
export function nextRetryDelay(
  policy: ArchiveRetryPolicy,
  attempts: number,
  random: () => number = Math.random,
): number | null {
  if (attempts >= policy.maxAttempts) return null;
  const exponential = policy.baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30);
  const delay = Math.min(exponential, policy.maxMs);
  return Math.round(delay * (0.8 + 0.4 * random()));
}
