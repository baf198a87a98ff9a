import type { BindingStore, StoredBinding } from "./binding-store.js";
import { isOutOfService, type NumberRegistry } from "./number-registry.js";
import { isChinaFixedLine } from "./phone.js";
import type { RandomStream } from "./random.js";
import { LEG_FAILURES, STATE_DESCRIPTIONS } from "./state-codes.js";
import { compactTime, formatPlatformTime } from "./time-format.js";
import type { CallOutcome, ResolvedAppConfig } from "./types.js";

/** Host name the simulator reports in session IDs and CDRs. */
export const HOST_NAME = "callenabler.axe-simulator.local";
/** Calls shorter than this leave no recording (docs/axe-platform.md §3, §9). */
export const MIN_RECORDED_SECONDS = 3;

/** A call to plan, already validated. */
export interface CallRequest {
  app: ResolvedAppConfig;
  caller: string;
  virtualNum: string;
  digits?: string;
  outcome: CallOutcome;
  talkSeconds: number;
  ringSeconds: number;
}

/** One call event and the virtual time it is pushed. */
export interface PlannedEvent {
  at: number;
  body: { eventType: string; statusInfo: Record<string, unknown> };
}

/** A recording the call leaves behind. */
export interface PlannedRecording {
  fileName: string;
  recordDomain: string;
  seconds: number;
}

/** Everything a call produces. */
export interface CallPlan {
  sessionId: string;
  scenario: "callee" | "callback";
  events: PlannedEvent[];
  cdr: Record<string, unknown>;
  /** Time of the final `disconnect`, when the CDR is produced. */
  endAt: number;
  startAt: number;
  stateCode: number;
  recording?: PlannedRecording;
}

/** Thrown for a call that cannot be planned as asked (the message says why). */
export class CallPlanError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

interface Deps {
  store: BindingStore;
  numbers: NumberRegistry;
  ids: RandomStream;
  recordDomain: string;
  /** Base URL of the running server, for `recordFileDownloadUrl`. */
  baseUrl: () => string | undefined;
}

const SECOND = 1000;

/**
 * Turns a call into its event sequence and CDR (docs/axe-platform.md §3, §8, §13.7). Bindings and callback
 * records are evaluated when the call starts: a call in progress survives a later unbind or expiry
 * (docs/axe-platform.md §3).
 */
export class CallPlanner {
  /** Calls planned so far: numbers the session IDs. */
  private calls = 0;

  constructor(private readonly deps: Deps) {}

  /** Calls planned so far (session IDs continue from it after a restart). */
  get callCount(): number {
    return this.calls;
  }

  set callCount(calls: number) {
    this.calls = calls;
  }

  plan(req: CallRequest, nowMs: number): CallPlan {
    // Whole seconds, so that CDR times subtract exactly to the talk time (billing,
    // docs/axe-platform.md §8.2).
    const t0 = Math.floor(nowMs / SECOND) * SECOND;
    // Platform layout `<4 digits>_<4 digits>_4294967295_<yyyyMMddHHmmss>@<host>`. The two numeric parts count
    // calls rather than being drawn at random, so that calls starting in the same second (a load test) never
    // share a sessionId, which receivers use to group a call's events and CDR: unique up to 900 000 per second.
    const n = this.calls++;
    const sessionId = `${1200 + (Math.floor(n / 9000) % 100)}_${1000 + (n % 9000)}_4294967295_${compactTime(
      t0,
    )}@${HOST_NAME}`;
    const icid = `${this.deps.ids.hex(16)}.${1e9 + this.deps.ids.int(3e9)}.${1e8 + this.deps.ids.int(9e8)}.${this.deps.ids.int(10)}`;
    const b = new PlanBuilder(req, sessionId, icid, t0);

    const entry = this.deps.numbers.get(req.virtualNum);
    if (!entry || entry.app.appKey !== req.app.appKey) return b.failBeforeRouting(8025, "callee");
    if (isOutOfService(entry.status)) return b.failBeforeRouting(8055, "callee");
    if (isChinaFixedLine(req.caller)) return b.failBeforeRouting(8023, "callee");
    if (entry.cityCode) b.cdr.areaCode = entry.cityCode;

    const own = this.deps.store.byBindNum(req.virtualNum, req.caller);
    return own ? this.planCallback(b, req, own, t0) : this.planCallee(b, req, t0);
  }

  private planCallee(b: PlanBuilder, req: CallRequest, t0: number): CallPlan {
    if (req.outcome === "caller-hangup-before-digits") {
      return b.failBeforeRouting(7516, "callee", 3);
    }
    const keyed = req.outcome === "empty-extension" ? "" : req.digits;
    if (keyed === undefined) {
      throw new CallPlanError(
        "digits",
        "digits are required when the caller is not bound on X (or use outcome empty-extension / caller-hangup-before-digits)",
      );
    }
    const extension = keyed.replace(/#$/, "");
    b.event(0, "callin", b.inbound());
    // collectInfo carries the keyed digits but not the parties (docs/axe-platform.md §16.1: {timestamp,
    // sessionId, digitInfo}); subscriptionId is added once the extension matched a binding
    // (docs/axe-platform.md §16.4).
    if (extension === "") {
      // The prompt times out waiting for digits, then the hang-up tone plays.
      b.event(10, "collectInfo", { digitInfo: keyed });
      return b.finish(12, 8033, "callee", 2);
    }
    const binding = this.deps.store.byExtension(req.virtualNum, extension);
    if (!binding) {
      b.event(4, "collectInfo", { digitInfo: keyed });
      return b.finish(7, 8022, "callee", 2);
    }
    b.useBinding(binding);
    b.event(4, "collectInfo", { digitInfo: keyed });
    if (binding.displayNumMode === "1") return b.finish(5, 8024, "callee", 0);
    // B reached A through X: B becomes A's callback target (docs/axe-platform.md §3), whether or not A
    // answers.
    binding.callbackRecord = { caller: req.caller, at: t0 };
    return this.forward(b, req, binding, binding.bindNum, 5, "callee", 0);
  }

  private planCallback(b: PlanBuilder, req: CallRequest, binding: StoredBinding, t0: number): CallPlan {
    if (req.outcome === "caller-hangup-before-digits" || req.outcome === "empty-extension") {
      throw new CallPlanError(
        "outcome",
        `outcome ${req.outcome} needs a B→X call, but the caller is A of a binding on X`,
      );
    }
    b.useBinding(binding);
    b.event(0, "callin", { ...b.inbound(), ...(binding.userData ? { userData: binding.userData } : {}) });
    const rec = binding.callbackRecord;
    const recordAlive = rec && (binding.callbackTtlMs === null || t0 < rec.at + binding.callbackTtlMs);
    // Latest caller, else the binding's callbackNum, else (only when the binding has no tone either) the app's.
    const target = recordAlive
      ? rec.caller
      : (binding.callbackNum ?? (binding.callbackTone === undefined ? req.app.callbackNum : undefined));
    if (!target) {
      // The callback tone (binding's, else the app's) plays to A, then the platform hangs up
      // (docs/axe-platform.md §3).
      return b.finish(6, 8019, "callback", 1);
    }
    return this.forward(b, req, binding, target, 1, "callback", 1);
  }

  /** The forwarded leg: callout → alerting → answer → disconnect, or its failure. */
  private forward(
    b: PlanBuilder,
    req: CallRequest,
    binding: StoredBinding,
    destination: string,
    calloutAt: number,
    scenario: "callee" | "callback",
    direction: 0 | 1,
  ): CallPlan {
    // The forwarded leg shows X to the callee (displayNumMode "0"; "1" was refused above).
    const leg = { caller: req.virtualNum, called: destination, subscriptionId: binding.subscriptionId };
    b.setLeg(leg);
    b.cdr.fwdDisplayNum = req.virtualNum;
    b.cdr.fwdDstNum = destination;
    b.cdr.fwdStartTime = b.time(calloutAt);
    b.event(calloutAt, "callout", leg);

    if (req.outcome === "busy") {
      return b.finishLeg(calloutAt + 2, LEG_FAILURES.busy, scenario, direction);
    }
    const alertAt = calloutAt + 2;
    b.event(alertAt, "alerting", leg);
    b.cdr.fwdAlertingTime = b.time(alertAt);
    if (req.outcome === "no-answer") {
      return b.finishLeg(alertAt + 55, LEG_FAILURES["no-answer"], scenario, direction);
    }
    if (req.outcome === "rejected") {
      return b.finishLeg(alertAt + Math.min(3, req.ringSeconds), LEG_FAILURES.rejected, scenario, direction);
    }
    const answerAt = alertAt + req.ringSeconds;
    const endAt = answerAt + req.talkSeconds;
    b.event(answerAt, "answer", leg);
    b.cdr.fwdAnswerTime = b.time(answerAt);
    let recording: PlannedRecording | undefined;
    if (req.app.recordingEnabled && binding.recordFlag && req.talkSeconds >= MIN_RECORDED_SECONDS) {
      recording = {
        fileName: `${b.sessionId.split("@")[0]}_${this.deps.ids.hex(4)}.wav`,
        recordDomain: this.deps.recordDomain,
        seconds: req.talkSeconds,
      };
      const base = this.deps.baseUrl();
      Object.assign(b.recordingFields, {
        recordStartTime: b.time(answerAt),
        recordDomain: recording.recordDomain,
        recordBucketName: "axe-simulator",
        recordObjectName: recording.fileName,
        ...(base
          ? { recordFileDownloadUrl: `${base}/recordings/${encodeURIComponent(recording.fileName)}` }
          : {}),
      });
    }
    b.cdr.callDuration = req.talkSeconds;
    const plan = b.finish(endAt, 0, scenario, direction, {
      fwdUnaswRsn: 0,
      sipStatusCode: 0,
      callOutUnaswRsn: 0,
    });
    if (recording) plan.recording = recording;
    return plan;
  }
}

/** CDR fields of a forwarded leg: Q.850 cause, SIP status, outbound cause and (when not the stateCode) teardown point. */
interface LegResult {
  fwdUnaswRsn: number;
  sipStatusCode: number;
  callOutUnaswRsn: number;
  ulFailReason?: number;
}

/** Accumulates the events and CDR of one call. Offsets are seconds from the start of the call. */
class PlanBuilder {
  readonly events: PlannedEvent[] = [];
  readonly cdr: Record<string, unknown>;
  readonly recordingFields: Record<string, unknown> = {};
  private subscriptionId: string | undefined;
  private extendNum: string | undefined;
  private leg: Record<string, unknown> | undefined;

  constructor(
    private readonly req: CallRequest,
    readonly sessionId: string,
    private readonly icid: string,
    private readonly t0: number,
  ) {
    this.cdr = { callerNum: req.caller, calleeNum: req.virtualNum, callInTime: this.time(0) };
  }

  time(offset: number): string {
    return formatPlatformTime(this.t0 + offset * SECOND);
  }

  inbound(): Record<string, unknown> {
    return { caller: this.req.caller, called: this.req.virtualNum };
  }

  useBinding(binding: StoredBinding): void {
    this.subscriptionId = binding.subscriptionId;
    this.extendNum = binding.extendNum;
  }

  setLeg(leg: Record<string, unknown>): void {
    this.leg = leg;
  }

  event(offset: number, eventType: string, fields: Record<string, unknown>): void {
    // callin never carries subscriptionId in AXE; collectInfo onward do once a binding matched
    // (docs/axe-platform.md §16.4).
    const withBinding =
      eventType !== "callin" && this.subscriptionId && !("subscriptionId" in fields)
        ? { subscriptionId: this.subscriptionId }
        : {};
    this.events.push({
      at: this.t0 + offset * SECOND,
      body: {
        eventType,
        statusInfo: { timestamp: this.time(offset), sessionId: this.sessionId, ...fields, ...withBinding },
      },
    });
  }

  /** A call that ends before any routing (unknown or unusable X, fixed-line caller, hang-up before E). */
  failBeforeRouting(stateCode: number, scenario: "callee" | "callback", endOffset = 1): CallPlan {
    this.event(0, "callin", this.inbound());
    return this.finish(endOffset, stateCode, scenario, 2);
  }

  finishLeg(
    endOffset: number,
    failure: { stateCode: number; q850: number; sipStatusCode: number; ulFailReason: number },
    scenario: "callee" | "callback",
    direction: 0 | 1,
  ): CallPlan {
    return this.finish(endOffset, failure.stateCode, scenario, direction, {
      fwdUnaswRsn: failure.q850,
      sipStatusCode: failure.sipStatusCode,
      callOutUnaswRsn: 0,
      ulFailReason: failure.ulFailReason,
    });
  }

  finish(
    endOffset: number,
    stateCode: number,
    scenario: "callee" | "callback",
    direction: 0 | 1 | 2,
    leg?: LegResult,
  ): CallPlan {
    const disconnectFields = this.leg ?? this.inbound();
    this.event(endOffset, "disconnect", {
      ...disconnectFields,
      stateCode,
      stateDesc: STATE_DESCRIPTIONS[stateCode] ?? "The call ended.",
    });
    const failed = stateCode !== 0;
    const cdr: Record<string, unknown> = {
      direction,
      spId: this.req.app.spId,
      appKey: this.req.app.appKey,
      icid: this.icid,
      bindNum: this.req.virtualNum,
      sessionId: this.sessionId,
      ...(this.subscriptionId ? { subscriptionId: this.subscriptionId } : {}),
      callerNum: this.cdr.callerNum,
      calleeNum: this.cdr.calleeNum,
      ...pick(this.cdr, ["fwdDisplayNum", "fwdDstNum"]),
      callInTime: this.cdr.callInTime,
      ...pick(this.cdr, ["fwdStartTime", "fwdAlertingTime", "fwdAnswerTime"]),
      callEndTime: this.time(endOffset),
      ...(leg ? { fwdUnaswRsn: leg.fwdUnaswRsn } : {}),
      ...(failed ? { failTime: this.time(endOffset) } : {}),
      ulFailReason: leg?.ulFailReason ?? stateCode,
      ...(leg ? { sipStatusCode: leg.sipStatusCode, callOutUnaswRsn: leg.callOutUnaswRsn } : {}),
      recordFlag: Object.keys(this.recordingFields).length > 0 ? 1 : 0,
      ...this.recordingFields,
      ttsPlayTimes: 0,
      ttsTransDuration: 0,
      mptyId: this.icid.split(".")[0],
      serviceType: "005",
      hostName: HOST_NAME,
      ...(this.extendNum ? { extendNumber: this.extendNum } : {}),
      ...pick(this.cdr, ["areaCode"]),
      callDuration: (this.cdr.callDuration as number | undefined) ?? 0,
    };
    return {
      sessionId: this.sessionId,
      scenario,
      events: this.events,
      cdr,
      startAt: this.t0,
      endAt: this.t0 + endOffset * SECOND,
      stateCode,
    };
  }
}

function pick(source: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (source[k] !== undefined) out[k] = source[k];
  return out;
}
