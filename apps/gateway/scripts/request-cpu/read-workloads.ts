// The GraphQL requests measured: pages of 20 from random keyset positions, as the bench's P6 sends them, and a
// screen's larger query as a client sends it (pretty-printed), so bodies run from about 300 B to 2 KB.
import { parse, print } from "graphql";

/** A kind of request: `bodies(n)` gives n request bodies (JSON), each from its own random position. */
export interface ReadWorkload {
  name: string;
  bodies(count: number): string[];
}

const BINDINGS_PAGE = `query Bindings($after: String) {
  bindings(first: 20, after: $after) {
    edges { cursor node { id subscriptionId virtualNum extendNum bindNum state expiresAt createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const CALL_RECORDS_PAGE = `query CallRecords($after: String) {
  callRecords(first: 20, after: $after) {
    edges { cursor node { id icid sessionId subscriptionId virtualNum bindNum direction callInTime callEndTime talkSeconds } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const DASHBOARD = print(
  parse(`query Dashboard($after: String) {
    bindings(first: 20, filter: { states: [ACTIVE, EXPIRED, DELETED] }) {
      edges { cursor node { ...AllBinding } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
    callRecords(first: 20, after: $after) {
      edges { cursor node { ...AllCallRecord } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
  fragment AllBinding on Binding {
    __typename id subscriptionId virtualNum extendNum bindNum areaCode displayNumMode recordFlag recordHintTone
    callbackTone callbackNum timeUnit bindExpiredTime callbackExpiredTime userData expiresAt state createdAt
    updatedAt deletedAt
  }
  fragment AllCallRecord on CallRecord {
    __typename id icid sessionId subscriptionId virtualNum bindNum extendNum direction callerNum calleeNum
    fwdDstNum callInTime fwdAnswerTime callEndTime talkSeconds failure { code description }
    recordFlag recordDomain recordObjectName record receivedAt
  }`),
);

/** A fixed-seed generator, so that every run asks for the same positions. */
function positions(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function pages(
  name: string,
  query: string,
  operationName: string,
  prefix: string,
  maxId: number,
): ReadWorkload {
  const random = positions(12_345);
  // A cursor is the base64url of `<prefix>:<id>`; from id 21 on a page always has 20 rows after it.
  const cursor = () =>
    Buffer.from(`${prefix}:${21 + Math.floor(random() * (maxId - 21))}`).toString("base64url");
  return {
    name,
    bodies: (count) =>
      Array.from({ length: count }, () =>
        JSON.stringify({ query, operationName, variables: { after: cursor() } }),
      ),
  };
}

/** The three workloads over a seeded database whose highest ids are given. */
export function readWorkloads(maxBindingId: number, maxRecordId: number): ReadWorkload[] {
  return [
    pages("bindings page of 20", BINDINGS_PAGE, "Bindings", "b", maxBindingId),
    pages("callRecords page of 20", CALL_RECORDS_PAGE, "CallRecords", "cr", maxRecordId),
    pages("both pages, every field", DASHBOARD, "Dashboard", "cr", maxRecordId),
  ];
}
