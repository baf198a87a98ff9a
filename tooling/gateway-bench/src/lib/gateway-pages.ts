// The pages P6 asks for: `bindings` and `callRecords` pages of PAGE rows after a keyset cursor, with the fields a
// list screen shows. The gateway answers them, and so does P6's floor (raw-pages.ts), which knows them by text.

/** Rows per page. */
export const PAGE = 20;

export const BINDINGS_PAGE = `query Bindings($after: String) {
  bindings(first: ${PAGE}, after: $after) {
    edges { cursor node { id subscriptionId virtualNum extendNum bindNum state expiresAt createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const CALL_RECORDS_PAGE = `query CallRecords($after: String) {
  callRecords(first: ${PAGE}, after: $after) {
    edges { cursor node { id icid sessionId subscriptionId virtualNum bindNum direction callInTime callEndTime talkSeconds } }
    pageInfo { hasNextPage endCursor }
  }
}`;
