// GraphiQL served entirely by the gateway. Yoga's default page loads GraphiQL's scripts and styles from a CDN,
// so on a machine without internet it never gets past "Loading…". @graphql-yoga/render-graphiql bundles the
// same GraphiQL (Monaco editors, their workers, fonts and favicon) into one self-contained HTML page.
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import type { GraphiQLOptions } from "graphql-yoga";

/** What GraphiQL opens with: a binding to create, its calls to watch live, and the calls so far. */
export const GRAPHIQL_DEFAULT_QUERY = `# privnum gateway. Try: create a binding, then watch calls on X live.
mutation Bind {
  createBinding(input: { bindNum: "+8613800000021", virtualNum: "+8617000000001" }) {
    __typename
    ... on CreateBindingPayload { binding { subscriptionId virtualNum extendNum state } }
    ... on Error { message }
  }
}

subscription Live {
  callEvents(filter: { virtualNum: "+8617000000001" }) { cursor eventType caller called stateCode }
}

query Calls {
  callSessions(first: 10) { edges { node { sessionId state scenario talkSeconds } } }
}
`;

/**
 * GraphiQL's options. With `authorization` (a development key, on a loopback host only), every request it
 * sends carries it: queries and mutations as a header, subscriptions in graphql-ws's `connectionParams`,
 * which the bundled GraphiQL hands to its WebSocket client.
 */
export function graphiqlOptions(authorization: string | undefined): GraphiQLOptions {
  const options: GraphiQLOptions = {
    subscriptionsProtocol: "WS",
    title: "privnum gateway",
    defaultQuery: authorization ? GRAPHIQL_DEFAULT_QUERY : `${SIGN_IN_HINT}${GRAPHIQL_DEFAULT_QUERY}`,
  };
  if (!authorization) return options;
  return Object.assign(options, {
    additionalHeaders: { authorization },
    connectionParams: { authorization },
  });
}

const SIGN_IN_HINT = `# Every operation needs a key: put {"authorization": "Bearer <key>"} under Headers (below).
# Subscriptions from this page carry a key only when the gateway runs with development keys on a
# loopback HOST; elsewhere, subscribe from a client that sends connectionParams.authorization.
`;

const pages = new Map<string, string>();

/**
 * Yoga's `renderGraphiQL`: the bundled, offline GraphiQL page. Every asset is inlined, which makes the page
 * large (docs/performance-notes.md), so each distinct set of options is rendered once and the same string is
 * served after that.
 */
export function renderOfflineGraphiQL(options: GraphiQLOptions): string {
  const key = JSON.stringify(options);
  let page = pages.get(key);
  if (page === undefined) {
    page = renderGraphiQL(options);
    pages.set(key, page);
  }
  return page;
}
