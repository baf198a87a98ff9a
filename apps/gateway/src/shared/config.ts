import { randomUUID } from "node:crypto";
import { isIP } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { STRICT_PHONE_NUMBER_PATTERN } from "@privnum/notification-schemas";
import { SCHEMES, type Scheme } from "@privnum/wsse-auth";
import { z } from "zod";
import { type ApiKeyEntry, parseApiKeys } from "../auth/api-keys.js";
import type { JwtSettings } from "../auth/jwt.js";

/** pino log levels accepted by `LOG_LEVEL`. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** The credentials of the embedded simulator's default app, used when `AXE_BASE_URL` is unset. */
export const SIMULATOR_DEFAULT_APP = {
  appKey: "privnum-sim-app",
  appSecret: "privnum-sim-secret",
} as const;

const booleanString = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], {
    error: "must be one of true/false/1/0/yes/no/on/off",
  })
  .transform((value) => ["true", "1", "yes", "on"].includes(value));

const port = z.coerce.number().int().min(0).max(65_535);

/** Most X numbers `AXE_VIRTUAL_NUMBERS` may list. */
export const MAX_VIRTUAL_NUMBERS = 10_000;

// A variable set to "" (e.g. `PORT=` in a shell or an env file) means unset: the default applies.
const emptyToUndefined = (value: unknown) => (value === "" ? undefined : value);

/** Shortest `GATEWAY_JWT_SECRET`: HS256 wants a key of at least 256 bits. */
export const MIN_JWT_SECRET_LENGTH = 32;

const origins = z
  .string()
  .max(10_000)
  .transform((list) => list.split(",").map((entry) => entry.trim()))
  .pipe(
    z.array(
      z.string().refine((entry) => URL.canParse(entry) && new URL(entry).origin === entry, {
        error:
          "must list origins such as https://console.example.com (scheme, host and port only, no path or *), comma-separated",
      }),
    ),
  );

/**
 * An IPv4 or IPv6 address, or a CIDR range of one (`10.1.0.0/16`, `2001:db8::/32`): what `TRUSTED_PROXIES`
 * lists, in the form `node:net`'s BlockList takes.
 */
export function isAddressOrRange(entry: string): boolean {
  const [address = "", prefix, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

const positiveInt = z.coerce.number().int().min(1).max(1_000_000_000);

/** The limits that apply when their variables are unset. */
export const DEFAULT_LIMITS: LimitsConfig = Object.freeze({
  graphql: Object.freeze({
    maxDepth: 12,
    maxAliases: 15,
    maxTokens: 2000,
    maxDirectives: 50,
    maxCost: 5000,
    maxPlatformCalls: 20,
  }),
  subscriptions: Object.freeze({ maxReplayEvents: 10_000, maxPerSocket: 100, maxSockets: 20_000 }),
  notify: Object.freeze({
    retentionDays: 30,
    trustedProxies: Object.freeze([]) as readonly string[],
    refusalsPerMinute: 100,
  }),
});

/** What one request, socket or client may cost the gateway. */
export interface LimitsConfig {
  graphql: {
    /** `GRAPHQL_MAX_DEPTH`: deepest field nesting of a document. */
    maxDepth: number;
    /** `GRAPHQL_MAX_ALIASES`: most aliases in a document. */
    maxAliases: number;
    /** `GRAPHQL_MAX_TOKENS`: most tokens in a document. */
    maxTokens: number;
    /** `GRAPHQL_MAX_DIRECTIVES`: most directives in a document. */
    maxDirectives: number;
    /** `GRAPHQL_MAX_COST`: highest cost of an operation, list sizes multiplied through nesting. */
    maxCost: number;
    /** `GRAPHQL_MAX_PLATFORM_CALLS`: most platform requests one GraphQL request may cause. */
    maxPlatformCalls: number;
  };
  subscriptions: {
    /** `SUBSCRIPTION_MAX_REPLAY`: most stored events one resuming subscription replays. */
    maxReplayEvents: number;
    /** `WS_MAX_SUBSCRIPTIONS_PER_SOCKET`: most subscriptions open on one socket. */
    maxPerSocket: number;
    /** `WS_MAX_SOCKETS`: most open WebSockets. */
    maxSockets: number;
  };
  notify: {
    /** `NOTIFY_RETENTION_DAYS`: kept notification bodies older than this are deleted. */
    retentionDays: number;
    /** `TRUSTED_PROXIES`: peers whose `X-Forwarded-For` names the client (IPs and CIDRs, IPv4 and IPv6). */
    trustedProxies: readonly string[];
    /** `NOTIFY_REFUSALS_PER_MINUTE`: refused pushes one source address may send per minute before 429. */
    refusalsPerMinute: number;
  };
}

/** The recording settings that apply when their variables are unset. */
export const DEFAULT_RECORDINGS = Object.freeze({
  archive: true,
  maxBytes: 100 * 1024 * 1024,
  linkTtlSeconds: 900,
});

/** Most worker processes `WORKERS` may ask for. */
export const MAX_WORKERS = 64;

// `auto` (one per core, at most MAX_WORKERS) or a count from 1 to MAX_WORKERS.
const workersSetting = z
  .string()
  .max(10)
  .refine(
    (value) =>
      value === "auto" || (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= MAX_WORKERS),
    {
      error: `must be a whole number from 1 to ${MAX_WORKERS}, or auto (one per core)`,
    },
  )
  .transform((value) => (value === "auto" ? Math.min(MAX_WORKERS, availableParallelism()) : Number(value)));

/** The default of `DATA_DIR`, relative to the working directory. */
export const DEFAULT_DATA_DIR = "./.data";

const envSchema = z.object({
  PORT: port.default(4000),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATA_DIR: z.string().default(DEFAULT_DATA_DIR),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// or postgresql:// URL" })
    .optional(),
  PGLITE_DIR: z.string().optional(),
  AXE_BASE_URL: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional(),
  AXE_APP_KEY: z.string().min(1).max(128).optional(),
  AXE_APP_SECRET: z.string().min(1).max(256).optional(),
  AXE_AUTH_SCHEME: z.enum(SCHEMES).default("aksk"),
  NOTIFY_VERIFY: booleanString.default(true),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
  SIMULATOR_PORT: port.default(8788),
  AXE_VIRTUAL_NUMBERS: z
    .string()
    .max(200_000)
    .transform((list) => list.split(",").map((entry) => entry.trim()))
    .pipe(
      z
        .array(
          z
            .string()
            // What a client may send: the strict rule of @privnum/notification-schemas.
            .regex(STRICT_PHONE_NUMBER_PATTERN, {
              error: "must list E.164 numbers such as +8617000000001 (+ then 6–15 digits), comma-separated",
            }),
        )
        .max(MAX_VIRTUAL_NUMBERS, { error: `lists at most ${MAX_VIRTUAL_NUMBERS} numbers` }),
    )
    .optional(),
  NODE_ENV: z.string().optional(),
  GATEWAY_API_KEYS: z.string().max(100_000).optional(),
  GATEWAY_JWT_SECRET: z
    .string()
    .min(MIN_JWT_SECRET_LENGTH, { error: `must be at least ${MIN_JWT_SECRET_LENGTH} characters (HS256)` })
    .optional(),
  GATEWAY_JWKS_URL: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional(),
  GATEWAY_JWT_ISSUER: z.string().max(1000).optional(),
  GATEWAY_JWT_AUDIENCE: z.string().max(1000).optional(),
  GATEWAY_JWT_ROLE_CLAIM: z.string().min(1).max(200).optional(),
  GATEWAY_CORS_ORIGINS: origins.optional(),
  // Limits (docs: the gateway README, "Limits"). Each area keeps its variables together.
  // GraphQL documents and the work one request may cause.
  GRAPHQL_MAX_DEPTH: positiveInt.default(DEFAULT_LIMITS.graphql.maxDepth),
  GRAPHQL_MAX_ALIASES: positiveInt.default(DEFAULT_LIMITS.graphql.maxAliases),
  GRAPHQL_MAX_TOKENS: positiveInt.default(DEFAULT_LIMITS.graphql.maxTokens),
  GRAPHQL_MAX_DIRECTIVES: positiveInt.default(DEFAULT_LIMITS.graphql.maxDirectives),
  GRAPHQL_MAX_COST: positiveInt.default(DEFAULT_LIMITS.graphql.maxCost),
  GRAPHQL_MAX_PLATFORM_CALLS: positiveInt.default(DEFAULT_LIMITS.graphql.maxPlatformCalls),
  // Subscriptions and sockets.
  SUBSCRIPTION_MAX_REPLAY: positiveInt.default(DEFAULT_LIMITS.subscriptions.maxReplayEvents),
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET: positiveInt.default(DEFAULT_LIMITS.subscriptions.maxPerSocket),
  WS_MAX_SOCKETS: positiveInt.default(DEFAULT_LIMITS.subscriptions.maxSockets),
  // The webhook.
  NOTIFY_RETENTION_DAYS: positiveInt.default(DEFAULT_LIMITS.notify.retentionDays),
  TRUSTED_PROXIES: z
    .string()
    .max(10_000)
    .transform((list) => list.split(",").map((entry) => entry.trim()))
    .pipe(
      z.array(
        z.string().refine(isAddressOrRange, {
          error:
            "must list IP addresses or CIDR ranges such as 10.0.0.1, 10.1.0.0/16 or 2001:db8::/32, comma-separated",
        }),
      ),
    )
    .optional(),
  NOTIFY_REFUSALS_PER_MINUTE: positiveInt.default(DEFAULT_LIMITS.notify.refusalsPerMinute),
  // Operations.
  METRICS_TOKEN: z.string().min(16, { error: "must be at least 16 characters" }).max(1000).optional(),
  // Several processes on this machine (cluster mode, src/process/cluster-primary.ts).
  WORKERS: workersSetting.default(1),
  // Several instances.
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" }).optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/, { error: "must be 1–64 characters of A-Z a-z 0-9 : _ . -" })
    .default("privnum:"),
  // Bindings kept in step with the platform.
  BINDINGS_RECONCILE_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),
  // The web console, served under /console/.
  CONSOLE_ENABLED: booleanString.default(true),
  CONSOLE_DIR: z.string().min(1).max(4096).optional(),
  // Recordings archived past the platform's 7 days.
  RECORDINGS_ARCHIVE: booleanString.default(true),
  RECORDINGS_DIR: z.string().min(1).max(4096).optional(),
  RECORDINGS_RETENTION_DAYS: positiveInt.max(36_500).optional(),
  RECORDINGS_MAX_BYTES: positiveInt.default(DEFAULT_RECORDINGS.maxBytes),
  RECORDINGS_LINK_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(10)
    .max(86_400)
    .default(DEFAULT_RECORDINGS.linkTtlSeconds),
});

/** Every environment variable the gateway reads. */
export const GATEWAY_VARIABLES = Object.keys(envSchema.shape) as readonly (keyof typeof envSchema.shape)[];

/** Where the gateway keeps its data. */
export type DatabaseConfig =
  | { kind: "postgres"; url: string }
  /** `dataDir` is a directory, or `memory://` for a throwaway in-memory database. */
  | { kind: "pglite"; dataDir: string };

/** Which platform the gateway talks to. */
export type PlatformConfig =
  | { kind: "remote"; baseUrl: string; appKey: string; appSecret: string; scheme: AuthScheme }
  /**
   * Start `@privnum/axe-simulator` in-process on `port` (0 = any free port). It keeps its state (bindings, calls,
   * clock, identities, pending pushes) in `stateDir` across restarts, as a platform would; absent = in memory.
   */
  | {
      kind: "embedded-simulator";
      port: number;
      appKey: string;
      appSecret: string;
      scheme: AuthScheme;
      stateDir?: string;
    };

/** A signature scheme name, as `@privnum/wsse-auth` lists them. */
export type AuthScheme = Scheme;

/** Who may call the gateway, and from which browser pages. */
export interface AuthConfig {
  /** `GATEWAY_API_KEYS`: `name=key:role` entries. @default [] */
  apiKeys: readonly ApiKeyEntry[];
  /** `GATEWAY_JWT_SECRET` or `GATEWAY_JWKS_URL` with their options; undefined = JWTs are refused. */
  jwt: JwtSettings | undefined;
  /**
   * Generate a viewer, an operator and an admin key, kept under `dataDir` and printed at start: set when no
   * API key and no JWT setting is given, outside production.
   */
  devKeys: boolean;
  /** Origins whose pages may call the gateway (CORS and WebSocket upgrades), besides its own. @default [] */
  corsOrigins: readonly string[];
}

/** The gateway's validated configuration. */
export interface GatewayConfig {
  /** TCP port of the HTTP + WebSocket server (0 = any free port). @default 4000 */
  port: number;
  /** Interface to bind. @default "127.0.0.1" */
  host: string;
  /**
   * Where this gateway keeps everything local (its lock, embedded PGlite …), whatever the database; one
   * running gateway per directory. @default "./.data"
   */
  dataDir: string;
  database: DatabaseConfig;
  platform: PlatformConfig;
  /** Verify the signature of every push on /notify. @default true */
  notifyVerify: boolean;
  /** pino log level. @default "info" */
  logLevel: (typeof LOG_LEVELS)[number];
  /**
   * X numbers the gateway serves, listed by `virtualNumbers` from the start (the embedded simulator's own
   * numbers are added to these). @default []
   */
  virtualNumbers: readonly string[];
  /** `NODE_ENV=production`: credentials required, no embedded simulator, no introspection for viewers. */
  production: boolean;
  auth: AuthConfig;
  limits: LimitsConfig;
  /** `METRICS_TOKEN`: Bearer token for `/metrics` (besides an admin's credentials) off a loopback host. */
  metricsToken: string | undefined;
  /**
   * `WORKERS`: how many processes serve the one `port` (node:cluster); 1 = a single process, as without the
   * setting. More needs PostgreSQL and Redis. @default 1
   */
  workers: number;
  /** `REDIS_URL` and `REDIS_KEY_PREFIX`: fan-out and shared counters across instances; undefined = one instance. */
  redis: RedisConfig | undefined;
  /** `BINDINGS_RECONCILE_MINUTES`: minutes between reconciliations of the bindings with the platform (0 = only at start and on demand). @default 60 */
  reconcileIntervalMinutes: number;
  recordings: RecordingsConfig;
  console: ConsoleConfig;
}

/** The web console the gateway serves. */
export interface ConsoleConfig {
  /** `CONSOLE_ENABLED`: serve the built console under `/console/`. @default true */
  enabled: boolean;
  /** `CONSOLE_DIR`: the built console to serve. @default the `dist/` of `@privnum/console` */
  dir?: string;
}

/** The archive of call recordings. */
export interface RecordingsConfig {
  /** `RECORDINGS_ARCHIVE`: fetch and keep every recording. @default true */
  archive: boolean;
  /** `RECORDINGS_DIR`: where the files go. @default `<dataDir>/recordings` */
  dir?: string;
  /** `RECORDINGS_RETENTION_DAYS`: archived files older than this (from their CDR) are deleted; undefined = kept. */
  retentionDays?: number;
  /** `RECORDINGS_MAX_BYTES`: a larger download fails. @default 100 MiB */
  maxBytes: number;
  /** `RECORDINGS_LINK_TTL_SECONDS`: how long a signed recording link (for an `<audio>` element) stays valid. @default 900 */
  linkTtlSeconds: number;
}

/** Where several instances meet. */
export interface RedisConfig {
  url: string;
  /** Prefix of every key and channel the gateway uses, so that several deployments share one Redis. @default "privnum:" */
  keyPrefix: string;
}

/** One problem found in the environment. */
export interface ConfigIssue {
  variable: string;
  message: string;
}

/** Result of reading the configuration. */
export type ConfigResult = { ok: true; config: GatewayConfig } | { ok: false; issues: ConfigIssue[] };

/** Validate an environment map (e.g. `process.env`) into a {@link GatewayConfig}. Never throws. */
export function parseConfig(env: Record<string, string | undefined>): ConfigResult {
  const parsed = envSchema.safeParse(
    Object.fromEntries(Object.entries(env).map(([name, value]) => [name, emptyToUndefined(value)])),
  );
  const issues: ConfigIssue[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({
        variable: issue.path.map(String).join(".") || "(environment)",
        message: issue.message,
      }));
  // Checked on the raw values so that it is reported alongside any other problem.
  if (env.AXE_BASE_URL) {
    for (const variable of ["AXE_APP_KEY", "AXE_APP_SECRET"] as const) {
      if (!env[variable]) issues.push({ variable, message: "is required when AXE_BASE_URL is set" });
    }
  }
  const production = env.NODE_ENV === "production";
  const apiKeys = env.GATEWAY_API_KEYS
    ? parseApiKeys(env.GATEWAY_API_KEYS)
    : { ok: true as const, entries: [] };
  if (!apiKeys.ok) issues.push({ variable: "GATEWAY_API_KEYS", message: apiKeys.message });
  issues.push(...authIssues(env, production));
  issues.push(...clusterIssues(env));
  issues.push(...severalInstancesIssues(env));
  if (!parsed.success || issues.length > 0 || !apiKeys.ok) return { ok: false, issues };
  const e = parsed.data;
  const platform: PlatformConfig =
    e.AXE_BASE_URL !== undefined
      ? {
          kind: "remote",
          baseUrl: e.AXE_BASE_URL,
          appKey: e.AXE_APP_KEY!,
          appSecret: e.AXE_APP_SECRET!,
          scheme: e.AXE_AUTH_SCHEME,
        }
      : {
          kind: "embedded-simulator",
          port: e.SIMULATOR_PORT,
          appKey: e.AXE_APP_KEY ?? SIMULATOR_DEFAULT_APP.appKey,
          appSecret: e.AXE_APP_SECRET ?? SIMULATOR_DEFAULT_APP.appSecret,
          scheme: e.AXE_AUTH_SCHEME,
          stateDir: join(e.DATA_DIR, "simulator"),
        };
  return {
    ok: true,
    config: {
      port: e.PORT,
      host: e.HOST,
      dataDir: e.DATA_DIR,
      database:
        e.DATABASE_URL !== undefined
          ? { kind: "postgres", url: e.DATABASE_URL }
          : { kind: "pglite", dataDir: e.PGLITE_DIR ?? join(e.DATA_DIR, "pglite") },
      platform,
      notifyVerify: e.NOTIFY_VERIFY,
      logLevel: e.LOG_LEVEL,
      virtualNumbers: [...new Set(e.AXE_VIRTUAL_NUMBERS ?? [])],
      production,
      auth: {
        apiKeys: apiKeys.entries,
        jwt: jwtSettings(e),
        devKeys: !production && apiKeys.entries.length === 0 && !e.GATEWAY_JWT_SECRET && !e.GATEWAY_JWKS_URL,
        corsOrigins: [...new Set(e.GATEWAY_CORS_ORIGINS ?? [])],
      },
      limits: {
        graphql: {
          maxDepth: e.GRAPHQL_MAX_DEPTH,
          maxAliases: e.GRAPHQL_MAX_ALIASES,
          maxTokens: e.GRAPHQL_MAX_TOKENS,
          maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
          maxCost: e.GRAPHQL_MAX_COST,
          maxPlatformCalls: e.GRAPHQL_MAX_PLATFORM_CALLS,
        },
        subscriptions: {
          maxReplayEvents: e.SUBSCRIPTION_MAX_REPLAY,
          maxPerSocket: e.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
          maxSockets: e.WS_MAX_SOCKETS,
        },
        notify: {
          retentionDays: e.NOTIFY_RETENTION_DAYS,
          trustedProxies: [...new Set(e.TRUSTED_PROXIES ?? [])],
          refusalsPerMinute: e.NOTIFY_REFUSALS_PER_MINUTE,
        },
      },
      metricsToken: e.METRICS_TOKEN,
      workers: e.WORKERS,
      redis: e.REDIS_URL !== undefined ? { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX } : undefined,
      reconcileIntervalMinutes: e.BINDINGS_RECONCILE_MINUTES,
      recordings: {
        archive: e.RECORDINGS_ARCHIVE,
        ...(e.RECORDINGS_DIR !== undefined ? { dir: e.RECORDINGS_DIR } : {}),
        ...(e.RECORDINGS_RETENTION_DAYS !== undefined ? { retentionDays: e.RECORDINGS_RETENTION_DAYS } : {}),
        maxBytes: e.RECORDINGS_MAX_BYTES,
        linkTtlSeconds: e.RECORDINGS_LINK_TTL_SECONDS,
      },
      console: { enabled: e.CONSOLE_ENABLED, ...(e.CONSOLE_DIR !== undefined ? { dir: e.CONSOLE_DIR } : {}) },
    },
  };
}

type ParsedEnv = z.infer<typeof envSchema>;

function jwtSettings(e: ParsedEnv): JwtSettings | undefined {
  const key =
    e.GATEWAY_JWT_SECRET !== undefined ? { secret: e.GATEWAY_JWT_SECRET } : { jwksUrl: e.GATEWAY_JWKS_URL };
  if (key.secret === undefined && key.jwksUrl === undefined) return undefined;
  return {
    ...key,
    ...(e.GATEWAY_JWT_ISSUER !== undefined ? { issuer: e.GATEWAY_JWT_ISSUER } : {}),
    ...(e.GATEWAY_JWT_AUDIENCE !== undefined ? { audience: e.GATEWAY_JWT_AUDIENCE } : {}),
    roleClaim: e.GATEWAY_JWT_ROLE_CLAIM ?? "role",
  };
}

/** The rules between the authentication settings, and those of production; checked on the raw values. */
function authIssues(env: Record<string, string | undefined>, production: boolean): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const jwt = Boolean(env.GATEWAY_JWT_SECRET || env.GATEWAY_JWKS_URL);
  if (env.GATEWAY_JWT_SECRET && env.GATEWAY_JWKS_URL) {
    issues.push({ variable: "GATEWAY_JWKS_URL", message: "cannot be set together with GATEWAY_JWT_SECRET" });
  }
  for (const variable of ["GATEWAY_JWT_ISSUER", "GATEWAY_JWT_AUDIENCE", "GATEWAY_JWT_ROLE_CLAIM"] as const) {
    if (env[variable] && !jwt) {
      issues.push({ variable, message: "needs GATEWAY_JWT_SECRET or GATEWAY_JWKS_URL" });
    }
  }
  if (production && !env.GATEWAY_API_KEYS && !jwt) {
    issues.push({
      variable: "GATEWAY_API_KEYS",
      message: "(or GATEWAY_JWT_SECRET or GATEWAY_JWKS_URL) is required when NODE_ENV=production",
    });
  }
  if (production && !env.AXE_BASE_URL) {
    issues.push({
      variable: "AXE_BASE_URL",
      message:
        "is required when NODE_ENV=production: the embedded simulator's control API has no authentication",
    });
  }
  return issues;
}

/**
 * `REDIS_URL` is what several instances share; they must share the database and the platform too. One PGlite
 * directory and one embedded simulator serve one instance, so each is refused alongside `REDIS_URL`.
 */
function severalInstancesIssues(env: Record<string, string | undefined>): ConfigIssue[] {
  if (!env.REDIS_URL) return [];
  const issues: ConfigIssue[] = [];
  // The workers of one cluster share this machine: its primary runs the embedded simulator for all of them,
  // and they share the recordings directory under DATA_DIR.
  if (isClustered(env)) return issues;
  if (!env.DATABASE_URL) {
    issues.push({
      variable: "DATABASE_URL",
      message:
        "is required with REDIS_URL: several instances share one PostgreSQL database (embedded PGlite serves one instance)",
    });
  }
  if (!env.AXE_BASE_URL) {
    issues.push({
      variable: "AXE_BASE_URL",
      message:
        "is required with REDIS_URL: several instances share one platform (the embedded simulator belongs to one instance; run the axe-simulator CLI and point AXE_BASE_URL at it)",
    });
  }
  const archive = booleanString.safeParse(emptyToUndefined(env.RECORDINGS_ARCHIVE) ?? "true");
  if ((!archive.success || archive.data) && !env.RECORDINGS_DIR) {
    issues.push({
      variable: "RECORDINGS_DIR",
      message:
        "is required with REDIS_URL: several instances serve each other's archived recordings, so they must share one directory (a network filesystem); or set RECORDINGS_ARCHIVE=false",
    });
  }
  return issues;
}

/** Whether `WORKERS` asks for more than one process (`auto` counts as more, whatever the machine). */
function isClustered(env: Record<string, string | undefined>): boolean {
  const workers = emptyToUndefined(env.WORKERS);
  return workers === "auto" || (typeof workers === "string" && /^\d+$/.test(workers) && Number(workers) > 1);
}

/**
 * Several workers share one database and wake each other's feeds through Redis: `WORKERS` above 1 needs
 * `DATABASE_URL` (PGlite serves one process) and `REDIS_URL`.
 */
function clusterIssues(env: Record<string, string | undefined>): ConfigIssue[] {
  if (!isClustered(env)) return [];
  const issues: ConfigIssue[] = [];
  if (!env.DATABASE_URL) {
    issues.push({
      variable: "DATABASE_URL",
      message:
        "is required when WORKERS is above 1: the workers share one PostgreSQL database (embedded PGlite serves one process)",
    });
  }
  if (!env.REDIS_URL) {
    issues.push({
      variable: "REDIS_URL",
      message:
        "is required when WORKERS is above 1: the workers wake each other's subscriptions through Redis",
    });
  }
  return issues;
}

/** Read and validate `process.env`: the only place in the gateway that touches the environment. */
export function loadConfigFromEnv(): ConfigResult {
  return parseConfig(process.env);
}

/**
 * A configuration for tests and scripts: in-memory PGlite, embedded simulator, any free ports, and a data
 * directory of its own under the system's temporary folder (not created until something writes there).
 */
export function testConfig(overrides: Partial<GatewayConfig> = {}): GatewayConfig {
  return {
    port: 0,
    host: "127.0.0.1",
    dataDir: join(tmpdir(), `privnum-gateway-${randomUUID()}`),
    database: { kind: "pglite", dataDir: "memory://" },
    platform: { kind: "embedded-simulator", port: 0, ...SIMULATOR_DEFAULT_APP, scheme: "aksk" },
    notifyVerify: true,
    logLevel: "silent",
    virtualNumbers: [],
    production: false,
    auth: { apiKeys: TEST_API_KEY_ENTRIES, jwt: undefined, devKeys: false, corsOrigins: [] },
    limits: DEFAULT_LIMITS,
    metricsToken: undefined,
    workers: 1,
    redis: undefined,
    reconcileIntervalMinutes: 0,
    // Off unless a test archives: its background work would count in the statement budgets of others.
    recordings: { ...DEFAULT_RECORDINGS, archive: false },
    console: { enabled: true },
    ...overrides,
  };
}

/** The API keys of {@link testConfig}, one per role. Known to every test: never use them elsewhere. */
export const TEST_API_KEYS = Object.freeze({
  viewer: "test-viewer-key-0000000000000000",
  operator: "test-operator-key-00000000000000",
  admin: "test-admin-key-000000000000000000",
});

const TEST_API_KEY_ENTRIES: readonly ApiKeyEntry[] = Object.freeze(
  (["viewer", "operator", "admin"] as const).map((role) =>
    Object.freeze({ name: `test-${role}`, key: TEST_API_KEYS[role], role }),
  ),
);
