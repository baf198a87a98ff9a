// Decisions about a recording's short-lived signed link and about watching the archive progress: pure, so tested
// without a browser.

/** How long before its `expiresAt` a link is treated as expired: the audio element still has to request it. */
export const LINK_MARGIN_MS = 1500;

/** How soon a FAILED recording's next attempt must be due for the page to keep refreshing. */
export const SOON_MS = 60_000;

/** How often the page refreshes while a visible recording is being archived. */
export const ARCHIVE_POLL_MS = 3000;

/** Whether a signed link can still be handed to an `<audio>` element at `now` (epoch ms). */
export function linkIsFresh(
  link: { expiresAt: string } | null | undefined,
  now: number,
  marginMs: number = LINK_MARGIN_MS,
): boolean {
  if (!link) return false;
  const expiresAt = Date.parse(link.expiresAt);
  return Number.isFinite(expiresAt) && expiresAt - now > marginMs;
}

/** What a recording's archive looks like for {@link archiveInProgress}. */
export interface ArchiveProgress {
  state: string;
  nextAttemptAt: string | null;
}

/**
 * Whether any of `recordings` will change state soon on its own (PENDING, or FAILED with a next attempt due
 * within `soonMs` or overdue), so the page should refresh to show it.
 */
export function archiveInProgress(
  recordings: readonly ArchiveProgress[],
  now: number,
  soonMs: number = SOON_MS,
): boolean {
  return recordings.some((recording) => {
    if (recording.state === "PENDING") return true;
    if (recording.state !== "FAILED" || recording.nextAttemptAt === null) return false;
    const due = Date.parse(recording.nextAttemptAt);
    return Number.isFinite(due) && due - now <= soonMs;
  });
}
