import { useEffect } from "react";
import { useQuery } from "urql";
import { formatTime } from "../ui/format.js";
import { EVENT_MEANING, eventStateInWords } from "./call-state-words.js";
import {
  hasWholeTimeline,
  type LiveCall,
  type LiveCallEvent,
  type LiveCallSession,
} from "./live-calls-fold.js";
import { LiveCallTimelineQuery } from "./live-calls-operations.js";

function meaning(event: LiveCallEvent): string {
  const words = EVENT_MEANING[event.eventType];
  return event.eventType === "COLLECT_INFO" && event.digitInfo ? `${words}: ${event.digitInfo}` : words;
}

/**
 * A call's events, in the order they happened: type, time, state code and what it means. Events the feed did not
 * see (the call began before the page opened) are asked for once.
 */
export function CallTimeline(props: {
  call: LiveCall;
  /** Who the call is (for the table's name), e.g. the caller. */
  title: string;
  onTimeline(session: LiveCallSession | null | undefined, events: readonly LiveCallEvent[]): void;
}) {
  const { call, onTimeline } = props;
  const whole = hasWholeTimeline(call);
  const [stored] = useQuery({
    query: LiveCallTimelineQuery,
    variables: { sessionId: call.sessionId },
    pause: whole,
    requestPolicy: "network-only",
  });
  useEffect(() => {
    const session = stored.data?.callSession;
    if (session) onTimeline(session, session.events);
  }, [stored.data, onTimeline]);

  return (
    <div className="call-timeline">
      {stored.error && (
        <p className="error" role="alert">
          The call's earlier events could not be loaded:{" "}
          {stored.error.graphQLErrors[0]?.message ?? stored.error.message}
        </p>
      )}
      {!whole && stored.fetching && <p className="muted">Loading the call's earlier events…</p>}
      {call.events.length === 0 ? (
        !stored.fetching && <p className="muted">No events stored for this call yet.</p>
      ) : (
        <table aria-label={`Events of the call from ${props.title}`}>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event</th>
              <th scope="col">What happened</th>
              <th scope="col">State code</th>
            </tr>
          </thead>
          <tbody>
            {call.events.map((event) => (
              <tr key={event.cursor} className={`event-${event.eventType.toLowerCase()}`}>
                <td className="mono">{formatTime(event.timestamp ?? event.receivedAt)}</td>
                <td>
                  <code>{event.eventType}</code>
                </td>
                <td>{meaning(event)}</td>
                <td>{eventStateInWords(event) || <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
