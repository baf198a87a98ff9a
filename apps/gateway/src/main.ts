// Runs the gateway: `pnpm start`. Everything else lives in app.ts.
import { buildApp } from "./app.js";
import { loadConfigFromEnv } from "./config.js";

const loaded = loadConfigFromEnv();
if (!loaded.ok) {
  for (const issue of loaded.issues) console.error(`config: ${issue.variable} ${issue.message}`);
  process.exit(1);
}

const app = buildApp(loaded.config);
try {
  const { url, graphqlUrl, simulatorUrl } = await app.start();
  console.log(`privnum gateway listening on ${url}`);
  console.log(`  GraphiQL:   ${graphqlUrl}`);
  console.log(`  WebSocket:  ${graphqlUrl.replace(/^http/, "ws")} (graphql-ws)`);
  console.log(`  Webhook:    ${url}/notify`);
  if (simulatorUrl) {
    console.log(`  Simulator:  ${simulatorUrl} (embedded; control API at ${simulatorUrl}/simulator/state)`);
  }
} catch (error) {
  app.logger.fatal({ err: error }, "gateway failed to start");
  process.exitCode = 1;
  await app.stop().catch(() => {});
}

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) {
      // A second signal means "now".
      process.exit(1);
    }
    stopping = true;
    app.logger.info({ signal }, "stopping");
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        app.logger.error({ err: error }, "stop failed");
        process.exit(1);
      },
    );
  });
}
