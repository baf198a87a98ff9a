import "./chart-setup.js";
import type { ChartOptions } from "chart.js";
import { useMemo } from "react";
import { Bar } from "react-chartjs-2";
import {
  causeChartData,
  causeChartSummary,
  type HangUpCause,
  labelCharsFor,
  shortLabel,
} from "./activity-charts.js";
import { ChartFigure } from "./chart-figure.js";

const TITLE = "Hang-up causes";

/** Finished calls of the window by hang-up cause, one horizontal bar each, labelled in words. */
export function HangUpCausesChart(props: { causes: readonly HangUpCause[]; x: string }) {
  const { causes } = props;
  const data = useMemo(() => causeChartData(causes), [causes]);
  const options = useMemo<ChartOptions<"bar">>(
    () => ({
      indexAxis: "y",
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { beginAtZero: true, ticks: { precision: 0 }, grace: 1 },
        y: {
          grid: { display: false },
          ticks: {
            callback(_value, index) {
              return shortLabel(data.labels[index] ?? "", labelCharsFor(this.chart.width));
            },
          },
        },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (items) => data.labels[items[0]?.dataIndex ?? 0] ?? "",
            label: (item) => {
              const cause = causes[item.dataIndex];
              return cause ? `${cause.count} (${cause.source} ${cause.code})` : "";
            },
          },
        },
      },
    }),
    [data, causes],
  );
  const summary = causeChartSummary(causes);
  if (causes.length === 0) {
    return (
      <figure className="number-chart">
        <figcaption>
          <span className="number-chart-title">{TITLE}</span>
        </figcaption>
        <p className="number-chart-empty muted">{summary}</p>
      </figure>
    );
  }
  // A bar per cause: the chart grows with them rather than squeezing them.
  const height = Math.max(120, 28 * causes.length + 40);
  return (
    <ChartFigure title={TITLE} summary={summary} height={height}>
      <Bar data={data} options={options} aria-label={`${TITLE} on ${props.x}, last hour`} />
    </ChartFigure>
  );
}
