import { readFileSync } from "node:fs";
import { isScheme, SCHEMES } from "@privnum/wsse-auth";
import { Command, InvalidArgumentError, Option } from "commander";
import { DEFAULT_APP } from "./config.js";
import { SimulatorConfigError } from "./errors.js";
import type { AppConfig, Scheme, SimulatorConfig, VirtualNumberConfig } from "./types.js";

/** Port the CLI listens on when neither `--port` nor the config file sets one. */
export const CLI_DEFAULT_PORT = 8788;

function integer(min: number, max: number) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
    return n;
  };
}

function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError("must be a number ≥ 0");
  return n;
}

/** `+8617000000001,+8617000000002:010` → numbers with optional `:cityCode`. */
function virtualNumberList(value: string): VirtualNumberConfig[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const [number = "", cityCode] = s.split(":");
      return cityCode ? { number, cityCode } : { number };
    });
}

function schemeList(value: string): Scheme[] {
  const list = value.split(",").map((s) => s.trim());
  for (const s of list) {
    if (!isScheme(s)) throw new InvalidArgumentError(`unknown scheme ${s}; use ${SCHEMES.join(", ")}`);
  }
  return list as Scheme[];
}

/** The parsed command line. */
export interface CliOptions {
  config?: string;
  host?: string;
  port?: number;
  appKey?: string;
  appSecret?: string;
  virtualNumbers?: VirtualNumberConfig[];
  extensionDigits?: 1 | 2 | 3 | 4;
  schemes?: Scheme[];
  notifyUrl?: string;
  callEventUrl?: string;
  feeUrl?: string;
  numStatusUrl?: string;
  pushScheme?: Scheme;
  recording?: boolean;
  timeScale?: number;
  seed?: number;
  cdrBatchWindowMs?: number;
  lockoutThreshold?: number;
  lockoutDurationSeconds?: number;
  controlToken?: string;
  dataDir?: string;
  quiet?: boolean;
}

/** The `axe-simulator` command definition. */
export function buildCommand(): Command {
  return new Command()
    .name("axe-simulator")
    .description(
      "A local emulator of Huawei Cloud PrivateNumber AXE mode: REST API, simulated calls, signed pushes, faults.",
    )
    .option("-c, --config <file>", "JSON configuration file (createSimulator options); flags override it")
    .option("--host <host>", "interface to listen on (default: 127.0.0.1)")
    .option(
      "-p, --port <port>",
      `port to listen on, 0 for any (default: ${CLI_DEFAULT_PORT})`,
      integer(0, 65535),
    )
    .option("--app-key <key>", `APP_Key of the first app (default: ${DEFAULT_APP.appKey})`)
    .option("--app-secret <secret>", `APP_Secret of the first app (default: ${DEFAULT_APP.appSecret})`)
    .option(
      "--virtual-numbers <list>",
      "comma-separated X numbers of the first app, each optionally with :cityCode (e.g. +8617000000001:0755)",
      virtualNumberList,
    )
    .addOption(
      new Option("--extension-digits <n>", "extension digit count of the first app (default: 4)").argParser(
        (v) => integer(1, 4)(v) as 1 | 2 | 3 | 4,
      ),
    )
    .option(
      "--schemes <list>",
      `accepted auth schemes, comma-separated (default: ${SCHEMES.join(",")})`,
      schemeList,
    )
    .option("--notify-url <url>", "URL receiving every push of the first app")
    .option("--call-event-url <url>", "URL receiving call events (overrides --notify-url)")
    .option("--fee-url <url>", "URL receiving CDRs (overrides --notify-url)")
    .option(
      "--num-status-url <url>",
      "URL receiving X number status (default: call-event URL, then --notify-url)",
    )
    .addOption(
      new Option("--push-scheme <scheme>", "scheme signing the pushes (default: aksk)").choices(SCHEMES),
    )
    .option("--no-recording", "the first app has recording disabled")
    .option(
      "--time-scale <n>",
      "virtual ms per real ms; 0 freezes virtual time (default: 1)",
      nonNegativeNumber,
    )
    .option("--seed <n>", "seed of faults and generated IDs (default: 1)", integer(-2147483648, 2147483647))
    .option(
      "--cdr-batch-window-ms <ms>",
      "CDR merge window in virtual ms (default: 2000)",
      integer(0, 86_400_000),
    )
    .option(
      "--lockout-threshold <n>",
      "auth failures before an address is locked out, 0 = never (default: 5)",
      integer(0, 1_000_000),
    )
    .option(
      "--lockout-duration-seconds <s>",
      "lock-out duration in virtual seconds (default: 1800)",
      integer(0, 31_536_000),
    )
    .option("--control-token <token>", "require 'Authorization: Bearer <token>' on /simulator/*")
    .option(
      "--data-dir <dir>",
      "directory keeping the simulator's state, so that a restart continues where it stopped (default: in memory only)",
    )
    .option("-q, --quiet", "do not log requests and pushes")
    .showHelpAfterError();
}

/**
 * Merges the config file (if any) and the flags into a `SimulatorConfig`. App flags apply to the first app of the
 * file, or to the default app when the file has none.
 */
export function configFromOptions(
  options: CliOptions,
  readFile: (path: string) => string = readText,
): SimulatorConfig {
  let base: SimulatorConfig = {};
  if (options.config) {
    let text: string;
    try {
      text = readFile(options.config);
    } catch (error) {
      throw new SimulatorConfigError([
        { path: "--config", message: `cannot read ${options.config}: ${(error as Error).message}` },
      ]);
    }
    try {
      base = JSON.parse(text) as SimulatorConfig;
    } catch (error) {
      throw new SimulatorConfigError([
        { path: "--config", message: `not valid JSON: ${(error as Error).message}` },
      ]);
    }
    if (typeof base !== "object" || base === null || Array.isArray(base)) {
      throw new SimulatorConfigError([{ path: "--config", message: "must hold a JSON object" }]);
    }
  }

  const [firstApp, ...otherApps] = base.apps ?? [{ ...DEFAULT_APP }];
  const app: AppConfig = { ...(firstApp as AppConfig) };
  if (options.appKey !== undefined) app.appKey = options.appKey;
  if (options.appSecret !== undefined) app.appSecret = options.appSecret;
  if (options.virtualNumbers !== undefined) app.virtualNumbers = options.virtualNumbers;
  if (options.extensionDigits !== undefined) app.extensionDigits = options.extensionDigits;
  if (options.schemes !== undefined) app.schemes = options.schemes;
  if (options.notifyUrl !== undefined) app.notifyUrl = options.notifyUrl;
  if (options.callEventUrl !== undefined) app.callEventUrl = options.callEventUrl;
  if (options.feeUrl !== undefined) app.feeUrl = options.feeUrl;
  if (options.numStatusUrl !== undefined) app.numStatusUrl = options.numStatusUrl;
  if (options.pushScheme !== undefined) app.pushScheme = options.pushScheme;
  if (options.recording === false) app.recordingEnabled = false;

  const config: SimulatorConfig = { ...base, apps: [app, ...otherApps] };
  config.host = options.host ?? base.host ?? "127.0.0.1";
  config.port = options.port ?? base.port ?? CLI_DEFAULT_PORT;
  if (options.timeScale !== undefined) config.timeScale = options.timeScale;
  if (options.seed !== undefined) config.seed = options.seed;
  if (options.cdrBatchWindowMs !== undefined) config.cdrBatchWindowMs = options.cdrBatchWindowMs;
  if (options.lockoutThreshold !== undefined || options.lockoutDurationSeconds !== undefined) {
    config.lockout = {
      ...base.lockout,
      ...(options.lockoutThreshold !== undefined ? { threshold: options.lockoutThreshold } : {}),
      ...(options.lockoutDurationSeconds !== undefined
        ? { durationSeconds: options.lockoutDurationSeconds }
        : {}),
    };
  }
  if (options.controlToken !== undefined) config.control = { ...base.control, token: options.controlToken };
  if (options.dataDir !== undefined) config.dataDir = options.dataDir;
  return config;
}

function readText(path: string): string {
  return readFileSync(path, "utf8");
}
