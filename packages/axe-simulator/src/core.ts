import { isStrictPhoneNumber } from "@privnum/notification-schemas";
import { z } from "zod";
import { Authenticator } from "./authenticator.js";
import { BindingService } from "./binding-service.js";
import { BindingStore } from "./binding-store.js";
import { CallPlanError, CallPlanner } from "./call-planner.js";
import { CdrBatcher } from "./cdr-batcher.js";
import { VirtualClock } from "./clock.js";
import { faultSchema, type ResolvedConfig, toIssues } from "./config.js";
import { SimulatorInputError } from "./errors.js";
import { Lockout } from "./lockout.js";
import { NumberRegistry } from "./number-registry.js";
import { PushDispatcher } from "./push-dispatcher.js";
import { createRandomStream, type RandomStream } from "./random.js";
import { RecordingStore } from "./recordings.js";
import { Scheduler } from "./scheduler.js";
import { type PersistedTask, type SimulatorSnapshot, STATE_FORMAT_VERSION } from "./snapshot.js";
import { isoTime } from "./time-format.js";
import type {
  BindRequestBody,
  FaultConfig,
  PlatformResult,
  ResolvedAppConfig,
  SetNumberStatusInput,
  SimulateCallInput,
  SimulateCallResult,
  SimulatorState,
} from "./types.js";

const e164 = z
  .string()
  .refine(
    isStrictPhoneNumber,
    "must be E.164: + then 6–15 digits, the country code first (e.g. +8613800000021)",
  );

/** Input of `simulateCall` (also the body of `POST /simulator/calls`). */
export const simulateCallSchema = z.strictObject({
  appKey: z.string().min(1).max(128).optional(),
  caller: e164,
  virtualNum: e164,
  digits: z
    .string()
    .regex(/^[0-9*#]{0,32}$/, "must be 0-32 of 0-9, * and #")
    .optional(),
  outcome: z
    .enum(["answered", "no-answer", "busy", "rejected", "caller-hangup-before-digits", "empty-extension"])
    .optional(),
  talkSeconds: z.number().int().min(0).max(86_400).optional(),
  ringSeconds: z.number().int().min(0).max(300).optional(),
});

/** Input of `setNumberStatus` (also the body of `POST /simulator/number-status`). */
export const numberStatusSchema = z
  .strictObject({
    appKey: z.string().min(1).max(128).optional(),
    number: e164,
    status: z.enum(["5", "9", "10", "11"]),
    cause: z.enum(["1", "2", "3", "5", "6", "7", "8", "9"]).optional(),
  })
  .refine((v) => v.cause === undefined || v.status === "10", {
    message: "cause is only allowed with status 10 (unavailable)",
    path: ["cause"],
  });

const RETENTION_DAY_MS = 86_400_000;

/** The seeded random streams, one per concern (see random.ts); their states are kept in the state file. */
const STREAM_NAMES = [
  "subscription-ids",
  "area-match",
  "push-faults",
  "api-faults",
  "call-ids",
  "recording-faults",
] as const;
type StreamName = (typeof STREAM_NAMES)[number];

/** Everything the simulator holds and does, independent of HTTP. */
export class SimulatorCore {
  readonly clock: VirtualClock;
  readonly scheduler: Scheduler;
  readonly numbers: NumberRegistry;
  readonly store: BindingStore;
  readonly bindings: BindingService;
  readonly recordings: RecordingStore;
  readonly lockout: Lockout;
  readonly authenticator: Authenticator;
  readonly dispatcher: PushDispatcher;
  readonly apiRandom: RandomStream;
  /** The stream of recording download faults (its own, so downloads never shift API or push fault draws). */
  readonly recordingRandom: RandomStream;
  private readonly planner: CallPlanner;
  private readonly batcher: CdrBatcher;
  private faults: FaultConfig;
  /** Base URL once listening. */
  baseUrl: string | undefined;
  /** Errors thrown inside scheduled tasks (never expected; kept for inspection instead of crashing). */
  readonly taskErrors: unknown[] = [];
  /** Called after every change of the platform's state (set when the state is kept in a file). */
  onChange: (() => void) | undefined;
  private readonly streams: Record<StreamName, RandomStream>;

  constructor(readonly config: ResolvedConfig) {
    const seed = config.seed;
    const streams = Object.fromEntries(STREAM_NAMES.map((name) => [name, createRandomStream(seed, name)]));
    this.streams = streams as Record<StreamName, RandomStream>;
    this.clock = new VirtualClock(config.startMs, config.timeScale);
    const now = () => this.clock.nowMs();
    this.scheduler = new Scheduler(
      this.clock,
      (error) => this.recordError(error),
      () => this.changed(),
    );
    this.numbers = new NumberRegistry(config.apps);
    this.store = new BindingStore(now);
    this.bindings = new BindingService({
      store: this.store,
      numbers: this.numbers,
      now,
      ids: this.streams["subscription-ids"],
      pick: this.streams["area-match"],
    });
    this.recordings = new RecordingStore(now, config.recordingRetentionDays * RETENTION_DAY_MS);
    this.lockout = new Lockout(now, config.lockout.threshold, config.lockout.durationSeconds * 1000);
    const authNow = config.auth.clock === "virtual" ? () => new Date(now()) : () => new Date();
    this.authenticator = new Authenticator({
      apps: config.apps,
      maxAgeSeconds: config.auth.maxAgeSeconds,
      maxFutureSeconds: config.auth.maxFutureSeconds,
      now: authNow,
      lockout: this.lockout,
    });
    this.faults = structuredClone(config.faults);
    this.dispatcher = new PushDispatcher({
      scheduler: this.scheduler,
      clock: this.clock,
      faults: () => this.faults.push ?? {},
      random: this.streams["push-faults"],
      timeoutMs: config.pushTimeoutMs,
      maxDeliveries: config.maxDeliveries,
      signingNow: authNow,
      logger: config.logger,
      onFirstAttempt: (push) => {
        // A recording is kept for the retention period from the first attempt of its fee push (docs/axe-platform.md §9).
        if (push.kind !== "fee") return;
        for (const cdr of (push.body.feeLst ?? []) as Array<Record<string, unknown>>) {
          if (typeof cdr.recordObjectName === "string") this.recordings.startRetention(cdr.recordObjectName);
        }
      },
    });
    this.apiRandom = this.streams["api-faults"];
    this.recordingRandom = this.streams["recording-faults"];
    this.planner = new CallPlanner({
      store: this.store,
      numbers: this.numbers,
      ids: this.streams["call-ids"],
      recordDomain: config.recordDomain,
      baseUrl: () => this.baseUrl,
    });
    this.batcher = new CdrBatcher({
      scheduler: this.scheduler,
      now,
      windowMs: config.cdrBatchWindowMs,
      max: config.cdrBatchMax,
      flush: (app, cdrs) =>
        this.dispatcher.send({
          kind: "fee",
          app,
          body: { eventType: "fee", feeLst: cdrs },
          retry: true,
        }),
    });
  }

  /** Tells the state file (if any) that the platform's state changed. */
  changed(): void {
    this.onChange?.();
  }

  /** Keeps the last errors thrown inside scheduled tasks or handlers (none are expected). */
  recordError(error: unknown): void {
    this.taskErrors.push(error);
    if (this.taskErrors.length > 100) this.taskErrors.shift();
  }

  /** The app with `appKey`, else the one owning `number`, else the first. */
  appFor(appKey: string | undefined, number?: string): ResolvedAppConfig {
    if (appKey !== undefined) {
      const app = this.config.apps.find((a) => a.appKey === appKey);
      if (!app) throw new SimulatorInputError([{ path: "appKey", message: `unknown appKey ${appKey}` }]);
      return app;
    }
    const owner = number ? this.numbers.get(number)?.app : undefined;
    return owner ?? this.config.apps[0]!;
  }

  get currentFaults(): FaultConfig {
    return structuredClone(this.faults);
  }

  setFaults(faults: Partial<FaultConfig>): void {
    const parsed = faultSchema.safeParse(faults);
    if (!parsed.success) throw new SimulatorInputError(toIssues(parsed.error));
    if (faults.push !== undefined) this.faults.push = { ...faults.push };
    if (faults.api !== undefined) this.faults.api = { ...faults.api };
    if (faults.recording !== undefined) this.faults.recording = { ...faults.recording };
  }

  simulateCall(input: SimulateCallInput): SimulateCallResult {
    const parsed = simulateCallSchema.safeParse(input);
    if (!parsed.success) throw new SimulatorInputError(toIssues(parsed.error));
    const v = parsed.data;
    const app = this.appFor(v.appKey, v.virtualNum);
    let plan: ReturnType<CallPlanner["plan"]>;
    try {
      plan = this.planner.plan(
        {
          app,
          caller: v.caller,
          virtualNum: v.virtualNum,
          ...(v.digits !== undefined ? { digits: v.digits } : {}),
          outcome: v.outcome ?? "answered",
          talkSeconds: v.talkSeconds ?? 30,
          ringSeconds: v.ringSeconds ?? 5,
        },
        this.clock.nowMs(),
      );
    } catch (error) {
      if (error instanceof CallPlanError)
        throw new SimulatorInputError([{ path: error.path, message: error.message }]);
      throw error;
    }
    for (const event of plan.events) this.scheduleCallEvent(app, event.at, event.body);
    const recording = plan.recording && { ...plan.recording, sessionId: plan.sessionId };
    this.scheduleCallEnd(app, plan.endAt, plan.cdr, recording);
    this.changed();
    return {
      sessionId: plan.sessionId,
      scenario: plan.scenario,
      notifications: plan.events.map((e) => e.body),
      cdr: plan.cdr,
      stateCode: plan.stateCode,
      startedAt: isoTime(plan.startAt),
      endedAt: isoTime(plan.endAt),
    };
  }

  setNumberStatus(input: SetNumberStatusInput): void {
    const parsed = numberStatusSchema.safeParse(input);
    if (!parsed.success) throw new SimulatorInputError(toIssues(parsed.error));
    const v = parsed.data;
    const entry = this.numbers.get(v.number);
    if (!entry || (v.appKey !== undefined && entry.app.appKey !== v.appKey)) {
      throw new SimulatorInputError([{ path: "number", message: "not an X number of that app" }]);
    }
    this.numbers.setStatus(v.number, v.status, v.cause);
    this.changed();
    this.dispatcher.send({
      kind: "numStatus",
      app: entry.app,
      body: {
        eventType: "numStatus",
        numInfo: [
          { number: v.number, status: v.status, ...(v.cause !== undefined ? { cause: v.cause } : {}) },
        ],
      },
      retry: true,
    });
  }

  seedBindings(input: { appKey?: string; bindings: BindRequestBody[] }): PlatformResult[] {
    if (!Array.isArray(input?.bindings) || input.bindings.length > 100_000) {
      throw new SimulatorInputError([
        { path: "bindings", message: "must be an array of at most 100000 bind bodies" },
      ]);
    }
    const app = this.appFor(input.appKey);
    const results = input.bindings.map((body) => this.bindings.bind(app, body));
    this.changed();
    return results;
  }

  private scheduleCallEvent(app: ResolvedAppConfig, at: number, body: Record<string, unknown>): void {
    this.scheduler.schedule(
      at,
      () => {
        this.dispatcher.send({
          kind: "callEvent",
          app,
          body,
          // callin is pushed once and never retried (docs/axe-platform.md §16.3).
          retry: body.eventType !== "callin",
        });
      },
      () => ({ type: "call-event", appKey: app.appKey, body }),
    );
  }

  // The CDR is produced when the call ends; so is its recording.
  private scheduleCallEnd(
    app: ResolvedAppConfig,
    endAt: number,
    cdr: Record<string, unknown>,
    recording: Extract<PersistedTask, { type: "call-end" }>["recording"],
  ): void {
    this.scheduler.schedule(
      endAt,
      () => {
        if (recording) this.recordings.add({ appKey: app.appKey, ...recording, createdAt: endAt });
        this.batcher.add(app, cdr);
      },
      () => ({ type: "call-end", appKey: app.appKey, cdr, ...(recording ? { recording } : {}) }),
    );
  }

  /** Everything a restart must not lose (the configuration is not part of it: it comes from each start). */
  snapshot(): SimulatorSnapshot {
    const bindings = this.store.snapshot();
    return {
      version: STATE_FORMAT_VERSION,
      savedAt: new Date().toISOString(),
      seed: this.config.seed,
      now: this.clock.nowMs(),
      random: Object.fromEntries(STREAM_NAMES.map((name) => [name, this.streams[name].state()])),
      counters: { bindingSeq: bindings.seq, calls: this.planner.callCount, ...this.dispatcher.counters() },
      numbers: this.numbers.statuses(),
      bindings: bindings.bindings,
      recordings: this.recordings.persisted(),
      lockouts: this.lockout.persisted(),
      tasks: this.scheduler.pending(),
    };
  }

  /**
   * Continues from a snapshot of a previous run: clock, ID counters and random streams, bindings (also those of
   * numbers or apps no longer configured, as the platform keeps them), number statuses of the numbers still
   * configured, recordings, lock-outs, and the scheduled work. Work of an app no longer configured is dropped:
   * there is no secret to sign its pushes with. Call it once, on a fresh core. The clock is left at the saved
   * time: moving it on past the downtime, and running what fell due meanwhile, is the caller's (resume-time.ts).
   */
  restore(snapshot: SimulatorSnapshot): void {
    this.clock.jumpTo(snapshot.now);
    for (const name of STREAM_NAMES) {
      const state = snapshot.random[name];
      if (state !== undefined) this.streams[name].restore(state);
    }
    this.planner.callCount = snapshot.counters.calls;
    this.dispatcher.restoreCounters(snapshot.counters);
    for (const n of snapshot.numbers) {
      if (this.numbers.get(n.number)) this.numbers.setStatus(n.number, n.status, n.cause);
    }
    this.store.restore(snapshot.bindings, snapshot.counters.bindingSeq);
    this.recordings.restore(snapshot.recordings);
    this.lockout.restore(snapshot.lockouts);
    const apps = new Map(this.config.apps.map((a) => [a.appKey, a]));
    for (const { due, task } of snapshot.tasks) {
      const appKey = "push" in task ? task.push.appKey : task.appKey;
      const app = apps.get(appKey);
      if (!app) continue;
      switch (task.type) {
        case "call-event":
          this.scheduleCallEvent(app, due, task.body);
          break;
        case "call-end":
          this.scheduleCallEnd(app, due, task.cdr, task.recording);
          break;
        case "cdr-batch-close":
          this.batcher.restore(app, task.cdrs, due);
          break;
        case "push-attempt":
          this.dispatcher.restore(task.type, task.push, app, due, task.attempt);
          break;
        default:
          this.dispatcher.restore(task.type, task.push, app, due);
      }
    }
  }

  state(): SimulatorState {
    const now = this.clock.nowMs();
    return {
      now: isoTime(now),
      apps: this.config.apps.map((a) => ({
        appKey: a.appKey,
        schemes: [...a.schemes],
        extensionDigits: a.extensionDigits,
        recordingEnabled: a.recordingEnabled,
        pushScheme: a.pushScheme,
        virtualNumbers: this.numbers.ofApp(a.appKey).map((n) => ({
          number: n.number,
          ...(n.cityCode ? { cityCode: n.cityCode } : {}),
          ...(n.province ? { province: n.province } : {}),
          status: n.status,
        })),
      })),
      bindings: this.store.all().map((b) => {
        const rec = b.callbackRecord;
        const recAlive = rec && (b.callbackTtlMs === null || now < rec.at + b.callbackTtlMs);
        return {
          subscriptionId: b.subscriptionId,
          appKey: b.appKey,
          virtualNum: b.virtualNum,
          extendNum: b.extendNum,
          bindNum: b.bindNum,
          displayNumMode: b.displayNumMode,
          recordFlag: b.recordFlag,
          ...(b.recordHintTone !== undefined ? { recordHintTone: b.recordHintTone } : {}),
          ...(b.callbackTone !== undefined ? { callbackTone: b.callbackTone } : {}),
          ...(b.callbackNum !== undefined ? { callbackNum: b.callbackNum } : {}),
          timeUnit: b.reportedTimeUnit,
          bindExpiredTime: b.reportedBindExpiredTime,
          callbackExpiredTime: b.callbackExpiredTime,
          ...(b.userData !== undefined ? { userData: b.userData } : {}),
          createdAt: isoTime(b.createdAt),
          ...(b.expiresAt !== null ? { expiresAt: isoTime(b.expiresAt) } : {}),
          ...(rec && recAlive
            ? {
                callbackRecord: {
                  caller: rec.caller,
                  at: isoTime(rec.at),
                  ...(b.callbackTtlMs !== null ? { expiresAt: isoTime(rec.at + b.callbackTtlMs) } : {}),
                },
              }
            : {}),
        };
      }),
      recordings: this.recordings.snapshot(),
      lockouts: this.lockout.snapshot(),
      faults: this.currentFaults,
    };
  }
}
