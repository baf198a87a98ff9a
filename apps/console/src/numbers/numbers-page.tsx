import "./numbers.css";
import { useId } from "react";
import type { CombinedError } from "urql";
import { FeedStatusBanner } from "../live/feed-status-banner.js";
import { formatTime } from "../ui/format.js";
import { ActivityPanel } from "./activity-panel.js";
import { NumberStatusTable } from "./number-status-table.js";
import { BUCKET_MINUTES } from "./numbers-queries.js";
import { useNumbersActivity } from "./use-numbers-activity.js";

/** The gateway's own words for a failed request (urql prefixes them with "[GraphQL]" / "[Network]"). */
function gatewayMessage(error: CombinedError): string {
  return error.graphQLErrors[0]?.message ?? error.networkError?.message ?? error.message;
}

/**
 * Numbers: every X's status (live, from the status feed) and a live panel per X — calls in progress, started and
 * answered over the last hour, calls per 5 minutes and hang-up causes — fetched again as calls change.
 */
export function NumbersPage() {
  const { numbers, window, error, fetching, statusFeed, callFeed } = useNumbersActivity();
  const statusHeading = useId();
  const panelsHeading = useId();
  return (
    <div className="numbers-page">
      <div className="numbers-head">
        <h1>Numbers</h1>
        {window && (
          <p className="muted numbers-window" data-testid="numbers-window">
            Last hour by the gateway's clock: {formatTime(window.from)} – {formatTime(window.to)}
            {fetching && <span className="numbers-updating"> · updating…</span>}
          </p>
        )}
      </div>
      <div className="numbers-feeds">
        <div className="numbers-feed">
          <span className="numbers-feed-name">Status changes</span>
          <FeedStatusBanner feed={statusFeed} noun="status changes" />
        </div>
        <div className="numbers-feed">
          <span className="numbers-feed-name">Calls</span>
          <FeedStatusBanner feed={callFeed} noun="call updates" />
        </div>
      </div>
      {error && (
        <p role="alert" className="error">
          {numbers
            ? "Could not refresh the numbers (showing the last ones received): "
            : "Could not load the numbers: "}
          {gatewayMessage(error)}
        </p>
      )}
      {numbers === undefined ? (
        !error && <p className="muted">Loading numbers…</p>
      ) : numbers.length === 0 ? (
        <div className="panel numbers-empty">
          <p>No X numbers yet.</p>
          <p className="muted">
            The gateway lists the numbers it is configured with (AXE_VIRTUAL_NUMBERS) and those it has seen in
            a binding, a call or a status push.
          </p>
        </div>
      ) : (
        <>
          <section aria-labelledby={statusHeading}>
            <h2 id={statusHeading}>Status</h2>
            <NumberStatusTable numbers={numbers} labelledBy={statusHeading} />
          </section>
          <section aria-labelledby={panelsHeading}>
            <h2 id={panelsHeading}>Live, last hour</h2>
            <div className="number-grid">
              {numbers.map((x, index) => (
                // A viewer's masked numbers may look alike: the position keeps the cards apart.
                <ActivityPanel key={`${index}:${x.number}`} number={x} bucketMinutes={BUCKET_MINUTES} />
              ))}
            </div>
          </section>
        </>
      )}
    </div>
  );
}
