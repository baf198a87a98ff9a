#!/usr/bin/env node
import { buildCommand, type CliOptions, configFromOptions } from "./cli-options.js";
import { PortInUseError, SimulatorConfigError, SimulatorStateFileError } from "./errors.js";
import { createSimulator } from "./simulator.js";
import type { SimulatorLogEvent } from "./types.js";

function describe(event: SimulatorLogEvent): string {
  if (event.type === "request") {
    const code = event.resultcode !== undefined ? ` resultcode=${event.resultcode}` : "";
    const app = event.appKey !== undefined ? ` app=${event.appKey}` : "";
    return `${event.method} ${event.path} → ${event.status}${code}${app}`;
  }
  const status = event.status !== undefined ? ` ${event.status}` : "";
  return `push ${event.kind}/${event.eventType} attempt ${event.attempt} → ${event.outcome}${status}`;
}

async function main(): Promise<void> {
  const command = buildCommand().parse(process.argv);
  const options = command.opts<CliOptions>();
  let simulator: ReturnType<typeof createSimulator>;
  try {
    const config = configFromOptions(options);
    if (!options.quiet)
      config.logger = (event) => console.log(`${new Date().toISOString()} ${describe(event)}`);
    simulator = createSimulator(config);
  } catch (error) {
    if (error instanceof SimulatorConfigError || error instanceof SimulatorStateFileError) {
      console.error(error.message);
      process.exitCode = 2;
      return;
    }
    throw error;
  }

  let url: string;
  try {
    ({ url } = await simulator.start());
  } catch (error) {
    if (error instanceof PortInUseError) {
      // An everyday mistake, not a crash: one line, no stack trace.
      console.error(`${error.message} (set --port)`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
  // One write, so that whoever reads the banner from a pipe gets it whole.
  const banner = [
    `AXE simulator listening on ${url}`,
    `  platform API: ${url}/rest/caas/extendnumber/v1.0 (v2.0, /rest/provision/voice/record/v1.0)`,
    `  control API:  ${url}/simulator/state`,
  ];
  for (const app of simulator.apps) {
    const numbers = app.virtualNumbers.map((n) => (n.cityCode ? `${n.number} (${n.cityCode})` : n.number));
    const urls = [
      app.notifyUrl && `notify ${app.notifyUrl}`,
      app.callEventUrl && `callEvent ${app.callEventUrl}`,
      app.feeUrl && `fee ${app.feeUrl}`,
      app.numStatusUrl && `numStatus ${app.numStatusUrl}`,
    ].filter(Boolean);
    banner.push(
      `  app key:      ${app.appKey}`,
      `  app secret:   ${app.appSecret}`,
      `  schemes:      ${app.schemes.join(", ")}; extension digits: ${app.extensionDigits}`,
      `  X numbers:    ${numbers.join(", ")}`,
      `  pushes:       ${urls.length > 0 ? urls.join(", ") : "no URL configured"} (signed ${app.pushScheme})`,
    );
  }
  // Handlers first: whoever reads the banner may signal at once.
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      // A second signal while stopping: give up waiting.
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal} received, stopping`);
    simulator.stop().then(
      () => {
        console.log("stopped");
        process.exitCode = 0;
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  console.log(banner.join("\n"));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
