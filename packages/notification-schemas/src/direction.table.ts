import { type CodeInfo, type CodeLookup, lookupInteger } from "./code-table.js";

/** An entry of the CDR direction table. */
export interface DirectionInfo extends CodeInfo {
  /** The AXE scenario the direction stands for; absent for the abnormal case. */
  readonly scenario?: "callee" | "callback";
}

/** The CDR `direction` (docs/axe-platform.md §8.2, §11.4). */
export const FEE_DIRECTIONS = {
  0: { description: "Another user called A through X (callee scenario)", zh: "A被叫", scenario: "callee" },
  1: { description: "A called through X (callback scenario)", zh: "A回呼", scenario: "callback" },
  2: { description: "Abnormal case (e.g. no binding data)", zh: "异常场景(如无绑定数据)" },
} as const satisfies Record<number, DirectionInfo>;

/** A documented CDR direction. */
export type FeeDirection = keyof typeof FEE_DIRECTIONS;

/** Describes a CDR `direction`; `{ code, known: false }` for a value not in the table. */
export function describeDirection(direction: number | string): CodeLookup<number, DirectionInfo> {
  return lookupInteger<DirectionInfo>(FEE_DIRECTIONS, direction);
}
