/** Where a started gateway can be reached, as `GatewayApp.start()` reports it. */
export interface StartedUrls {
  url: string;
  graphqlUrl: string;
  simulatorUrl: string | undefined;
}

/** The lines printed once the gateway has started, as one block (ending in a newline) to write at once. */
export function formatStartBanner({ url, graphqlUrl, simulatorUrl }: StartedUrls): string {
  const lines = [
    `privnum gateway listening on ${url}`,
    `  GraphiQL:   ${graphqlUrl}`,
    `  WebSocket:  ${graphqlUrl.replace(/^http/, "ws")} (graphql-ws)`,
    `  Webhook:    ${url}/notify`,
  ];
  if (simulatorUrl) {
    lines.push(`  Simulator:  ${simulatorUrl} (embedded; control API at ${simulatorUrl}/simulator/state)`);
  }
  return `${lines.join("\n")}\n`;
}
