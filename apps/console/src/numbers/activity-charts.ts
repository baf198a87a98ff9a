// An X's activity turned into what the panel draws and says: the stacked calls-per-bucket bars, the hang-up
// cause bars, and the sentences that state the same numbers for screen readers (and tests).

/** The counts of one bucket of the window (`CallActivityBucket`). */
export interface BucketCounts {
  from: string;
  started: number;
  answered: number;
  unanswered: number;
  failed: number;
}

/** Finished calls that report one hang-up code (`HangUpCauseCount`). */
export interface HangUpCause {
  code: number;
  source: string;
  known: boolean;
  description: string | null;
  count: number;
}

/** The window's totals (`CallActivity`). */
export interface ActivityTotals {
  started: number;
  inProgress: number;
  answered: number;
  unanswered: number;
  failed: number;
  answerRate: number | null;
}

/** One chart.js bar dataset. */
export interface BarDataset {
  label: string;
  data: number[];
  backgroundColor: string;
  stack?: string;
}

/** What a bar chart is given: one label per bar, one dataset per series. */
export interface BarChartData {
  labels: string[];
  datasets: BarDataset[];
}

/** The outcomes a finished call has, in the order the bars stack them (bottom first). */
export const OUTCOMES = ["answered", "unanswered", "failed"] as const;

/** How each outcome is named and coloured (the badge colours of styles.css, a shade brighter for bars). */
export const OUTCOME_STYLE: Readonly<Record<(typeof OUTCOMES)[number], { label: string; colour: string }>> = {
  answered: { label: "Answered", colour: "#2da44e" },
  unanswered: { label: "Unanswered", colour: "#d4a72c" },
  failed: { label: "Failed", colour: "#cf222e" },
};

/** The colour of the hang-up cause bars. */
export const CAUSE_COLOUR = "#57606a";

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The stacked bars: one bar per bucket (labelled by its start), answered / unanswered / failed stacked. */
export function bucketChartData(
  buckets: readonly BucketCounts[],
  label: (iso: string) => string,
): BarChartData {
  return {
    labels: buckets.map((bucket) => label(bucket.from)),
    datasets: OUTCOMES.map((outcome) => ({
      label: OUTCOME_STYLE[outcome].label,
      data: buckets.map((bucket) => bucket[outcome]),
      backgroundColor: OUTCOME_STYLE[outcome].colour,
      stack: "outcome",
    })),
  };
}

/**
 * The calls chart in words: how many calls started, then every bucket that had one (calls still in progress
 * count as started but have no outcome yet).
 */
export function bucketChartSummary(
  buckets: readonly BucketCounts[],
  bucketMinutes: number,
  label: (iso: string) => string,
): string {
  const started = buckets.reduce((sum, bucket) => sum + bucket.started, 0);
  if (started === 0) return `No calls started in the last hour (${bucketMinutes}-minute bars).`;
  const busy = buckets
    .filter((bucket) => bucket.started > 0)
    .map((bucket) => {
      const outcomes = OUTCOMES.filter((outcome) => bucket[outcome] > 0).map(
        (outcome) => `${bucket[outcome]} ${OUTCOME_STYLE[outcome].label.toLowerCase()}`,
      );
      const open = bucket.started - OUTCOMES.reduce((sum, outcome) => sum + bucket[outcome], 0);
      if (open > 0) outcomes.push(`${open} in progress`);
      return `from ${label(bucket.from)}, ${plural(bucket.started, "call")} (${outcomes.join(", ")})`;
    });
  return `${plural(started, "call")} started in the last hour, per ${bucketMinutes} minutes: ${busy.join("; ")}.`;
}

/** A cause's words: its description, else its code (a code the tables do not know). */
export function causeLabel(cause: Pick<HangUpCause, "code" | "description">): string {
  return cause.description ?? `Unknown code ${cause.code}`;
}

/** The horizontal bars: one per cause, most frequent first (as the gateway orders them). */
export function causeChartData(causes: readonly HangUpCause[]): BarChartData {
  return {
    labels: causes.map(causeLabel),
    datasets: [{ label: "Calls", data: causes.map((cause) => cause.count), backgroundColor: CAUSE_COLOUR }],
  };
}

/** The causes chart in words: each cause with its code, source and count. */
export function causeChartSummary(causes: readonly HangUpCause[]): string {
  if (causes.length === 0) return "No finished call reported a hang-up cause in the last hour.";
  const listed = causes.map(
    (cause) => `${causeLabel(cause)} (${cause.source} ${cause.code}): ${cause.count}`,
  );
  return `Hang-up causes in the last hour: ${listed.join("; ")}.`;
}

/** The counts behind the answer rate, one per outcome, in words ("2 answered"). */
export function outcomeCounts(
  totals: Pick<ActivityTotals, "answered" | "unanswered" | "failed">,
): { outcome: (typeof OUTCOMES)[number]; text: string }[] {
  return OUTCOMES.map((outcome) => ({
    outcome,
    text: `${totals[outcome]} ${OUTCOME_STYLE[outcome].label.toLowerCase()}`,
  }));
}

/**
 * How many characters of a label fit beside horizontal bars in a chart `chartWidth` pixels wide: chart.js gives
 * the label axis at most half the width, and draws a longer label past the canvas's edge.
 */
export function labelCharsFor(chartWidth: number): number {
  return Math.max(10, Math.floor((chartWidth / 2 - 12) / 7));
}

/** Shorten a long axis label to `max` characters (the full text stays in the tooltip and the summary). */
export function shortLabel(text: string, max = 32): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}
