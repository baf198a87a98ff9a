import "./chart-setup.js";
import type { ChartOptions } from "chart.js";
import { useMemo } from "react";
import { Bar } from "react-chartjs-2";
import { type BucketCounts, bucketChartData, bucketChartSummary } from "./activity-charts.js";
import { ChartFigure } from "./chart-figure.js";

const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const bucketLabel = (iso: string) => clock.format(new Date(iso));

const OPTIONS: ChartOptions<"bar"> = {
  responsive: true,
  maintainAspectRatio: false,
  animation: false,
  scales: {
    x: { stacked: true, grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
    y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, grace: 1 },
  },
  plugins: {
    legend: { position: "bottom", labels: { boxWidth: 10, boxHeight: 10 } },
    tooltip: { mode: "index", intersect: false },
  },
};

/** Calls that started in each bucket of the window, answered / unanswered / failed stacked. */
export function CallsPerBucketChart(props: {
  buckets: readonly BucketCounts[];
  bucketMinutes: number;
  x: string;
}) {
  const { buckets, bucketMinutes } = props;
  const data = useMemo(() => bucketChartData(buckets, bucketLabel), [buckets]);
  const summary = bucketChartSummary(buckets, bucketMinutes, bucketLabel);
  const title = `Calls per ${bucketMinutes} minutes`;
  return (
    <ChartFigure title={title} summary={summary}>
      <Bar data={data} options={OPTIONS} aria-label={`${title} on ${props.x}, last hour`} />
    </ChartFigure>
  );
}
