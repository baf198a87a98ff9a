#!/usr/bin/env node
import { buildCommand, type CliOptions, configFromOptions } from "./cli-options.js";
import { SimulatorConfigError } from "./errors.js";
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
    if (error instanceof SimulatorConfigError) {
      console.error(error.message);
      process.exitCode = 2;
      return;
    }
    throw error;
  }

  const { url } = await simulator.start();
  console.log(`AXE simulator listening on ${url}`);
  console.log(`  platform API: ${url}/rest/caas/extendnumber/v1.0 (v2.0, /rest/provision/voice/record/v1.0)`);
  console.log(`  control API:  ${url}/simulator/state`);
  for (const app of simulator.apps) {
    console.log(`  app key:      ${app.appKey}`);
    console.log(`  app secret:   ${app.appSecret}`);
    console.log(`  schemes:      ${app.schemes.join(", ")}; extension digits: ${app.extensionDigits}`);
    const numbers = app.virtualNumbers.map((n) => (n.cityCode ? `${n.number} (${n.cityCode})` : n.number));
    console.log(`  X numbers:    ${numbers.join(", ")}`);
    const urls = [
      app.notifyUrl && `notify ${app.notifyUrl}`,
      app.callEventUrl && `callEvent ${app.callEventUrl}`,
      app.feeUrl && `fee ${app.feeUrl}`,
      app.numStatusUrl && `numStatus ${app.numStatusUrl}`,
    ].filter(Boolean);
    console.log(
      `  pushes:       ${urls.length > 0 ? urls.join(", ") : "no URL configured"} (signed ${app.pushScheme})`,
    );
  }

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
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
