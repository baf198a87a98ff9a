import type { ReactNode } from "react";

/**
 * A chart with its title and a sentence that states its numbers: the sentence is what screen readers (and tests)
 * read, kept out of sight since the bars say the same. `height` sizes the chart's box (chart.js fills it).
 */
export function ChartFigure(props: { title: string; summary: string; height?: number; children: ReactNode }) {
  return (
    <figure className="number-chart">
      <figcaption>
        <span className="number-chart-title">{props.title}</span>
        {props.summary && <span className="numbers-sr-only">{props.summary}</span>}
      </figcaption>
      <div className="number-chart-box" style={props.height ? { height: props.height } : undefined}>
        {props.children}
      </div>
    </figure>
  );
}
