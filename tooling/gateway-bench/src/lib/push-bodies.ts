// The platform's pushes as the benchmarks send them: CDRs (fee pushes of up to 50) and call events, shaped as
// docs/axe-platform.md §8 and §16.1 describe and as the simulator sends them, over a fixed set of bindings
// the orchestrator stores first. Every body is a pure function of its index, so the gateway runs and the raw
// baselines store the same rows, and a later phase can start past the indexes an earlier one used.
import { bindingRowFromPlatform, type NewBindingRow } from "@privnum/gateway";

/** Bindings stored before the run (the pushes' CDRs and events refer to them). */
export const BENCH_BINDING_COUNT = 1000;
const X_COUNT = 20;
const BASE_MS = Date.UTC(2026, 5, 1, 10, 0, 0);
const HOST = "callenabler246.huaweicaas.com";

/** Binding `k`: X from a pool of 20, A unique, E the next free extension on that X. */
export function benchBinding(k: number) {
  const n = k % BENCH_BINDING_COUNT;
  return {
    subscriptionId: `b3c5${n.toString(16).padStart(28, "0")}`,
    virtualNum: `+86170000${String(n % X_COUNT).padStart(5, "0")}`,
    extendNum: String(1 + Math.floor(n / X_COUNT)).padStart(4, "0"),
    bindNum: `+86138${String(n).padStart(8, "0")}`,
  };
}

/** The mirror rows of every bench binding, as the gateway stores them after `createBinding`. */
export function benchBindingRows(now: Date): NewBindingRow[] {
  const times = { createdAt: now, updatedAt: now, expiresAt: null };
  return Array.from({ length: BENCH_BINDING_COUNT }, (_, k) =>
    bindingRowFromPlatform({ ...benchBinding(k), displayNumMode: "0" }, times),
  );
}

function platformTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

/** A platform sessionId; `series` keeps the phases' calls apart. */
export function sessionId(series: number, n: number): string {
  return `${1200 + series}_${n}_4294967295_20260601100000@${HOST}`;
}

function caller(n: number): string {
  return `+86139${String(n % 100_000_000).padStart(8, "0")}`;
}

/** CDR number `i` (one answered, unrecorded call of a minute), as in a fee push's `feeLst`. */
export function benchCdr(i: number, series: number, appKey: string): Record<string, unknown> {
  const b = benchBinding(i);
  const at = BASE_MS + i * 1000;
  return {
    direction: 0,
    spId: "privnum-bench-sp",
    appKey,
    icid: `${i.toString(16).padStart(32, "0")}.3757200000.${series}.5`,
    bindNum: b.virtualNum,
    sessionId: sessionId(series, i),
    subscriptionId: b.subscriptionId,
    callerNum: caller(i),
    calleeNum: b.virtualNum,
    fwdDisplayNum: b.virtualNum,
    fwdDstNum: b.bindNum,
    callInTime: platformTime(at),
    fwdStartTime: platformTime(at + 3000),
    fwdAlertingTime: platformTime(at + 4000),
    fwdAnswerTime: platformTime(at + 9000),
    callEndTime: platformTime(at + 69_000),
    fwdUnaswRsn: 0,
    ulFailReason: 0,
    sipStatusCode: 0,
    callOutUnaswRsn: 0,
    recordFlag: 0,
    ttsPlayTimes: 0,
    ttsTransDuration: 0,
    serviceType: "005",
    hostName: HOST,
    extendNumber: b.extendNum,
  };
}

/** Fee push number `p`: CDRs `p * size` … `p * size + size - 1`. */
export function feePush(p: number, size: number, series: number, appKey: string) {
  return {
    eventType: "fee",
    feeLst: Array.from({ length: size }, (_, k) => benchCdr(p * size + k, series, appKey)),
  };
}

/** The events of an answered call in the callee scenario, in the order the platform sends them. */
export const CALL_EVENT_TYPES = [
  "callin",
  "collectInfo",
  "callout",
  "alerting",
  "answer",
  "disconnect",
] as const;

// Calls in flight at once: consecutive events belong to different calls, and one call's events are this
// many pushes apart, as on a platform carrying many calls.
const CALLS_IN_FLIGHT = 100;

/** Where call event number `i` falls: which call, which of its six events. */
export function callEventPosition(i: number): { call: number; step: number } {
  const perBlock = CALLS_IN_FLIGHT * CALL_EVENT_TYPES.length;
  const within = i % perBlock;
  return {
    call: Math.floor(i / perBlock) * CALLS_IN_FLIGHT + (within % CALLS_IN_FLIGHT),
    step: Math.floor(within / CALLS_IN_FLIGHT),
  };
}

/** Call event number `i` (docs/axe-platform.md §16.1's fields per event). */
export function callEventPush(i: number, series: number) {
  const { call, step } = callEventPosition(i);
  const eventType = CALL_EVENT_TYPES[step]!;
  const b = benchBinding(call);
  const statusInfo: Record<string, unknown> = {
    timestamp: platformTime(BASE_MS + call * 1000 + step * 2000),
    sessionId: sessionId(series, call),
  };
  if (eventType === "callin") {
    statusInfo.caller = caller(call);
    statusInfo.called = b.virtualNum;
  } else if (eventType === "collectInfo") {
    statusInfo.digitInfo = b.extendNum;
  } else {
    statusInfo.caller = b.virtualNum;
    statusInfo.called = b.bindNum;
    statusInfo.subscriptionId = b.subscriptionId;
    if (eventType === "disconnect") {
      statusInfo.stateCode = 0;
      statusInfo.stateDesc = "The user releases the call.";
    }
  }
  return { eventType, statusInfo };
}
