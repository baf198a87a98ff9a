import { formatDateTime, formatDuration } from "../ui/format.js";
import type { CallRecordRowData } from "./call-record-operations.js";
import { describeFailure, outcomeTone } from "./call-record-outcome.js";
import { RecordingCell } from "./recording-cell.js";

/** The CDRs as a table: start, X, caller, A, duration, outcome (with the failure) and the recording. */
export function CallRecordsTable(props: {
  records: readonly CallRecordRowData[];
  /** Rows received live (highlighted as new). */
  liveIds: ReadonlySet<string>;
  onChanged(): void;
}) {
  return (
    <table className="records-table">
      <thead>
        <tr>
          <th scope="col">Call start</th>
          <th scope="col">X</th>
          <th scope="col">Caller</th>
          <th scope="col">A (forwarded to)</th>
          <th scope="col">Duration</th>
          <th scope="col">Outcome</th>
          <th scope="col">Recording</th>
        </tr>
      </thead>
      <tbody>
        {props.records.map((record) => {
          const failure = describeFailure(record);
          return (
            <tr
              key={record.id}
              data-icid={record.icid}
              className={props.liveIds.has(record.id) ? "records-new" : undefined}
            >
              <td className="nowrap">{formatDateTime(record.callInTime)}</td>
              <td className="mono">{record.virtualNum ?? "—"}</td>
              <td className="mono">{record.callerNum ?? "—"}</td>
              <td className="mono">{record.fwdDstNum ?? record.bindNum ?? "—"}</td>
              <td className="mono" data-testid="duration">
                {formatDuration(record.talkSeconds)}
              </td>
              <td>
                <span className={`badge ${outcomeTone(record.outcome)}`} data-testid="outcome">
                  {record.outcome}
                </span>
                {failure && <div className="muted small">{failure}</div>}
              </td>
              <td>
                <RecordingCell icid={record.icid} recording={record.recording} onChanged={props.onChanged} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
