import type { Scheme } from "@privnum/wsse-auth";

export type { Scheme };

/**
 * An X number's status as the platform reports it (docs/axe-platform.md §16.2): normal, paused, unavailable,
 * binding frozen.
 */
export type NumberStatus = "5" | "9" | "10" | "11";

/** Why an X number is unavailable (status `"10"` only; docs/axe-platform.md §16.2). */
export type NumberStatusCause = "1" | "2" | "3" | "5" | "6" | "7" | "8" | "9";

/** One X (privacy) number of an app. */
export interface VirtualNumberConfig {
  /** The number in E.164 with `+`, e.g. `+8617000000001`. */
  number: string;
  /** City code used by `areaCode` selection, e.g. `0755`. */
  cityCode?: string;
  /** Province used by relaxed `areaMatchMode`. @default looked up from `cityCode` in the built-in table */
  province?: string;
  /** Initial status. @default "5" (normal) */
  status?: NumberStatus;
}

/** An AXE application of the simulated platform. */
export interface AppConfig {
  /** APP_Key (the `Username` of the UsernameToken), 1–128 printable characters. */
  appKey: string;
  /** APP_Secret, 1–256 characters. */
  appSecret: string;
  /** Digest schemes the app accepts on incoming requests. @default ["aksk", "wsse-hex", "wsse-raw"] */
  schemes?: Scheme[];
  /** Extension digit count, fixed per app (docs/axe-platform.md §1.2). @default 4 */
  extensionDigits?: 1 | 2 | 3 | 4;
  /** The app's X numbers, as E.164 strings or objects with a city code and status. */
  virtualNumbers: Array<string | VirtualNumberConfig>;
  /** Whether the app has recording enabled ("是否开通录音"). @default true */
  recordingEnabled?: boolean;
  /** URL that receives every push kind unless a per-kind URL is set. */
  notifyUrl?: string;
  /** URL for call events ("呼叫状态接收地址"). @default notifyUrl */
  callEventUrl?: string;
  /** URL for CDRs ("呼叫话单接收地址"). @default notifyUrl */
  feeUrl?: string;
  /** URL for X number status pushes ("X号码状态接收地址"). @default callEventUrl, then notifyUrl */
  numStatusUrl?: string;
  /** Scheme used to sign pushes. @default "aksk" */
  pushScheme?: Scheme;
  /** The customer account reported as `spId` in CDRs. @default "privnum-sim-sp" */
  spId?: string;
  /** Console-level callback tone used when a binding has neither `callbackTone` nor `callbackNum`. */
  callbackTone?: string;
  /** Console-level callback number used when a binding has neither `callbackTone` nor `callbackNum`. */
  callbackNum?: string;
  /** IP whitelist; requests from other addresses get `1020166`. @default no whitelist */
  ipWhitelist?: string[];
}

/** An app with every default applied and its numbers normalised to objects. */
export interface ResolvedAppConfig extends AppConfig {
  schemes: Scheme[];
  extensionDigits: 1 | 2 | 3 | 4;
  virtualNumbers: Array<Required<Pick<VirtualNumberConfig, "number" | "status">> & VirtualNumberConfig>;
  recordingEnabled: boolean;
  pushScheme: Scheme;
  spId: string;
}

/** Push faults; rates are probabilities 0..1 drawn from the seeded generator. */
export interface PushFaultConfig {
  /** Rate at which an attempt is lost (never sent, counts as failed, so it is retried unless it is `callin`). @default 0 */
  drop?: number;
  /** Rate at which a sent attempt is sent a second time right after. @default 0 */
  duplicate?: number;
  /** Upper bound of a random extra delay (virtual ms) added before each push's first attempt. @default 0 */
  delayMs?: number;
  /** Rate at which a push is held back and sent right after the next push of the same app. @default 0 */
  reorder?: number;
}

/** Platform API faults; rates are probabilities 0..1 drawn from the seeded generator. */
export interface ApiFaultConfig {
  /** Rate of HTTP 500 `1010001` "Internal system error." answers (request not processed). @default 0 */
  error500?: number;
  /** Rate of HTTP 403 `1010010` flow-control answers (request not processed). @default 0 */
  flowControl?: number;
  /** Rate at which a request is processed but its response is withheld, then the connection dropped. @default 0 */
  hang?: number;
  /** How long a hung request is held before its connection is destroyed (real ms). @default 30000 */
  hangMs?: number;
}

/**
 * Faults of recording downloads (`GET /recordings/:fileName`, the target of the recording API's 301 and of a
 * CDR's `recordFileDownloadUrl`), as the platform's object store or a proxy on the way can produce them; rates
 * are probabilities 0..1 drawn from the seeded generator, once per download. `HEAD` requests are never faulted.
 */
export interface RecordingFaultConfig {
  /**
   * Rate at which a download starts normally (200, `audio/wav`, the full `Content-Length`), sends about half of
   * the file (the 44-byte WAV header at least), then drops the connection. @default 0
   */
  cutMidway?: number;
  /**
   * Rate at which a download answers 200 with an HTML error page (`text/html; charset=utf-8`) instead of the
   * audio, like a captive portal or a proxy does. @default 0
   */
  notAudio?: number;
}

/** Fault injection, deterministic for a given `seed`. */
export interface FaultConfig {
  push?: PushFaultConfig;
  api?: ApiFaultConfig;
  recording?: RecordingFaultConfig;
}

/** Lock-out of an address after repeated authentication failures (`1020176`). */
export interface LockoutConfig {
  /** Failed authentications from one address that trigger the lock-out; 0 disables it. @default 5 */
  threshold?: number;
  /** How long the address stays locked (virtual seconds). @default 1800 */
  durationSeconds?: number;
}

/** Freshness window of incoming UsernameTokens and the clock that judges it. */
export interface AuthConfig {
  /** Oldest accepted `Created`, in seconds. @default 300 */
  maxAgeSeconds?: number;
  /** Furthest accepted future `Created`, in seconds. @default 60 */
  maxFutureSeconds?: number;
  /**
   * Clock that judges `Created` on requests and stamps `Created` on pushes: `"real"` (wall clock, so clients
   * signing with their own clock keep working after the virtual clock is advanced) or `"virtual"`.
   * @default "real"
   */
  clock?: "real" | "virtual";
}

/** Protection of the `/simulator/*` control API. */
export interface ControlConfig {
  /** Serve the control API. @default true */
  enabled?: boolean;
  /** When set, control requests need `Authorization: Bearer <token>`. @default no token */
  token?: string;
}

/** A structured log line (never carries secrets or full phone numbers). */
export type SimulatorLogEvent =
  | { type: "request"; method: string; path: string; status: number; resultcode?: string; appKey?: string }
  | {
      type: "push";
      kind: PushKind;
      eventType: string;
      attempt: number;
      outcome: DeliveryOutcome;
      status?: number;
    };

/** Configuration of `createSimulator`; every field is optional. */
export interface SimulatorConfig {
  /** Interface to listen on. @default "127.0.0.1" */
  host?: string;
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  /** The apps. @default one app: `privnum-sim-app` / `privnum-sim-secret`, numbers `+8617000000001` (0755) and `+8617000000002` (010) */
  apps?: AppConfig[];
  /**
   * Virtual milliseconds per real millisecond. 1 runs in real time; 60000 runs a minute per millisecond (the
   * whole retry schedule in 0.3 s); 0 freezes virtual time, which then moves only through `clock.advance`/`set`.
   * @default 1
   */
  timeScale?: number;
  /** Seed of every random choice (faults, IDs, relaxed number selection). @default 1 */
  seed?: number;
  /** Faults active from the start. @default none */
  faults?: FaultConfig;
  /** Lock-out after authentication failures. @default { threshold: 5, durationSeconds: 1800 } */
  lockout?: LockoutConfig;
  /** Authentication window. @default { maxAgeSeconds: 300, maxFutureSeconds: 60, clock: "real" } */
  auth?: AuthConfig;
  /** CDRs of calls ending within this many virtual ms of the first are pushed together. @default 2000 */
  cdrBatchWindowMs?: number;
  /** Most CDRs in one fee push (1–50). @default 50 */
  cdrBatchMax?: number;
  /** Days a recording stays downloadable after its CDR was pushed (virtual time). @default 7 */
  recordingRetentionDays?: number;
  /** Real ms to wait for a push receiver before counting the attempt as failed. @default 10000 */
  pushTimeoutMs?: number;
  /** Most push attempts kept for `deliveries()` (the oldest are dropped beyond it). @default 10000 */
  maxDeliveries?: number;
  /** Initial virtual time. @default the real time at creation */
  startTime?: Date | string;
  /** `recordDomain` reported in CDRs. @default "recordings.axe-simulator.local" */
  recordDomain?: string;
  /** Control API settings. @default { enabled: true } */
  control?: ControlConfig;
  /** Receives one structured event per platform request and per push attempt. @default no logging */
  logger?: (event: SimulatorLogEvent) => void;
  /**
   * Directory where the simulator keeps its state, so that a restart continues where it stopped: bindings, call
   * records, recordings, number statuses, the virtual clock, ID counters and random state, and pending pushes and
   * CDR batches. Created if missing. With a running clock the time it was down counts: work that fell due meanwhile
   * runs before `start()` resolves. The configuration still comes from each start; `startTime` only applies to a
   * directory without state. @default in memory only
   */
  dataDir?: string;
}

/** The kind of a push, as `@privnum/notification-schemas` names them. */
export type PushKind = "callEvent" | "fee" | "numStatus";

/**
 * What happened to one push attempt: `delivered` (HTTP 200), `failed` (other status, network error, timeout),
 * `dropped` (lost by a fault), `skipped` (the app has no URL for this kind; logged once, never retried).
 */
export type DeliveryOutcome = "delivered" | "failed" | "dropped" | "skipped";

/** One push attempt. */
export interface Delivery {
  /** Sequential ID of the attempt, from 1. */
  id: number;
  /** ID shared by every attempt of the same push. */
  pushId: number;
  /** Which push URL it went to: call event, fee (CDRs) or X number status. */
  kind: PushKind;
  /** `eventType` of the body. */
  eventType: string;
  /** App whose key signed it. */
  appKey: string;
  /** Target URL; absent when skipped. */
  url?: string;
  /** 1 for the first attempt, 2–7 for the retries at +1, +4, +9, +106, +203, +300 minutes. */
  attempt: number;
  /** The exact JSON body sent. */
  body: Record<string, unknown>;
  /** HTTP status of the receiver's answer. */
  status?: number;
  /** Network error, timeout or fault description. */
  error?: string;
  /** Virtual time of the attempt (ISO-8601). */
  at: string;
  /** What happened to the attempt. */
  outcome: DeliveryOutcome;
  /** True for the extra copy sent by the `duplicate` fault. */
  duplicate?: boolean;
  /** True when the push was held back by the `reorder` fault before this attempt. */
  reordered?: boolean;
  /** True when no further attempt of this push will follow. */
  final: boolean;
  /** Scheme the push was signed with. */
  scheme: Scheme;
}

/** How a simulated call ends. */
export type CallOutcome =
  | "answered"
  | "no-answer"
  | "busy"
  | "rejected"
  | "caller-hangup-before-digits"
  | "empty-extension";

/** Input of `simulateCall`. */
export interface SimulateCallInput {
  /** App whose pushes carry the call. @default the app that owns `virtualNum`, else the first app */
  appKey?: string;
  /** The calling number, E.164. When it is the A of a live binding on X, the call is a callback. */
  caller: string;
  /** The dialled X number, E.164. */
  virtualNum: string;
  /** Digits keyed at the extension prompt (0–9, `*`, `#`; a trailing `#` ends the entry). Required for B→X calls unless the outcome makes them moot. */
  digits?: string;
  /** @default "answered" */
  outcome?: CallOutcome;
  /** Seconds of conversation when answered, 0–86400. @default 30 */
  talkSeconds?: number;
  /** Seconds of ringing before the answer, 0–300. @default 5 */
  ringSeconds?: number;
}

/** What `simulateCall` planned. */
export interface SimulateCallResult {
  sessionId: string;
  /** `callee`: someone dialled X and keyed E ("A被叫"); `callback`: A dialled X ("A回呼"). */
  scenario: "callee" | "callback";
  /** The call-event bodies, in order, each pushed when virtual time reaches its `timestamp`. */
  notifications: Array<Record<string, unknown>>;
  /** The CDR (one `feeLst` entry), queued for the fee push when the call ends. */
  cdr: Record<string, unknown>;
  /** `stateCode` of the final `disconnect`. */
  stateCode: number;
  /** Virtual time of `callin` (ISO-8601). */
  startedAt: string;
  /** Virtual time of `disconnect` (ISO-8601). */
  endedAt: string;
}

/** Input of `setNumberStatus`. */
export interface SetNumberStatusInput {
  /** @default the app that owns `number` */
  appKey?: string;
  number: string;
  status: NumberStatus;
  /** Only with status `"10"`. */
  cause?: NumberStatusCause;
}

/** The body of a bind request, as accepted by the platform (also used to preload state). */
export interface BindRequestBody {
  bindNum: string;
  virtualNum?: string;
  areaCode?: string;
  areaMatchMode?: "0" | "1";
  extendNum?: string;
  displayNumMode?: "0" | "1";
  recordFlag?: "true" | "false" | boolean;
  recordHintTone?: string;
  callbackTone?: string;
  callbackNum?: string;
  timeUnit?: "0" | "1";
  bindExpiredTime?: number | string;
  callbackExpiredTime?: number | string;
  userData?: string;
}

/** The platform's answer to a request: HTTP status plus the JSON envelope. */
export interface PlatformResult {
  httpStatus: number;
  body: { resultcode: string; resultdesc: string; [field: string]: unknown };
}

/** A binding as kept by the simulator (reported by `state()`). */
export interface BindingSnapshot {
  subscriptionId: string;
  appKey: string;
  virtualNum: string;
  extendNum: string;
  bindNum: string;
  displayNumMode: "0" | "1";
  recordFlag: boolean;
  recordHintTone?: string;
  callbackTone?: string;
  callbackNum?: string;
  timeUnit: "0" | "1";
  bindExpiredTime: number;
  callbackExpiredTime: number;
  userData?: string;
  /** Virtual creation time (ISO-8601). */
  createdAt: string;
  /** Virtual expiry time (ISO-8601), absent when the binding never expires. */
  expiresAt?: string;
  /** The latest caller who reached A through X, while the record is alive. */
  callbackRecord?: { caller: string; at: string; expiresAt?: string };
}

/** A recording kept by the simulator. */
export interface RecordingSnapshot {
  appKey: string;
  recordDomain: string;
  fileName: string;
  sessionId: string;
  seconds: number;
  createdAt: string;
  /** Absent until the CDR is pushed (retention counts from then). */
  expiresAt?: string;
}

/** Everything the simulator holds, for inspection. */
export interface SimulatorState {
  now: string;
  apps: Array<{
    appKey: string;
    schemes: Scheme[];
    extensionDigits: number;
    recordingEnabled: boolean;
    pushScheme: Scheme;
    virtualNumbers: Array<{ number: string; cityCode?: string; province?: string; status: NumberStatus }>;
  }>;
  bindings: BindingSnapshot[];
  recordings: RecordingSnapshot[];
  /** Addresses currently locked out, with the virtual time the lock ends. */
  lockouts: Array<{ address: string; until: string }>;
  faults: FaultConfig;
}

/** The virtual clock every timed behaviour follows. */
export interface SimulatorClock {
  /** Current virtual time. */
  now(): Date;
  /** Moves virtual time forward, running everything that falls due on the way, in order. */
  advance(ms: number): Promise<void>;
  /** Moves virtual time to `date` (forward runs what falls due; backward only moves the clock). */
  set(date: Date): Promise<void>;
}

/** A running (or startable) simulator. */
export interface Simulator {
  /** Base URL, e.g. `http://127.0.0.1:41234`; throws before `start()`. The platform API is under `url + "/rest/..."`. */
  readonly url: string;
  /**
   * Listens on the configured host/port, once a restarted simulator ran the work that fell due while it was down
   * (see `dataDir`). Calling it again returns the same URL. Rejects with {@link PortInUseError} when the port is
   * taken, and with {@link SimulatorStateError} when `stop()` came first.
   */
  start(): Promise<{ url: string }>;
  /**
   * Stops listening, releases hung requests and cancels pending pushes; with `dataDir`, then saves the state (the
   * pending pushes included, which the next simulator on that directory sends). Safe to call twice.
   */
  stop(): Promise<void>;
  /** The apps with defaults applied. */
  readonly apps: readonly ResolvedAppConfig[];
  readonly clock: SimulatorClock;
  /** Plans a call and schedules its events and CDR at their virtual times. */
  simulateCall(input: SimulateCallInput): Promise<SimulateCallResult>;
  /** Changes an X number's status and pushes `numStatus`. */
  setNumberStatus(input: SetNumberStatusInput): Promise<void>;
  /** Replaces the given parts of the fault configuration (a part set to `{}` clears it). */
  setFaults(faults: Partial<FaultConfig>): void;
  /** Every push attempt so far, oldest first. */
  deliveries(): Delivery[];
  /** Runs every task due at the current virtual time and waits for the attempts it makes. */
  flush(): Promise<void>;
  /**
   * Creates bindings directly, through the same validation and allocation as the bind API but without HTTP or
   * authentication. Meant for preloading large states in tests.
   */
  seedBindings(input: { appKey?: string; bindings: BindRequestBody[] }): PlatformResult[];
  /** A snapshot of apps, bindings, recordings, lock-outs and faults. */
  state(): SimulatorState;
}
