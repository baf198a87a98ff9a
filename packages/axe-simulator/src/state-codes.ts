/**
 * `stateDesc` texts of the hang-up codes the simulator emits. Only "The user releases the call." is Huawei's
 * own English (docs/axe-platform.md §8.1); the others render the meaning column of the stateCode table
 * (docs/axe-platform.md §11.1) in English.
 */
export const STATE_DESCRIPTIONS: Readonly<Record<number, string>> = Object.freeze({
  0: "The user releases the call.",
  7503: "The callee rejected the call.",
  7516: "The caller hung up before the call was forwarded.",
  8019: "No callback record exists.",
  8022: "The binding does not exist or has expired.",
  8023: "A fixed-line number cannot be the caller.",
  8024: "The display-real-caller mode is not allowed.",
  8025: "The dialled X number does not exist.",
  8033: "An empty extension was received.",
  8055: "The X number is unavailable.",
  8101: "The callee did not answer.",
  8102: "The callee is busy.",
});

/** How a forwarded leg that was not answered fails: hang-up code, Q.850 cause, SIP status, teardown point. */
export interface LegFailure {
  stateCode: number;
  q850: number;
  sipStatusCode: number;
  ulFailReason: number;
}

/**
 * Failures of the forwarded leg per outcome. Q.850 values are from docs/axe-platform.md §11.2 (17 busy, 19
 * alerted without answer, 21 rejected); teardown points from §11.3 (7504 "call rejected"; 8101 and, for busy,
 * the stateCode table's 8102 since the teardown table was recovered only up to 8101).
 */
export const LEG_FAILURES: Readonly<Record<"no-answer" | "busy" | "rejected", LegFailure>> = Object.freeze({
  "no-answer": { stateCode: 8101, q850: 19, sipStatusCode: 480, ulFailReason: 8101 },
  busy: { stateCode: 8102, q850: 17, sipStatusCode: 486, ulFailReason: 8102 },
  rejected: { stateCode: 7503, q850: 21, sipStatusCode: 603, ulFailReason: 7504 },
});
