import type { SimulatorSnapshot } from "./snapshot.js";

/**
 * Virtual time at which a restored state continues. A running clock (`timeScale > 0`) counts the time the
 * simulator was down, as the platform keeps time while an app is down: the saved virtual time plus the wall-clock
 * time since the save, scaled. A frozen clock (`timeScale` 0) and a state saved without its wall-clock time
 * resume at the saved virtual time; a wall clock now behind the save (set back meanwhile) counts as no downtime,
 * so the virtual clock never goes backwards.
 */
export function resumeTime(
  saved: Pick<SimulatorSnapshot, "now" | "savedAt">,
  wallNowMs: number,
  timeScale: number,
): number {
  if (timeScale === 0 || saved.savedAt === undefined) return saved.now;
  const downtimeMs = Math.max(0, wallNowMs - Date.parse(saved.savedAt));
  return saved.now + Math.floor(downtimeMs * timeScale);
}
