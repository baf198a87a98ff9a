import "./feed-status.css";
import { formatTime } from "../ui/format.js";
import type { ResumableFeedState } from "./use-resumable-feed.js";

function short(cursor: string | undefined): string {
  return cursor === undefined ? "the start" : `cursor …${cursor.slice(-8)}`;
}

/**
 * What a live list tells its user about its feed: live; connection lost (when, why) and reconnecting; resumed
 * after a drop (when, after which cursor, how many events were caught up, none missed); or stopped, with a way
 * to start again from now.
 */
export function FeedStatusBanner(props: { feed: ResumableFeedState; noun: string }) {
  const { status, restart } = props.feed;
  const at = (ms: number) => formatTime(new Date(ms).toISOString());
  if (status.state === "failed") {
    return (
      <div className="feed-status feed-failed" role="alert" data-testid="feed-status" data-state="failed">
        The live {props.noun} stopped: {status.error}{" "}
        <button type="button" onClick={restart}>
          Start again from now
        </button>
      </div>
    );
  }
  if (status.state === "reconnecting") {
    return (
      <output className="feed-status feed-reconnecting" data-testid="feed-status" data-state="reconnecting">
        Connection lost at {status.droppedAt !== undefined ? at(status.droppedAt) : "—"} ({status.dropReason})
        — reconnecting; it will resume after the last {props.noun.replace(/s$/, "")} received.
      </output>
    );
  }
  if (status.state === "connecting") {
    return (
      <output className="feed-status" data-testid="feed-status" data-state="connecting">
        Connecting…
      </output>
    );
  }
  const resume = status.lastResume;
  return (
    <output className="feed-status feed-live" data-testid="feed-status" data-state="live">
      <span className="dot" aria-hidden="true" /> Live
      {resume && (
        <span data-testid="feed-resumed">
          {" "}
          · reconnected at {at(resume.at)}, resumed after {short(resume.after)}: {resume.caughtUp}{" "}
          {resume.caughtUp === 1 ? props.noun.replace(/s$/, "") : props.noun} caught up, none missed
          {status.resumes > 1 ? ` (${status.resumes} reconnections)` : ""}
        </span>
      )}
    </output>
  );
}
