// The Numbers page's data: one query for every X (status and activity), fetched again whenever a call changes
// (at most once per REFETCH_THROTTLE_MS, however many calls change) and every WINDOW_REFRESH_MS (the window slides
// with the clock), with the status changes pushed in between laid over it.
import { useEffect, useMemo, useRef, useState } from "react";
import type { CombinedError } from "urql";
import { useQuery } from "urql";
import { type ResumableFeedState, useResumableFeed } from "../live/use-resumable-feed.js";
import { type Throttled, throttle } from "../ui/throttle.js";
import { type NumberStatusFields, withStatusChanges } from "./number-status.js";
import {
  ACTIVITY_MINUTES,
  BUCKET_MINUTES,
  CallChangesFeed,
  type ListedNumber,
  NumbersActivityQuery,
  VirtualNumberStatusFeed,
} from "./numbers-queries.js";

/** The least time between two refetches caused by call changes. */
export const REFETCH_THROTTLE_MS = 2_000;
/** How often the panels are fetched again without any call changing (the window slides). */
export const WINDOW_REFRESH_MS = 30_000;

/** What the page shows. */
export interface NumbersActivity {
  /** The X's, newest status laid over; undefined until the first answer. */
  numbers: ListedNumber[] | undefined;
  /** The window the panels cover (the gateway's clock), from the first X. */
  window: { from: string; to: string } | undefined;
  /** The latest request failed (the numbers shown, if any, are the last ones received). */
  error: CombinedError | undefined;
  fetching: boolean;
  statusFeed: ResumableFeedState;
  callFeed: ResumableFeedState;
}

const VARIABLES = { minutes: ACTIVITY_MINUTES, bucketMinutes: BUCKET_MINUTES };

function storedAt(iso: string | null | undefined): number | undefined {
  const ms = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

/** Every X's status and live panel, kept up to date. */
export function useNumbersActivity(): NumbersActivity {
  const [result, reexecute] = useQuery({ query: NumbersActivityQuery, variables: VARIABLES });
  // A failed refetch must not blank the page: the last numbers received stay until new ones come.
  const [lastNumbers, setLastNumbers] = useState<ListedNumber[]>();
  useEffect(() => {
    if (result.data) setLastNumbers(result.data.virtualNumbers);
  }, [result.data]);

  const reexecuteRef = useRef(reexecute);
  reexecuteRef.current = reexecute;
  const refetch = useRef<Throttled>(undefined);
  useEffect(() => {
    const throttled = throttle(
      () => reexecuteRef.current({ requestPolicy: "network-only" }),
      REFETCH_THROTTLE_MS,
    );
    refetch.current = throttled;
    const timer = setInterval(() => throttled.call(), WINDOW_REFRESH_MS);
    return () => {
      clearInterval(timer);
      throttled.cancel();
    };
  }, []);

  const [changes, setChanges] = useState<ReadonlyMap<string, NumberStatusFields>>(new Map());
  const listedRef = useRef<ListedNumber[] | undefined>(undefined);
  listedRef.current = lastNumbers;
  const statusFeed = useResumableFeed(VirtualNumberStatusFeed, {
    itemOf: (data) => data.virtualNumberStatus,
    cursorOf: (change) => change.cursor,
    storedAtOf: (change) => storedAt(change.virtualNumber.statusChangedAt),
    onItem: (change) => {
      const fields = change.virtualNumber;
      setChanges((previous) => new Map(previous).set(fields.number, fields));
      // An X the list does not hold once (new, or masked alike to a viewer): the list is fetched again.
      const { unlisted, ambiguous } = withStatusChanges(
        listedRef.current ?? [],
        new Map([[fields.number, fields]]),
      );
      if (listedRef.current && (unlisted.length > 0 || ambiguous.length > 0)) refetch.current?.call();
    },
  });
  const callFeed = useResumableFeed(CallChangesFeed, {
    itemOf: (data) => data.callSessionUpdates,
    cursorOf: (update) => update.cursor,
    storedAtOf: (update) => storedAt(update.session.updatedAt),
    onItem: () => refetch.current?.call(),
  });

  // Calls that changed between the first answer and the feed's start are in no answer and no item: once the feed
  // is live, the panels are fetched once more.
  const callFeedLive = callFeed.status.state === "live";
  useEffect(() => {
    if (callFeedLive) refetch.current?.call();
  }, [callFeedLive]);

  const numbers = useMemo(
    () => (lastNumbers ? withStatusChanges(lastNumbers, changes).numbers : undefined),
    [lastNumbers, changes],
  );
  const first = numbers?.[0]?.activity;
  return {
    numbers,
    window: first ? { from: first.from, to: first.to } : undefined,
    error: result.error,
    fetching: result.fetching,
    statusFeed,
    callFeed,
  };
}
