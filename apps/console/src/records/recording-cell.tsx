import { useSession } from "../session/session.js";
import { formatTime } from "../ui/format.js";
import type { RecordingData } from "./call-record-operations.js";
import { recordingBadge } from "./call-record-outcome.js";
import { RecordingPlayer } from "./recording-player.js";
import { RetryArchiveButton } from "./retry-archive-button.js";

function formatBytes(bytes: number | null): string | undefined {
  if (bytes === null) return undefined;
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A CDR's recording: its archive state, why it failed and when it is tried again, and (operators) play or retry. */
export function RecordingCell(props: { icid: string; recording: RecordingData; onChanged(): void }) {
  const { can } = useSession();
  const { recording } = props;
  const badge = recordingBadge(recording.state);
  const operator = can("OPERATOR");
  const details = [recording.contentType, formatBytes(recording.sizeBytes)].filter(Boolean).join(" · ");
  return (
    <div className="recording-cell">
      <span className={`badge ${badge.tone}`} data-testid="recording-state" data-state={recording.state}>
        {badge.label}
      </span>
      {recording.state === "ARCHIVED" && details && <span className="muted small"> {details}</span>}
      {(recording.state === "FAILED" || recording.state === "EXPIRED") && (
        <div className="small">
          {recording.lastError && <span className="error">{recording.lastError}</span>}
          <div className="muted">
            {recording.state === "FAILED" &&
              (recording.nextAttemptAt
                ? `Next attempt at ${formatTime(recording.nextAttemptAt)}`
                : "No further attempt")}
            {recording.attempts > 0 &&
              ` · ${recording.attempts} attempt${recording.attempts === 1 ? "" : "s"}`}
          </div>
        </div>
      )}
      {recording.state === "ARCHIVED" &&
        (recording.url ? (
          <RecordingPlayer icid={props.icid} link={recording.url} />
        ) : (
          !operator && <div className="muted small">Recordings are for operators.</div>
        ))}
      {operator && (recording.state === "FAILED" || recording.state === "EXPIRED") && (
        <RetryArchiveButton icid={props.icid} onRetried={props.onChanged} />
      )}
    </div>
  );
}
