import { formatDateTime } from "../ui/format.js";
import { statusDetails } from "./number-status.js";
import { NumberStatusBadge } from "./number-status-badge.js";
import type { ListedNumber } from "./numbers-queries.js";

/** Every X with its status, what the status means (and why, when unavailable), and since when. */
export function NumberStatusTable(props: { numbers: readonly ListedNumber[]; labelledBy: string }) {
  return (
    <table className="number-status-table" aria-labelledby={props.labelledBy}>
      <thead>
        <tr>
          <th scope="col">X number</th>
          <th scope="col">Status</th>
          <th scope="col">What it means</th>
          <th scope="col">Since</th>
        </tr>
      </thead>
      <tbody>
        {props.numbers.map((x, index) => (
          // A viewer's masked numbers may look alike: the position keeps the rows apart.
          <tr key={`${index}:${x.number}`}>
            <th scope="row" className="mono">
              {x.number}
            </th>
            <td>
              <NumberStatusBadge fields={x} />
            </td>
            <td>{statusDetails(x)}</td>
            <td>
              {x.statusChangedAt ? (
                <time dateTime={x.statusChangedAt}>{formatDateTime(x.statusChangedAt)}</time>
              ) : (
                <span className="muted">—</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
