import { GraphQLError } from "graphql";

/** The GraphQL error code of a field refused because its request used up its platform calls. */
export const PLATFORM_CALL_LIMIT = "PLATFORM_CALL_LIMIT";

/**
 * How many platform requests one GraphQL execution may still make (`GRAPHQL_MAX_PLATFORM_CALLS`): a query
 * selecting `recordingDownloadUrl` on a hundred CDRs under fifty aliases must not turn into thousands of
 * platform requests. Answers already cached, and asks that join a request already under way, cost nothing.
 */
export interface PlatformCallBudget {
  /** Take one call from the budget, or throw the `PLATFORM_CALL_LIMIT` field error when none is left. */
  spend(): void;
  /** Calls taken so far. */
  readonly spent: number;
  /** The most calls this budget allows. */
  readonly limit: number;
}

/** A fresh budget of `limit` platform calls. */
export function createPlatformCallBudget(limit: number): PlatformCallBudget {
  let spent = 0;
  return {
    spend() {
      if (spent >= limit) {
        throw new GraphQLError(
          `This request reached its limit of ${limit} platform calls (GRAPHQL_MAX_PLATFORM_CALLS), so this field ` +
            "was not asked from the platform. Ask for fewer records' recording download URLs per request.",
          { extensions: { code: PLATFORM_CALL_LIMIT, limit } },
        );
      }
      spent += 1;
    },
    get spent() {
      return spent;
    },
    limit,
  };
}
