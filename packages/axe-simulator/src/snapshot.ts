import { z } from "zod";

/** Version of the state file format this simulator writes and reads. */
export const STATE_FORMAT_VERSION = 1;

const json = z.record(z.string(), z.unknown());
const pushKind = z.enum(["callEvent", "fee", "numStatus"]);
const numberStatus = z.enum(["5", "9", "10", "11"]);
const numberCause = z.enum(["1", "2", "3", "5", "6", "7", "8", "9"]);
const epochMs = z.number().int();

/** A push not yet delivered for good, with what its next step needs (the app is named by key, never by secret). */
const persistedPushSchema = z.strictObject({
  id: z.number().int().min(1),
  kind: pushKind,
  appKey: z.string(),
  body: json,
  retry: z.boolean(),
  reordered: z.boolean(),
  firstAttemptAt: epochMs.optional(),
});

/** A recording a call leaves when it ends. */
const plannedRecordingSchema = z.strictObject({
  recordDomain: z.string(),
  fileName: z.string(),
  sessionId: z.string(),
  seconds: z.number().int().min(0),
});

/**
 * Work scheduled at a virtual time, as data: what the scheduler would have run. The kinds cover every task the
 * simulator schedules: the call events and end of a call in progress, a push's first attempt, its release from
 * the reorder fault, its next retry, and the close of an open CDR batch.
 */
const persistedTaskSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("call-event"), appKey: z.string(), body: json }),
  z.strictObject({
    type: z.literal("call-end"),
    appKey: z.string(),
    cdr: json,
    recording: plannedRecordingSchema.optional(),
  }),
  z.strictObject({ type: z.literal("push-first"), push: persistedPushSchema }),
  z.strictObject({ type: z.literal("push-release"), push: persistedPushSchema }),
  z.strictObject({
    type: z.literal("push-attempt"),
    push: persistedPushSchema,
    attempt: z.number().int().min(2),
  }),
  z.strictObject({ type: z.literal("cdr-batch-close"), appKey: z.string(), cdrs: z.array(json) }),
]);

const persistedBindingSchema = z.strictObject({
  subscriptionId: z.string(),
  appKey: z.string(),
  virtualNum: z.string(),
  extendNum: z.string(),
  bindNum: z.string(),
  displayNumMode: z.enum(["0", "1"]),
  recordFlag: z.boolean(),
  recordHintTone: z.string().optional(),
  callbackTone: z.string().optional(),
  callbackNum: z.string().optional(),
  reportedTimeUnit: z.enum(["0", "1"]),
  reportedBindExpiredTime: z.number(),
  callbackExpiredTime: z.number(),
  unitMs: z.number().int().min(1),
  bindTtlMs: z.number().int().nullable(),
  expiresAt: epochMs.nullable(),
  callbackTtlMs: z.number().int().nullable(),
  userData: z.string().optional(),
  createdAt: epochMs,
  seq: z.number().int().min(1),
  callbackRecord: z.strictObject({ caller: z.string(), at: epochMs }).optional(),
});

const persistedRecordingSchema = z.strictObject({
  appKey: z.string(),
  recordDomain: z.string(),
  fileName: z.string(),
  sessionId: z.string(),
  seconds: z.number().int().min(0),
  createdAt: epochMs,
  expiresAt: epochMs.optional(),
});

/** Schema of the state file (version 1). */
export const snapshotSchema = z.strictObject({
  version: z.literal(STATE_FORMAT_VERSION),
  /**
   * Wall-clock time of the write (ISO 8601). A restart with a running clock counts the time since as passed
   * (see resume-time.ts); a file without it resumes at `now`.
   */
  savedAt: z.iso.datetime({ offset: true }).optional(),
  /** Seed of the run that created the state (informative: restored generators continue whatever the seed). */
  seed: z.number().int(),
  /** Virtual time when the state was taken. */
  now: epochMs,
  /** Internal state of each named random stream (IDs, number choice, faults). */
  random: z.record(z.string(), z.number().int().min(0).max(0xffff_ffff)),
  counters: z.strictObject({
    /** Last binding creation sequence number. */
    bindingSeq: z.number().int().min(0),
    /** Calls planned so far (numbers the session IDs). */
    calls: z.number().int().min(0),
    /** Last push ID. */
    pushSeq: z.number().int().min(0),
    /** Last push attempt ID. */
    attemptSeq: z.number().int().min(0),
  }),
  numbers: z.array(
    z.strictObject({ number: z.string(), status: numberStatus, cause: numberCause.optional() }),
  ),
  bindings: z.array(persistedBindingSchema),
  recordings: z.array(persistedRecordingSchema),
  lockouts: z.array(
    z.strictObject({
      address: z.string(),
      failures: z.number().int().min(0),
      lockedUntil: epochMs.optional(),
    }),
  ),
  /** Scheduled work in run order (due time, then scheduling order). */
  tasks: z.array(z.strictObject({ due: epochMs, task: persistedTaskSchema })),
});

/** Everything a restart must not lose, as written to the state file. */
export type SimulatorSnapshot = z.infer<typeof snapshotSchema>;
/** One scheduled task as data. */
export type PersistedTask = z.infer<typeof persistedTaskSchema>;
/** A pending push as data. */
export type PersistedPush = z.infer<typeof persistedPushSchema>;
/** A binding as data. */
export type PersistedBinding = z.infer<typeof persistedBindingSchema>;
/** A recording as data. */
export type PersistedRecording = z.infer<typeof persistedRecordingSchema>;
/** A lock-out entry as data. */
export type PersistedLockout = SimulatorSnapshot["lockouts"][number];
