import "./live-calls.css";
import { useLocation, useSearch } from "wouter";
import { FeedStatusBanner } from "../live/feed-status-banner.js";
import { useNow } from "../ui/use-now.js";
import { LiveCallRow } from "./live-call-row.js";
import { isInProgress } from "./live-calls-fold.js";
import { useLiveCalls } from "./use-live-calls.js";
import { virtualNumberFromSearch, X_PARAMETER } from "./virtual-number-filter.js";
import { VirtualNumberFilterForm } from "./virtual-number-filter-form.js";

/** Live calls: every call the moment it starts, its state advancing in place, newest first; filter by X. */
export function LiveCallsPage() {
  const search = useSearch();
  const [, navigate] = useLocation();
  const virtualNum = virtualNumberFromSearch(search);
  const onFilter = (x: string | undefined) =>
    navigate(x ? `/calls?${new URLSearchParams({ [X_PARAMETER]: x })}` : "/calls");
  return (
    <section className="live-calls">
      <div className="live-calls-head">
        <h1>Live calls</h1>
        <VirtualNumberFilterForm value={virtualNum} onChange={onFilter} />
      </div>
      {/* A new filter starts everything anew: feeds from now, the first page, an empty list. */}
      <LiveCallsTable key={virtualNum ?? ""} virtualNum={virtualNum} />
    </section>
  );
}

function LiveCallsTable(props: { virtualNum: string | undefined }) {
  const live = useLiveCalls(props.virtualNum);
  const inProgress = live.calls.filter(isInProgress).length;
  // The talk time of an answered call counts up every second; nothing ticks while no call is in progress.
  const nowMs = useNow(1_000, inProgress > 0);
  const on = props.virtualNum ? ` on ${props.virtualNum}` : "";

  return (
    <>
      <FeedStatusBanner feed={live.events} noun="events" />
      {live.updates.status.state === "failed" && <FeedStatusBanner feed={live.updates} noun="call updates" />}
      {live.initial.error && (
        <p className="error" role="alert">
          The calls could not be loaded: {live.initial.error}
        </p>
      )}
      {live.calls.length === 0 ? (
        live.initial.fetching ? (
          <p className="muted live-calls-empty">Loading calls…</p>
        ) : (
          !live.initial.error && (
            <p className="muted live-calls-empty">
              No calls{on} yet — a call appears here the moment it reaches X.
            </p>
          )
        )
      ) : (
        <>
          <p className="muted live-calls-summary">
            {live.calls.length} {live.calls.length === 1 ? "call" : "calls"}
            {on}, newest first · <strong className="live-count">{inProgress} in progress</strong>
          </p>
          <table className="live-calls-table" aria-label={`Calls${on}`}>
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">Events</span>
                </th>
                <th scope="col">Started</th>
                <th scope="col">Caller → X</th>
                <th scope="col">Extension</th>
                <th scope="col">Forwarded to</th>
                <th scope="col">Status</th>
                <th scope="col">Talk time</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {live.calls.map((call) => (
                <LiveCallRow key={call.sessionId} call={call} nowMs={nowMs} onTimeline={live.addTimeline} />
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
