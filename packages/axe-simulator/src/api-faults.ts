import type { RandomStream } from "./random.js";
import type { ApiFaultConfig } from "./types.js";

/** The fault chosen for one platform request, if any. */
export type ApiFault = "error500" | "flowControl" | "hang" | undefined;

/**
 * Draws the fault of one platform request. Three draws per request, always, so that changing one rate never
 * shifts the outcomes of the others for a given seed.
 */
export function drawApiFault(config: ApiFaultConfig, random: RandomStream): ApiFault {
  const a = random.next();
  const b = random.next();
  const c = random.next();
  if (a < (config.error500 ?? 0)) return "error500";
  if (b < (config.flowControl ?? 0)) return "flowControl";
  if (c < (config.hang ?? 0)) return "hang";
  return undefined;
}
