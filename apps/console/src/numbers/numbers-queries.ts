// The Numbers page's operations: one query for every X's status and live panel (refetched as calls change and as
// the window slides), and the two feeds that say when (status changes, call changes).
import { graphql, type ResultOf } from "../graphql.js";

/** The window every panel covers, in minutes, ending at the gateway's clock. */
export const ACTIVITY_MINUTES = 60;
/** The length of one bar of the calls chart, in minutes. */
export const BUCKET_MINUTES = 5;

/** An X's status, as the table, the cards and the status feed show it. */
const NumberStatusFields = graphql(`
  fragment NumberStatusFields on VirtualNumber @_unmask {
    number
    status
    statusCode
    statusChangedAt
    statusDescription {
      code
      description
    }
    cause {
      code
      description
    }
  }
`);

/** Every X with its status and its activity over the last hour, in one request. */
export const NumbersActivityQuery = graphql(
  `
  query NumbersActivity($minutes: Int!, $bucketMinutes: Int!) {
    virtualNumbers {
      ...NumberStatusFields
      activity(minutes: $minutes, bucketMinutes: $bucketMinutes) {
        from
        to
        started
        inProgress
        answered
        unanswered
        failed
        answerRate
        hangUpCauses {
          code
          source
          known
          description
          count
        }
        buckets {
          from
          started
          answered
          unanswered
          failed
        }
      }
    }
  }
`,
  [NumberStatusFields],
);

/** An X's status as the platform last pushed it (replayed after `after` when the connection comes back). */
export const VirtualNumberStatusFeed = graphql(
  `
  subscription NumbersStatusFeed($after: String) {
    virtualNumberStatus(after: $after) {
      cursor
      virtualNumber {
        ...NumberStatusFields
      }
    }
  }
`,
  [NumberStatusFields],
);

/** Any call's change, on any X: the panels only need to know that one happened. */
export const CallChangesFeed = graphql(`
  subscription NumbersCallFeed($after: String) {
    callSessionUpdates(after: $after) {
      cursor
      session {
        id
        updatedAt
      }
    }
  }
`);

/** One X as the page's query returns it. */
export type ListedNumber = ResultOf<typeof NumbersActivityQuery>["virtualNumbers"][number];
/** One X's activity over the window. */
export type NumberActivity = ListedNumber["activity"];
/** One status change as the feed pushes it. */
export type StatusChange = ResultOf<typeof VirtualNumberStatusFeed>["virtualNumberStatus"];
/** One call change as the feed pushes it. */
export type CallChange = ResultOf<typeof CallChangesFeed>["callSessionUpdates"];
