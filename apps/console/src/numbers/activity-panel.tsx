import { type ReactNode, useId } from "react";
import { formatPercent } from "../ui/format.js";
import { OUTCOME_STYLE, outcomeCounts } from "./activity-charts.js";
import { CallsPerBucketChart } from "./calls-per-bucket-chart.js";
import { HangUpCausesChart } from "./hang-up-causes-chart.js";
import { NumberStatusBadge } from "./number-status-badge.js";
import type { ListedNumber } from "./numbers-queries.js";

/** One big number of a panel, with what it counts. */
function Stat(props: {
  label: string;
  value: string | number;
  detail?: ReactNode;
  testId: string;
  live?: boolean;
}) {
  return (
    <div className={props.live ? "number-stat number-stat-live" : "number-stat"}>
      <span className="number-stat-label">{props.label}</span>
      <span className="number-stat-value" data-testid={props.testId}>
        {props.value}
      </span>
      {props.detail && (
        <div className="number-stat-detail" data-testid={`${props.testId}-detail`}>
          {props.detail}
        </div>
      )}
    </div>
  );
}

/** One X's live panel: calls in progress, started and answer rate over the last hour, and the two charts. */
export function ActivityPanel(props: { number: ListedNumber; bucketMinutes: number }) {
  const { number: x, bucketMinutes } = props;
  const { activity } = x;
  const headingId = useId();
  return (
    <article className="panel number-card" aria-labelledby={headingId}>
      <header className="number-card-header">
        <h3 id={headingId} className="mono">
          {x.number}
        </h3>
        <NumberStatusBadge fields={x} />
      </header>
      <div className="number-stats">
        <Stat
          label="In progress"
          value={activity.inProgress}
          testId="in-progress"
          live={activity.inProgress > 0}
        />
        <Stat label="Started, last hour" value={activity.started} testId="started" />
        <Stat
          label="Answer rate"
          value={formatPercent(activity.answerRate)}
          detail={
            <ul className="number-outcomes">
              {outcomeCounts(activity).map(({ outcome, text }) => (
                <li key={outcome}>
                  <span
                    className="number-outcome-dot"
                    style={{ background: OUTCOME_STYLE[outcome].colour }}
                    aria-hidden="true"
                  />
                  {text}
                </li>
              ))}
            </ul>
          }
          testId="answer-rate"
        />
      </div>
      <CallsPerBucketChart buckets={activity.buckets} bucketMinutes={bucketMinutes} x={x.number} />
      <HangUpCausesChart causes={activity.hangUpCauses} x={x.number} />
    </article>
  );
}
