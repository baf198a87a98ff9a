import { useId, useState } from "react";
import { formatDuration, formatTime } from "../ui/format.js";
import { CALL_STEPS, callStatusWords, outcomeBadge, talkSecondsOf } from "./call-state-words.js";
import { CallTimeline } from "./call-timeline.js";
import type { LiveCall, LiveCallEvent, LiveCallSession } from "./live-calls-fold.js";

/** How many columns a call's row has (the timeline spans them all). */
export const LIVE_CALL_COLUMNS = 8;

/** The progress line: one dot per step, those reached filled. Decorative: the step is also said in words. */
function StepDots(props: { step: number; inProgress: boolean }) {
  return (
    <span className="call-steps" aria-hidden="true">
      {CALL_STEPS.map((name, index) => (
        <span
          key={name}
          className={
            index < props.step || (index === props.step && !props.inProgress)
              ? "step done"
              : index === props.step
                ? "step current"
                : "step"
          }
        />
      ))}
    </span>
  );
}

/** One call: who called which X, where the call is now, how it went; expands to its event timeline. */
export function LiveCallRow(props: {
  call: LiveCall;
  nowMs: number;
  onTimeline(session: LiveCallSession | null | undefined, events: readonly LiveCallEvent[]): void;
}) {
  const { call } = props;
  const session = call.session;
  const [open, setOpen] = useState(false);
  const timelineId = useId();
  const status = callStatusWords(call, props.nowMs);
  const badge = outcomeBadge(session?.outcome ?? null, status.inProgress);
  const caller = session?.caller ?? call.events[0]?.caller ?? "Unknown caller";
  const virtualNum = session?.virtualNum ?? call.events[0]?.virtualNum ?? "—";
  const started = session?.startedAt ?? call.events[0]?.timestamp ?? call.events[0]?.receivedAt;
  const talk = talkSecondsOf(call, props.nowMs);
  const className = ["call-row", status.inProgress ? "in-progress" : "", open ? "open" : ""]
    .filter(Boolean)
    .join(" ");

  return (
    <>
      <tr className={className}>
        <td className="call-toggle">
          <button
            type="button"
            className="link"
            aria-expanded={open}
            aria-controls={timelineId}
            aria-label={`${open ? "Hide" : "Show"} the events of the call from ${caller}`}
            onClick={() => setOpen((value) => !value)}
          >
            <span aria-hidden="true">{open ? "▾" : "▸"}</span>
          </button>
        </td>
        <td className="mono">{formatTime(started)}</td>
        <td className="call-parties">
          <span className="mono">{caller}</span>
          <span className="muted" aria-hidden="true">
            {" "}
            →{" "}
          </span>
          <span className="mono" title="X">
            {virtualNum}
          </span>
        </td>
        <td className="mono">{session?.digits ?? session?.extendNum ?? <span className="muted">—</span>}</td>
        <td className="mono">{session?.forwardedTo ?? <span className="muted">—</span>}</td>
        <td className="call-status">
          <StepDots step={status.step} inProgress={status.inProgress} />
          <strong>{status.label}</strong> <span className="call-status-detail">{status.detail}</span>
        </td>
        <td className="mono">{formatDuration(talk)}</td>
        <td>
          <span className={`badge ${badge.tone}`.trim()}>{badge.text}</span>
        </td>
      </tr>
      {open && (
        <tr className="call-timeline-row" id={timelineId}>
          <td colSpan={LIVE_CALL_COLUMNS}>
            <CallTimeline call={call} title={caller} onTimeline={props.onTimeline} />
          </td>
        </tr>
      )}
    </>
  );
}
