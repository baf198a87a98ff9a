import { resolve } from "node:path";
import { isStrictPhoneNumber } from "@privnum/notification-schemas";
import { SCHEMES } from "@privnum/wsse-auth";
import { z } from "zod";
import { provinceOfCity } from "./city-provinces.js";
import { type InputIssue, SimulatorConfigError } from "./errors.js";
import type {
  AppConfig,
  AuthConfig,
  FaultConfig,
  LockoutConfig,
  ResolvedAppConfig,
  SimulatorConfig,
  SimulatorLogEvent,
} from "./types.js";

/** The app used when the configuration names none (contract of the package). */
export const DEFAULT_APP: Readonly<AppConfig> = Object.freeze({
  appKey: "privnum-sim-app",
  appSecret: "privnum-sim-secret",
  virtualNumbers: [
    { number: "+8617000000001", cityCode: "0755" },
    { number: "+8617000000002", cityCode: "010" },
  ],
  extensionDigits: 4,
});

const schemeSchema = z.enum(SCHEMES);
const rate = z.number().min(0).max(1);
const httpUrl = z
  .string()
  .max(2048)
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === "http:" || u.protocol === "https:";
    } catch {
      return false;
    }
  }, "must be an http(s) URL");
const e164 = z
  .string()
  .refine(
    isStrictPhoneNumber,
    "must be E.164: + then 6–15 digits, the country code first (e.g. +8617000000001)",
  );
const cityCode = z.string().regex(/^\d{1,32}$/, "must be 1-32 digits");

const virtualNumberSchema = z.union([
  e164,
  z.strictObject({
    number: e164,
    cityCode: cityCode.optional(),
    province: z.string().min(1).max(64).optional(),
    status: z.enum(["5", "9", "10", "11"]).optional(),
  }),
]);

const appSchema = z.strictObject({
  appKey: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces")
    .refine((v) => !v.includes('"'), "must not contain a double quote"),
  appSecret: z.string().min(1).max(256),
  schemes: z.array(schemeSchema).min(1).max(3).optional(),
  extensionDigits: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).optional(),
  virtualNumbers: z.array(virtualNumberSchema).min(1).max(10_000),
  recordingEnabled: z.boolean().optional(),
  notifyUrl: httpUrl.optional(),
  callEventUrl: httpUrl.optional(),
  feeUrl: httpUrl.optional(),
  numStatusUrl: httpUrl.optional(),
  pushScheme: schemeSchema.optional(),
  spId: z.string().min(1).max(32).optional(),
  callbackTone: z.string().min(1).max(128).optional(),
  callbackNum: e164.optional(),
  ipWhitelist: z.array(z.string().min(1).max(64)).max(1000).optional(),
});

const pushFaultSchema = z.strictObject({
  drop: rate.optional(),
  duplicate: rate.optional(),
  delayMs: z.number().int().min(0).max(86_400_000).optional(),
  reorder: rate.optional(),
});
const apiFaultSchema = z.strictObject({
  error500: rate.optional(),
  flowControl: rate.optional(),
  hang: rate.optional(),
  hangMs: z.number().int().min(0).max(600_000).optional(),
});
const recordingFaultSchema = z.strictObject({
  cutMidway: rate.optional(),
  notAudio: rate.optional(),
});
/** Schema of a fault configuration (also used by `PUT /simulator/faults`). */
export const faultSchema = z.strictObject({
  push: pushFaultSchema.optional(),
  api: apiFaultSchema.optional(),
  recording: recordingFaultSchema.optional(),
});

const configSchema = z.strictObject({
  host: z.string().min(1).max(255).optional(),
  port: z.number().int().min(0).max(65_535).optional(),
  apps: z.array(appSchema).min(1).max(100).optional(),
  timeScale: z.number().min(0).max(1e9).optional(),
  seed: z.number().int().optional(),
  faults: faultSchema.optional(),
  lockout: z
    .strictObject({
      threshold: z.number().int().min(0).max(1_000_000).optional(),
      durationSeconds: z.number().min(0).max(31_536_000).optional(),
    })
    .optional(),
  auth: z
    .strictObject({
      maxAgeSeconds: z.number().int().min(1).max(86_400).optional(),
      maxFutureSeconds: z.number().int().min(0).max(86_400).optional(),
      clock: z.enum(["real", "virtual"]).optional(),
    })
    .optional(),
  cdrBatchWindowMs: z.number().int().min(0).max(86_400_000).optional(),
  cdrBatchMax: z.number().int().min(1).max(50).optional(),
  recordingRetentionDays: z.number().min(0).max(3650).optional(),
  pushTimeoutMs: z.number().int().min(1).max(600_000).optional(),
  maxDeliveries: z.number().int().min(1).max(10_000_000).optional(),
  startTime: z.union([z.date(), z.string()]).optional(),
  recordDomain: z
    .string()
    .regex(/^[A-Za-z0-9.-]{1,128}$/, "must be a host name")
    .optional(),
  control: z
    .strictObject({ enabled: z.boolean().optional(), token: z.string().min(8).max(256).optional() })
    .optional(),
  logger: z.custom<(event: SimulatorLogEvent) => void>((v) => typeof v === "function").optional(),
  dataDir: z.string().min(1).max(4096).optional(),
});

/** The configuration with every default applied. */
export interface ResolvedConfig {
  host: string;
  port: number;
  apps: ResolvedAppConfig[];
  timeScale: number;
  seed: number;
  faults: FaultConfig;
  lockout: Required<LockoutConfig>;
  auth: Required<AuthConfig>;
  cdrBatchWindowMs: number;
  cdrBatchMax: number;
  recordingRetentionDays: number;
  pushTimeoutMs: number;
  maxDeliveries: number;
  startMs: number;
  recordDomain: string;
  control: { enabled: boolean; token?: string };
  logger?: (event: SimulatorLogEvent) => void;
  /** Absolute path of the state directory; absent = in memory only. */
  dataDir?: string;
}

/** Turns zod issues into the package's `{ path, message }` issues. */
export function toIssues(error: z.ZodError): InputIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
}

function resolveApp(app: AppConfig): ResolvedAppConfig {
  const virtualNumbers = app.virtualNumbers.map((entry) => {
    const n = typeof entry === "string" ? { number: entry } : { ...entry };
    const province = n.province ?? (n.cityCode ? provinceOfCity(n.cityCode) : undefined);
    return {
      ...n,
      ...(province ? { province } : {}),
      status: n.status ?? ("5" as const),
    };
  });
  return {
    ...app,
    schemes: [...new Set(app.schemes ?? SCHEMES)],
    extensionDigits: app.extensionDigits ?? 4,
    virtualNumbers,
    recordingEnabled: app.recordingEnabled ?? true,
    pushScheme: app.pushScheme ?? "aksk",
    spId: app.spId ?? "privnum-sim-sp",
  };
}

/** Validates a configuration and fills in the defaults; throws {@link SimulatorConfigError}. */
export function resolveConfig(input: SimulatorConfig = {}): ResolvedConfig {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) throw new SimulatorConfigError(toIssues(parsed.error));
  const c = input;
  const issues: InputIssue[] = [];
  const apps = (c.apps ?? [DEFAULT_APP]).map(resolveApp);

  const keys = new Set<string>();
  const numbers = new Set<string>();
  apps.forEach((app, i) => {
    if (keys.has(app.appKey)) issues.push({ path: `apps.${i}.appKey`, message: "duplicate appKey" });
    keys.add(app.appKey);
    app.virtualNumbers.forEach((n, j) => {
      if (numbers.has(n.number)) {
        issues.push({
          path: `apps.${i}.virtualNumbers.${j}`,
          message: `number ${n.number} is configured twice`,
        });
      }
      numbers.add(n.number);
    });
  });

  let startMs = Date.now();
  if (c.startTime !== undefined) {
    startMs = new Date(c.startTime).getTime();
    if (Number.isNaN(startMs)) issues.push({ path: "startTime", message: "must be a valid date" });
  }
  if (issues.length > 0) throw new SimulatorConfigError(issues);

  return {
    host: c.host ?? "127.0.0.1",
    port: c.port ?? 0,
    apps,
    timeScale: c.timeScale ?? 1,
    seed: c.seed ?? 1,
    faults: structuredClone(c.faults ?? {}),
    lockout: { threshold: c.lockout?.threshold ?? 5, durationSeconds: c.lockout?.durationSeconds ?? 1800 },
    auth: {
      maxAgeSeconds: c.auth?.maxAgeSeconds ?? 300,
      maxFutureSeconds: c.auth?.maxFutureSeconds ?? 60,
      clock: c.auth?.clock ?? "real",
    },
    cdrBatchWindowMs: c.cdrBatchWindowMs ?? 2000,
    cdrBatchMax: c.cdrBatchMax ?? 50,
    recordingRetentionDays: c.recordingRetentionDays ?? 7,
    pushTimeoutMs: c.pushTimeoutMs ?? 10_000,
    maxDeliveries: c.maxDeliveries ?? 10_000,
    startMs,
    recordDomain: c.recordDomain ?? "recordings.axe-simulator.local",
    control: { enabled: c.control?.enabled ?? true, ...(c.control?.token ? { token: c.control.token } : {}) },
    ...(c.logger ? { logger: c.logger } : {}),
    ...(c.dataDir !== undefined ? { dataDir: resolve(c.dataDir) } : {}),
  };
}
