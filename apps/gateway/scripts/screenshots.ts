// `pnpm screenshots`: start a gateway (in-memory PGlite, embedded simulator), drive its GraphiQL in headless
// Chromium exactly as the browser test does, and write what it shows to docs/screenshots/:
//   graphiql-query.png         a binding created with the mutation, its result on the right
//   graphiql-subscription.png  callEvents on X, showing the live DISCONNECT of a simulated call
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { testConfig } from "../src/shared/config.js";
import { startGateway } from "../test/support/gateway.js";
import { openGraphiQL, showCreatedBinding, showLiveCallEvent } from "../test/support/graphiql-browser.js";

const outDir = fileURLToPath(new URL("../../../docs/screenshots/", import.meta.url));
mkdirSync(outDir, { recursive: true });

// Development keys on a loopback host: GraphiQL opens with the operator's key in place.
const gw = await startGateway({ auth: { ...testConfig().auth, devKeys: true } });
try {
  const graphiql = await openGraphiQL(gw.gateway.graphqlUrl);
  try {
    const binding = await showCreatedBinding(graphiql);
    await graphiql.screenshot(`${outDir}graphiql-query.png`);
    await showLiveCallEvent(graphiql, {
      gateway: gw.gateway,
      simulator: gw.gateway.simulator!,
      extendNum: binding.extendNum,
    });
    await graphiql.screenshot(`${outDir}graphiql-subscription.png`);
    graphiql.assertNoForeignRequests();
  } finally {
    await graphiql.close();
  }
} finally {
  await gw.stop();
}
console.log(`Wrote graphiql-query.png and graphiql-subscription.png to ${outDir}`);
