import { type CodeInfo, type CodeLookup, lookupInteger } from "./code-table.js";

/** An entry of the X-number status table. */
export interface NumStatusInfo extends CodeInfo {
  /** Whether new bindings can be made on the number. */
  readonly canBind: boolean;
  /** Whether calls (and existing bindings) through the number work. */
  readonly canCall: boolean;
}

/**
 * X-number statuses of the numStatus push (docs/axe-platform.md §16.2); sent as the strings `"5"`, `"9"`,
 * `"10"`, `"11"`.
 */
export const NUM_STATUSES = {
  5: { description: "Normal", zh: "正常", canBind: true, canCall: true },
  9: { description: "Paused: binding, calls and SMS all stop", zh: "暂停", canBind: false, canCall: false },
  10: {
    description: "Unavailable: binding, calls and SMS all stop",
    zh: "不可用",
    canBind: false,
    canCall: false,
  },
  11: {
    description: "Binding frozen: no new bindings; existing bindings keep working",
    zh: "冻结绑定",
    canBind: false,
    canCall: true,
  },
} as const satisfies Record<number, NumStatusInfo>;

/** A documented X-number status. */
export type NumStatus = keyof typeof NUM_STATUSES;

/**
 * Reasons an X number is unavailable, the `cause` of a numStatus entry (docs/axe-platform.md §16.2); sent as
 * strings.
 */
export const NUM_STATUS_CAUSES = {
  1: { description: "Number deleted", zh: "号码被删除" },
  2: { description: "Account in arrears", zh: "欠费" },
  3: { description: "Line stopped", zh: "停机" },
  5: { description: "Calls restricted by the carrier", zh: "被运营商限制呼叫" },
  6: { description: "Carrier restriction lifted", zh: "运营商解除限制" },
  7: { description: "Unconditional call forwarding enabled on X", zh: "X号码开启了无条件呼叫前转" },
  8: { description: "No-answer call forwarding enabled on X", zh: "X号码开启了无应答呼叫前转" },
  9: { description: "Busy call forwarding enabled on X", zh: "X号码开启了遇忙呼叫前转" },
} as const satisfies Record<number, CodeInfo>;

/** A documented numStatus cause. */
export type NumStatusCause = keyof typeof NUM_STATUS_CAUSES;

/** Describes an X-number status (5, 9, 10, 11, or the same as strings); `{ code, known: false }` otherwise. */
export function describeNumStatus(status: number | string): CodeLookup<number, NumStatusInfo> {
  return lookupInteger<NumStatusInfo>(NUM_STATUSES, status);
}

/** Describes why an X number is unavailable (`cause`); `{ code, known: false }` for one not in the table. */
export function describeNumStatusCause(cause: number | string): CodeLookup<number, CodeInfo> {
  return lookupInteger(NUM_STATUS_CAUSES, cause);
}
