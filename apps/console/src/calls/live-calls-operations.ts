// The Live calls page's operations. The call's fields are one fragment, read the same way from the initial page,
// the session-update feed and the event feed (an event carries its call as the gateway folded it), so every source
// merges into the same shape (live-calls-fold.ts).
import { graphql } from "../graphql.js";

/** A call's fields as the Live calls page shows them. Unmasked: the fold reads it straight from each result. */
export const LiveCallFields = graphql(`
  fragment LiveCallFields on CallSession @_unmask {
    sessionId
    state
    outcome
    scenario
    caller
    virtualNum
    bindNum
    forwardedTo
    digits
    extendNum
    startedAt
    answeredAt
    endedAt
    talkSeconds
    updatedAt
    eventCount
    hangup {
      code
      description
      zh
      category
      source
      stateDesc
    }
  }
`);

/** One event of a call's timeline. Unmasked, as above. */
export const LiveCallEventFields = graphql(`
  fragment LiveCallEventFields on CallEvent @_unmask {
    cursor
    sessionId
    eventType
    caller
    virtualNum
    receivedAt
    timestamp
    digitInfo
    stateCode
    stateDesc
    hangupReason {
      code
      description
      zh
      category
    }
  }
`);

/** Every event stored on X (or on every X), live; resumed after `after` by the feed. */
export const LiveCallEventsSubscription = graphql(
  `
  subscription LiveCallEvents($after: String, $filter: CallEventFilter) {
    callEvents(after: $after, filter: $filter) {
      ...LiveCallEventFields
      session {
        ...LiveCallFields
      }
    }
  }
`,
  [LiveCallEventFields, LiveCallFields],
);

/** A call each time an event or its CDR changed it (the CDR brings BILLED, and an outcome it alone decides). */
export const LiveCallUpdatesSubscription = graphql(
  `
  subscription LiveCallUpdates($after: String, $filter: CallSessionFilter) {
    callSessionUpdates(after: $after, filter: $filter) {
      cursor
      session {
        ...LiveCallFields
      }
    }
  }
`,
  [LiveCallFields],
);

/** The newest calls, asked once the feeds run, so that no change falls between the page and the feeds. */
export const LiveCallsQuery = graphql(
  `
  query LiveCalls($first: Int!, $filter: CallSessionFilter) {
    callSessions(first: $first, filter: $filter) {
      edges {
        node {
          ...LiveCallFields
        }
      }
    }
  }
`,
  [LiveCallFields],
);

/** One call's stored events, for a call whose start the feed did not see (it began before the page opened). */
export const LiveCallTimelineQuery = graphql(
  `
  query LiveCallTimeline($sessionId: String!) {
    callSession(sessionId: $sessionId) {
      ...LiveCallFields
      events {
        ...LiveCallEventFields
      }
    }
  }
`,
  [LiveCallFields, LiveCallEventFields],
);

/** The X numbers the gateway knows, offered in the filter. */
export const KnownVirtualNumbersQuery = graphql(`
  query KnownVirtualNumbers {
    virtualNumbers {
      number
    }
  }
`);
