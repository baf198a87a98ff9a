// What a failed query, mutation or subscription tells the user: the gateway's own message, without urql's
// "[GraphQL]" / "[Network]" prefixes.
import type { CombinedError } from "@urql/core";

/** The gateway's message for `error` (its first GraphQL error), else the network failure's. */
export function combinedErrorMessage(
  error: Pick<CombinedError, "graphQLErrors" | "networkError" | "message">,
): string {
  const graphQLMessage = error.graphQLErrors[0]?.message;
  if (graphQLMessage) return graphQLMessage;
  if (error.networkError) return `The gateway could not be reached: ${error.networkError.message}`;
  return error.message.replace(/^\[(GraphQL|Network)\]\s*/, "");
}
