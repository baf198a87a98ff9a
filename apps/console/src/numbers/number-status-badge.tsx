import { type NumberStatusFields, statusBadge } from "./number-status.js";

/** An X's status as a badge (`badge ok|warn|bad` of styles.css); `data-status` holds the status for tests. */
export function NumberStatusBadge(props: { fields: Pick<NumberStatusFields, "status" | "statusCode"> }) {
  const badge = statusBadge(props.fields);
  return (
    <span
      className={badge.tone === "neutral" ? "badge" : `badge ${badge.tone}`}
      data-status={props.fields.status ?? "none"}
    >
      {badge.label}
    </span>
  );
}
