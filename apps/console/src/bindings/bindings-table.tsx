import { formatDateTime } from "../ui/format.js";
import type { BindingRow } from "./binding-operations.js";

const STATE_BADGE: Readonly<Record<BindingRow["state"], string>> = {
  ACTIVE: "badge ok",
  EXPIRED: "badge warn",
  DELETED: "badge",
  MISSING: "badge bad",
};

/** The bindings of one page; row actions only when `onModify`/`onUnbind` are given (operators). */
export function BindingsTable(props: {
  rows: readonly BindingRow[];
  /** The subscriptionId of a binding just created or changed: its row stands out. */
  highlighted?: string | undefined;
  onModify?: ((binding: BindingRow) => void) | undefined;
  onUnbind?: ((binding: BindingRow) => void) | undefined;
}) {
  const actions = props.onModify !== undefined || props.onUnbind !== undefined;
  return (
    <div className="table-scroll">
      <table className="bindings-table">
        <caption className="visually-hidden">Bindings, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Subscription ID</th>
            <th scope="col">X</th>
            <th scope="col">E</th>
            <th scope="col">A</th>
            <th scope="col">State</th>
            <th scope="col">Recording</th>
            <th scope="col">Expires</th>
            <th scope="col">Created</th>
            {actions && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((b) => (
            <tr key={b.id} aria-current={b.subscriptionId === props.highlighted ? "true" : undefined}>
              <td className="mono subscription-id" title={b.subscriptionId}>
                {b.subscriptionId}
              </td>
              <td className="mono">{b.virtualNum}</td>
              <td className="mono">{b.extendNum}</td>
              <td className="mono">{b.bindNum}</td>
              <td>
                <span className={STATE_BADGE[b.state]}>{b.state.toLowerCase()}</span>
              </td>
              <td>
                {b.recordFlag ? <span className="badge ok">on</span> : <span className="muted">off</span>}
              </td>
              <td>{b.expiresAt ? formatDateTime(b.expiresAt) : <span className="muted">never</span>}</td>
              <td>{formatDateTime(b.createdAt)}</td>
              {actions && (
                <td className="row-actions">
                  {b.state === "ACTIVE" && props.onModify && (
                    <button type="button" onClick={() => props.onModify?.(b)}>
                      Modify
                    </button>
                  )}
                  {b.state === "ACTIVE" && props.onUnbind && (
                    <button type="button" className="danger" onClick={() => props.onUnbind?.(b)}>
                      Unbind
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
