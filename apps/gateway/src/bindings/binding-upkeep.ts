import type { Logger } from "../shared/logger.js";
import { repeatEvery } from "../shared/repeat.js";
import type { BindingCommands } from "./binding-commands.js";
import { startPlatformCheck } from "./platform-check.js";

/**
 * The bindings' background work: lapsed bindings swept every `sweepIntervalMs` (0 = never), and one check at
 * start for bindings lost on the platform behind the mirror's back (docs/axe-platform.md §7). Resolves the
 * function that stops both, waiting for a check in flight.
 */
export function startBindingUpkeep(
  bindings: BindingCommands,
  sweepIntervalMs: number,
  logger: Logger,
): () => Promise<void> {
  const stopSweeping =
    sweepIntervalMs > 0
      ? repeatEvery(sweepIntervalMs, bindings.sweepExpired, (error) =>
          logger.warn({ err: error }, "expiry sweep failed"),
        )
      : () => {};
  const check = startPlatformCheck(bindings.checkAgainstPlatform, logger);
  return async () => {
    stopSweeping();
    await check.stop();
  };
}
