import { useCallback, useEffect, useMemo, useReducer, useState } from "react";
import { useQuery } from "urql";
import { type ResumableFeedState, useResumableFeed } from "../live/use-resumable-feed.js";
import {
  emptyLiveCalls,
  type LiveCall,
  type LiveCallEvent,
  type LiveCallSession,
  listLiveCalls,
  liveCallsReducer,
} from "./live-calls-fold.js";
import {
  LiveCallEventsSubscription,
  LiveCallsQuery,
  LiveCallUpdatesSubscription,
} from "./live-calls-operations.js";

/** Calls asked for when the page opens (the gateway's query cost grows with the page). */
export const INITIAL_CALLS = 30;

// If the socket does not come up, the page still shows the stored calls after this long (the feeds catch up later).
const QUERY_FALLBACK_MS = 3_000;

/** What the Live calls page shows: its calls, the feeds that keep them live, and the first page's fate. */
export interface LiveCallsView {
  /** Newest first. */
  calls: LiveCall[];
  /** The event feed (its banner speaks for the page); starting it again also asks for the newest calls again. */
  events: ResumableFeedState;
  /** The session-update feed (CDRs: BILLED, outcomes). */
  updates: ResumableFeedState;
  /** The first page of stored calls. */
  initial: { loaded: boolean; fetching: boolean; error: string | undefined };
  /** Merge a call's stored timeline (asked for when the feed did not see its start). */
  addTimeline(session: LiveCallSession | null | undefined, events: readonly LiveCallEvent[]): void;
}

/**
 * The calls on `virtualNum` (every X when undefined), live: both feeds subscribe first, then the newest calls are
 * asked for, and everything merges by sessionId (newest `updatedAt` wins, events once each by cursor).
 */
export function useLiveCalls(virtualNum: string | undefined): LiveCallsView {
  const [state, dispatch] = useReducer(liveCallsReducer, undefined, () => emptyLiveCalls());
  const filter = useMemo(() => (virtualNum ? { virtualNum } : undefined), [virtualNum]);
  const variables = useMemo(() => (filter ? { filter } : {}), [filter]);

  const events = useResumableFeed(LiveCallEventsSubscription, {
    variables,
    itemOf: (data) => data?.callEvents,
    cursorOf: (item) => item.cursor,
    storedAtOf: (item) => Date.parse(item.receivedAt),
    onItem: (item) => dispatch({ type: "event", event: item, session: item.session }),
  });
  const updates = useResumableFeed(LiveCallUpdatesSubscription, {
    variables,
    itemOf: (data) => data?.callSessionUpdates,
    cursorOf: (item) => item.cursor,
    // No storedAtOf: an update carries no time of its own (updatedAt is the call's), and this feed's banner only
    // shows when it stopped; the event feed's tells what a resumption caught up.
    onItem: (item) => dispatch({ type: "session", session: item.session }),
  });

  // Subscribed first, asked second: a change stored meanwhile reaches the page through a feed.
  const feedsRunning = events.status.state !== "connecting" && updates.status.state !== "connecting";
  const [waitedEnough, setWaitedEnough] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setWaitedEnough(true), QUERY_FALLBACK_MS);
    return () => clearTimeout(timer);
  }, []);
  const queryVariables = useMemo(() => ({ first: INITIAL_CALLS, filter }), [filter]);
  const [initial, refetch] = useQuery({
    query: LiveCallsQuery,
    variables: queryVariables,
    pause: !(feedsRunning || waitedEnough),
    requestPolicy: "network-only",
  });
  useEffect(() => {
    const edges = initial.data?.callSessions.edges;
    if (edges) dispatch({ type: "sessions", sessions: edges.map((edge) => edge.node) });
  }, [initial.data]);

  const addTimeline = useCallback(
    (session: LiveCallSession | null | undefined, timeline: readonly LiveCallEvent[]) =>
      dispatch({ type: "timeline", session, events: timeline }),
    [],
  );

  // A feed started again from now skips what was stored while it was stopped: the newest calls are asked again.
  const restartWithPage = (feed: ResumableFeedState): ResumableFeedState => ({
    status: feed.status,
    restart: () => {
      feed.restart();
      refetch({ requestPolicy: "network-only" });
    },
  });

  return {
    calls: useMemo(() => listLiveCalls(state), [state]),
    events: restartWithPage(events),
    updates: restartWithPage(updates),
    initial: {
      loaded: initial.data !== undefined,
      fetching: initial.fetching || (!initial.data && !initial.error),
      error: initial.error ? (initial.error.graphQLErrors[0]?.message ?? initial.error.message) : undefined,
    },
    addTimeline,
  };
}
