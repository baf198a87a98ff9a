import { useEffect, useState } from "react";
import { useQuery } from "urql";
import { combinedErrorMessage } from "../ui/combined-error-message.js";
import { VirtualNumbersQuery } from "./call-record-operations.js";
import {
  filterableNumbers,
  fromLocalInput,
  OUTCOMES,
  type Outcome,
  RECORDING_STATES,
  type RecordingStateName,
  type RecordsView,
  rangeError,
  toLocalInput,
} from "./records-view.js";

const RECORDING_LABELS: Record<RecordingStateName, string> = {
  NONE: "No recording",
  PENDING: "Pending",
  ARCHIVED: "Archived",
  FAILED: "Failed",
  EXPIRED: "Expired",
  DELETED: "Deleted",
};

/**
 * The filters above the table. Selects apply at once; the time range applies once both ends make a valid range
 * (from before to), and says inline why not otherwise.
 */
export function RecordsFilters(props: { view: RecordsView; onChange(change: Partial<RecordsView>): void }) {
  const { view, onChange } = props;
  const [numbers] = useQuery({ query: VirtualNumbersQuery });
  const [fromInput, setFromInput] = useState(() => toLocalInput(view.from));
  const [toInput, setToInput] = useState(() => toLocalInput(view.to));
  // The URL changed (back button, a link): show its range.
  useEffect(() => setFromInput(toLocalInput(view.from)), [view.from]);
  useEffect(() => setToInput(toLocalInput(view.to)), [view.to]);
  const error = rangeError(fromInput, toInput);

  function changeRange(from: string, to: string) {
    setFromInput(from);
    setToInput(to);
    if (rangeError(from, to) === undefined) onChange({ from: fromLocalInput(from), to: fromLocalInput(to) });
  }

  const known = numbers.data?.virtualNumbers.map((n) => n.number) ?? [];
  const xs = filterableNumbers(known);
  if (view.virtualNum && !xs.includes(view.virtualNum)) xs.unshift(view.virtualNum);
  // A viewer is given X numbers masked: there is nothing to filter by.
  const masked = xs.length === 0 && known.length > 0;

  return (
    <form className="records-filters panel" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      {!masked && (
        <div>
          <label htmlFor="records-x">X number</label>
          <select
            id="records-x"
            value={view.virtualNum ?? ""}
            onChange={(e) => onChange({ virtualNum: e.target.value || undefined })}
          >
            <option value="">All</option>
            {xs.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
          {numbers.error && (
            <span className="error small">X numbers unavailable: {combinedErrorMessage(numbers.error)}</span>
          )}
        </div>
      )}
      <div>
        <label htmlFor="records-outcome">Outcome</label>
        <select
          id="records-outcome"
          value={view.outcome ?? ""}
          onChange={(e) => onChange({ outcome: (e.target.value || undefined) as Outcome | undefined })}
        >
          <option value="">Any</option>
          {OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {o.charAt(0) + o.slice(1).toLowerCase()}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="records-recording">Recording</label>
        <select
          id="records-recording"
          value={view.recordingState ?? ""}
          onChange={(e) =>
            onChange({ recordingState: (e.target.value || undefined) as RecordingStateName | undefined })
          }
        >
          <option value="">Any</option>
          {RECORDING_STATES.map((s) => (
            <option key={s} value={s}>
              {RECORDING_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="records-from">From</label>
        <input
          id="records-from"
          type="datetime-local"
          value={fromInput}
          onChange={(e) => changeRange(e.target.value, toInput)}
          aria-invalid={error !== undefined}
          aria-describedby={error ? "records-range-error" : undefined}
        />
      </div>
      <div>
        <label htmlFor="records-to">To</label>
        <input
          id="records-to"
          type="datetime-local"
          value={toInput}
          onChange={(e) => changeRange(fromInput, e.target.value)}
          aria-invalid={error !== undefined}
          aria-describedby={error ? "records-range-error" : undefined}
        />
      </div>
      <div className="records-filters-actions">
        <button
          type="button"
          className="link"
          onClick={() => {
            setFromInput("");
            setToInput("");
            onChange({
              virtualNum: undefined,
              outcome: undefined,
              recordingState: undefined,
              from: undefined,
              to: undefined,
            });
          }}
        >
          Clear filters
        </button>
      </div>
      {error && (
        <p id="records-range-error" role="alert" className="error records-range-error">
          {error}
        </p>
      )}
    </form>
  );
}
