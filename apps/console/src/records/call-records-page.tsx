import "./call-records.css";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useQuery } from "urql";
import { useSearchParams } from "wouter";
import { FeedStatusBanner } from "../live/feed-status-banner.js";
import { useResumableFeed } from "../live/use-resumable-feed.js";
import { useSession } from "../session/session.js";
import { combinedErrorMessage } from "../ui/combined-error-message.js";
import {
  CallRecordAddedSubscription,
  type CallRecordRowData,
  CallRecordsQuery,
} from "./call-record-operations.js";
import { CallRecordsTable } from "./call-records-table.js";
import { addLiveRecord, mergeLiveRecords } from "./live-records.js";
import { ARCHIVE_POLL_MS, archiveInProgress } from "./recording-freshness.js";
import { RecordsExport } from "./records-export.js";
import { RecordsFilters } from "./records-filters.js";
import {
  feedFilter,
  formatRecordsView,
  isFirstPage,
  parseRecordsView,
  queryVariables,
  type RecordsView,
  withFilters,
} from "./records-view.js";

/**
 * Call records: the CDRs newest first, 25 a page, filtered by X, outcome, time range and recording state (all in
 * the URL); new ones appear live on the first page; recordings show their archive state, play in the row
 * (operators), and refresh on their own while being archived.
 */
export function CallRecordsPage() {
  const { can } = useSession();
  const [search, setSearch] = useSearchParams();
  const searchKey = search.toString();
  const view = useMemo(() => parseRecordsView(new URLSearchParams(searchKey)), [searchKey]);
  const go = useCallback((next: RecordsView) => setSearch(formatRecordsView(next)), [setSearch]);

  const [result, reexecute] = useQuery({ query: CallRecordsQuery, variables: queryVariables(view) });
  const refresh = useCallback(() => reexecute({ requestPolicy: "network-only" }), [reexecute]);

  // CDRs received live since this view opened; the page's own rows win once a refresh includes them.
  const [live, setLive] = useState<CallRecordRowData[]>([]);
  // A new view starts without live rows.
  useEffect(() => setLive([]), [searchKey]);
  const firstPage = isFirstPage(view);
  const feed = useResumableFeed(CallRecordAddedSubscription, {
    variables: { filter: feedFilter(view) },
    enabled: firstPage,
    itemOf: (data) => data.callRecords,
    cursorOf: (item) => item.cursor,
    storedAtOf: (item) => Date.parse(item.record.receivedAt),
    onItem: (item) => {
      // The subscription cannot filter by recording state: the page does.
      if (view.recordingState && item.record.recording.state !== view.recordingState) return;
      setLive((rows) => addLiveRecord(rows, item.record));
    },
  });
  // Whenever the feed goes live (again), CDRs stored before it started (or while it was down without a cursor
  // to resume after) are fetched with the page.
  const feedState = feed.status.state;
  const wasLive = useRef(false);
  useEffect(() => {
    if (feedState === "live" && !wasLive.current) refresh();
    wasLive.current = feedState === "live";
  }, [feedState, refresh]);

  const connection = result.data?.callRecords;
  const pageRows = useMemo(() => connection?.edges.map((edge) => edge.node) ?? [], [connection]);
  const rows = useMemo(
    () => (firstPage ? mergeLiveRecords(live, pageRows) : pageRows),
    [firstPage, live, pageRows],
  );
  const liveIds = useMemo(() => {
    const inPage = new Set(pageRows.map((row) => row.id));
    return new Set(live.filter((row) => !inPage.has(row.id)).map((row) => row.id));
  }, [live, pageRows]);

  // While a visible recording is being archived, refresh every few seconds so its state advances by itself.
  const archiving = archiveInProgress(
    rows.map((row) => row.recording),
    Date.now(),
  );
  useEffect(() => {
    if (!archiving) return;
    const timer = setInterval(refresh, ARCHIVE_POLL_MS);
    return () => clearInterval(timer);
  }, [archiving, refresh]);

  const filtered = Boolean(view.virtualNum || view.outcome || view.recordingState || view.from || view.to);
  const pageInfo = connection?.pageInfo;
  const canNewer = view.after !== undefined || (view.before !== undefined && pageInfo?.hasPreviousPage);
  const canOlder = view.before !== undefined || pageInfo?.hasNextPage === true;

  return (
    <section className="records-page" aria-labelledby="records-title">
      <div className="records-head">
        <h1 id="records-title">Call records</h1>
        {can("OPERATOR") && <RecordsExport view={view} />}
      </div>
      <RecordsFilters view={view} onChange={(change) => go(withFilters(view, change))} />
      {firstPage ? (
        <FeedStatusBanner feed={feed} noun="records" />
      ) : (
        <p className="muted small">New records appear live on the first page.</p>
      )}
      {result.error && (
        <p role="alert" className="error">
          {combinedErrorMessage(result.error)}
        </p>
      )}
      {result.fetching && !connection ? (
        <p className="muted">Loading call records…</p>
      ) : rows.length === 0 && !result.error ? (
        <p className="records-empty muted">
          {filtered
            ? "No call records match these filters."
            : "No call records yet — they appear here as soon as the platform reports a call."}
        </p>
      ) : rows.length > 0 ? (
        <CallRecordsTable records={rows} liveIds={liveIds} onChanged={refresh} />
      ) : null}
      <nav className="records-pager" aria-label="Pages of call records">
        <button type="button" disabled={firstPage} onClick={() => go(withFilters(view, {}))}>
          Newest
        </button>
        <button
          type="button"
          disabled={!canNewer || !pageInfo?.startCursor}
          onClick={() =>
            pageInfo?.startCursor && go({ ...withFilters(view, {}), before: pageInfo.startCursor })
          }
        >
          ← Newer
        </button>
        <button
          type="button"
          disabled={!canOlder || !pageInfo?.endCursor}
          onClick={() => pageInfo?.endCursor && go({ ...withFilters(view, {}), after: pageInfo.endCursor })}
        >
          Older →
        </button>
      </nav>
    </section>
  );
}
