import { type AxeClient, type AxeClientOptions, createAxeClient } from "@privnum/axe-api";
import {
  type AppConfig,
  createSimulator,
  DEFAULT_APP,
  type Simulator,
  type SimulatorConfig,
} from "@privnum/axe-simulator";
import type { ServedVirtualNumber } from "../numbers/virtual-number.repository.js";
import type { GatewayConfig } from "../shared/config.js";
import { isPortInUse, NotStartedError, PortInUseError } from "../shared/errors.js";
import type { Logger } from "../shared/logger.js";
import { probePort } from "./port-probe.js";

/** Settings of the platform link beyond the environment, for tests, scripts and embedding. */
export interface PlatformLinkOptions {
  /** Extra settings for the embedded simulator (time scale, faults, seed …). @default {} */
  simulator?: Omit<SimulatorConfig, "host" | "port" | "apps"> & { apps?: AppConfig[] };
  /** Extra settings for the platform client (retry, timeout …). @default {} */
  platformClient?: Partial<Omit<AxeClientOptions, "baseUrl" | "appKey" | "appSecret" | "scheme">>;
}

/** The platform the gateway talks to: a remote one, or the embedded simulator it runs itself. */
export interface PlatformLink {
  /** Fail with {@link PortInUseError} now if the embedded simulator's port is taken (it starts later). */
  checkPort(): Promise<void>;
  /** Start the embedded simulator (pushing to `notifyUrl`), then create the client. */
  start(notifyUrl: string): Promise<void>;
  /** The platform client. Throws {@link NotStartedError} before `start`. */
  client(): AxeClient;
  /** The embedded simulator once started; undefined with a remote platform. */
  simulator(): Simulator | undefined;
  /** The clock of binding lifetimes: the embedded simulator's virtual clock, or the wall clock. */
  now(): Date;
  /** The X numbers configured and, in embedded mode, the simulator's own with the status it holds. */
  servedVirtualNumbers(): ServedVirtualNumber[];
  /** Stop the embedded simulator. Idempotent. */
  stop(): Promise<void>;
}

/** The link to the platform `config` names. Nothing runs until `start`. */
export function createPlatformLink(
  config: Pick<GatewayConfig, "host" | "platform" | "virtualNumbers">,
  options: PlatformLinkOptions,
  logger: Logger,
): PlatformLink {
  const p = config.platform;
  let simulator: Simulator | undefined;
  let client: AxeClient | undefined;

  async function startSimulator(notifyUrl: string): Promise<string> {
    if (p.kind !== "embedded-simulator") return p.baseUrl;
    const { apps, ...rest } = options.simulator ?? {};
    simulator = createSimulator({
      ...(p.stateDir !== undefined ? { dataDir: p.stateDir } : {}),
      ...rest,
      host: config.host,
      port: p.port,
      apps: apps ?? [
        {
          ...DEFAULT_APP,
          appKey: p.appKey,
          appSecret: p.appSecret,
          virtualNumbers: [...DEFAULT_APP.virtualNumbers],
          notifyUrl,
        },
      ],
    });
    try {
      return (await simulator.start()).url;
    } catch (error) {
      if (isPortInUse(error))
        throw new PortInUseError(error.port ?? p.port, "SIMULATOR_PORT", { cause: error });
      throw error;
    }
  }

  return {
    async checkPort() {
      if (p.kind !== "embedded-simulator") return;
      await probePort(config.host, p.port).catch((error: unknown) => {
        throw isPortInUse(error) ? new PortInUseError(p.port, "SIMULATOR_PORT", { cause: error }) : error;
      });
    },
    async start(notifyUrl) {
      const baseUrl = await startSimulator(notifyUrl);
      client = createAxeClient({
        ...options.platformClient,
        baseUrl,
        appKey: p.appKey,
        appSecret: p.appSecret,
        scheme: p.scheme,
        logger: logger.child({ component: "axe-api" }),
      });
    },
    client() {
      if (!client) throw new NotStartedError("The platform client");
      return client;
    },
    simulator: () => simulator,
    now: () => simulator?.clock.now() ?? new Date(),
    servedVirtualNumbers() {
      const configured = config.virtualNumbers.map((number) => ({ number, status: null, cause: null }));
      const embedded = (simulator?.state().apps ?? []).flatMap((a) =>
        a.virtualNumbers.map((n) => ({ number: n.number, status: n.status, cause: null })),
      );
      return [...configured, ...embedded];
    },
    async stop() {
      await simulator?.stop();
    },
  };
}
