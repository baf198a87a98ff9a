import type { RandomStream } from "./random.js";
import type { RecordingFaultConfig } from "./types.js";

/** The fault chosen for one recording download, if any. */
export type RecordingFault = "cutMidway" | "notAudio" | undefined;

/**
 * Draws the fault of one recording download. Two draws per download, always, so that changing one rate never
 * shifts the outcomes of the other for a given seed.
 */
export function drawRecordingFault(config: RecordingFaultConfig, random: RandomStream): RecordingFault {
  const a = random.next();
  const b = random.next();
  if (a < (config.cutMidway ?? 0)) return "cutMidway";
  if (b < (config.notAudio ?? 0)) return "notAudio";
  return undefined;
}
