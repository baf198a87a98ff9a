// The GraphQL operations of the Call records page: the page of CDRs, the live feed of new ones, one CDR again (for
// a fresh recording link), the archive retry, and the X numbers the filter offers.
import { graphql, type ResultOf } from "../graphql.js";

/** What a row of the table shows of a CDR (unmasked fragment: rows read its fields directly). */
export const CallRecordRowFields = graphql(`
  fragment CallRecordRow on CallRecord @_unmask {
    id
    icid
    callInTime
    virtualNum
    callerNum
    calleeNum
    fwdDstNum
    bindNum
    talkSeconds
    outcome
    failure {
      code
      description
    }
    session {
      hangup {
        code
        description
        stateDesc
      }
    }
    recording {
      state
      attempts
      lastError
      nextAttemptAt
      sizeBytes
      contentType
      archivedAt
      url {
        url
        expiresAt
      }
    }
  }
`);

/** A CDR as a row shows it. */
export type CallRecordRowData = ResultOf<typeof CallRecordRowFields>;

/** The recording of a row's CDR. */
export type RecordingData = CallRecordRowData["recording"];

/** One page of CDRs, newest first. */
export const CallRecordsQuery = graphql(
  `
    query CallRecords($first: Int, $after: String, $last: Int, $before: String, $filter: CallRecordFilter) {
      callRecords(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
        edges {
          cursor
          node {
            ...CallRecordRow
          }
        }
        pageInfo {
          hasNextPage
          hasPreviousPage
          startCursor
          endCursor
        }
      }
    }
  `,
  [CallRecordRowFields],
);

/** Each new CDR once stored (the subscription refuses the hangUpCause and recordingState filters). */
export const CallRecordAddedSubscription = graphql(
  `
    subscription CallRecordAdded($after: String, $filter: CallRecordFilter) {
      callRecords(after: $after, filter: $filter) {
        cursor
        record {
          receivedAt
          ...CallRecordRow
        }
      }
    }
  `,
  [CallRecordRowFields],
);

/** One CDR again, for a fresh signed link to its recording. */
export const CallRecordLinkQuery = graphql(`
  query CallRecordLink($icid: String!) {
    callRecord(icid: $icid) {
      id
      recording {
        state
        url {
          url
          expiresAt
        }
      }
    }
  }
`);

/** Queue a FAILED or EXPIRED recording's archive again. */
export const RetryRecordingArchiveMutation = graphql(
  `
    mutation RetryRecordingArchive($icid: String!) {
      retryRecordingArchive(icid: $icid) {
        __typename
        ... on RetryRecordingArchivePayload {
          record {
            ...CallRecordRow
          }
        }
        ... on NotFoundError {
          message
        }
        ... on ValidationError {
          message
        }
      }
    }
  `,
  [CallRecordRowFields],
);

/** The X numbers the gateway knows, for the filter. */
export const VirtualNumbersQuery = graphql(`
  query RecordsVirtualNumbers {
    virtualNumbers {
      number
    }
  }
`);
