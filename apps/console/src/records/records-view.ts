// What the Call records page shows, as its URL query string holds it (filters and page): shareable, and the back
// button walks through earlier views. Values the page cannot use are dropped rather than sent to the gateway.

/** The outcomes of a finished call, as the schema names them. */
export const OUTCOMES = ["ANSWERED", "UNANSWERED", "FAILED"] as const;
/** How a call went. */
export type Outcome = (typeof OUTCOMES)[number];

/** The states of a recording's archive, as the schema names them. */
export const RECORDING_STATES = ["NONE", "PENDING", "ARCHIVED", "FAILED", "EXPIRED", "DELETED"] as const;
/** Where a recording's archive stands. */
export type RecordingStateName = (typeof RECORDING_STATES)[number];

/** CDRs per page: the gateway's query cost grows with the page size. */
export const PAGE_SIZE = 25;

/** The page's filters and position. */
export interface RecordsView {
  virtualNum?: string;
  outcome?: Outcome;
  recordingState?: RecordingStateName;
  /** Calls that started at or after this instant (ISO-8601, UTC). */
  from?: string;
  /** Calls that started before this instant (ISO-8601, UTC). */
  to?: string;
  /** The page after this cursor (older CDRs). */
  after?: string;
  /** The page before this cursor (newer CDRs). */
  before?: string;
}

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : undefined;
}

function instant(value: string | null): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function text(value: string | null): string | undefined {
  return value ? value : undefined;
}

/** The view a URL query string describes. */
export function parseRecordsView(search: URLSearchParams): RecordsView {
  const view: RecordsView = {};
  const fields: [keyof RecordsView, string | undefined][] = [
    ["virtualNum", text(search.get("x"))],
    ["outcome", oneOf(OUTCOMES, search.get("outcome"))],
    ["recordingState", oneOf(RECORDING_STATES, search.get("recording"))],
    ["from", instant(search.get("from"))],
    ["to", instant(search.get("to"))],
    ["after", text(search.get("after"))],
    // One direction at a time: `after` wins.
    ["before", search.get("after") ? undefined : text(search.get("before"))],
  ];
  for (const [key, value] of fields) if (value !== undefined) (view as Record<string, string>)[key] = value;
  // A range the gateway would refuse is not kept.
  if (view.from && view.to && view.from >= view.to) delete view.to;
  return view;
}

/** The URL query string of `view` (without `?`). */
export function formatRecordsView(view: RecordsView): string {
  const search = new URLSearchParams();
  if (view.virtualNum) search.set("x", view.virtualNum);
  if (view.outcome) search.set("outcome", view.outcome);
  if (view.recordingState) search.set("recording", view.recordingState);
  if (view.from) search.set("from", view.from);
  if (view.to) search.set("to", view.to);
  if (view.after) search.set("after", view.after);
  else if (view.before) search.set("before", view.before);
  return search.toString();
}

/** `view` with `change` applied to its filters, back on the first page (a cursor belongs to the old filters). */
export function withFilters(view: RecordsView, change: Partial<RecordsView>): RecordsView {
  const next: RecordsView = { ...view, ...change };
  delete next.after;
  delete next.before;
  for (const key of Object.keys(next) as (keyof RecordsView)[]) if (!next[key]) delete next[key];
  return next;
}

/** Whether `view` is the first page (the newest CDRs), where new ones appear live. */
export function isFirstPage(view: RecordsView): boolean {
  return view.after === undefined && view.before === undefined;
}

/** The filter of the gateway's `callRecords` subscription: the query's, without those it refuses. */
export function feedFilter(view: RecordsView): Record<string, string> {
  const filter: Record<string, string> = {};
  if (view.virtualNum) filter.virtualNum = view.virtualNum;
  if (view.outcome) filter.outcome = view.outcome;
  if (view.from) filter.callStartFrom = view.from;
  if (view.to) filter.callStartTo = view.to;
  return filter;
}

/** The variables of the `callRecords` query for `view`. */
export function queryVariables(view: RecordsView) {
  const filter = {
    ...feedFilter(view),
    ...(view.recordingState ? { recordingState: view.recordingState } : {}),
  };
  const page = view.before
    ? { last: PAGE_SIZE, before: view.before }
    : { first: PAGE_SIZE, ...(view.after ? { after: view.after } : {}) };
  return { ...page, filter };
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** An ISO instant as a `datetime-local` input's value, in the browser's time zone ("" for none). */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` input's value (browser's time zone) as an ISO instant; undefined when empty or invalid. */
export function fromLocalInput(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Why the time range typed in the inputs cannot be used, or undefined when it can (either end may be empty). */
export function rangeError(fromInput: string, toInput: string): string | undefined {
  if (fromInput !== "" && fromLocalInput(fromInput) === undefined) return "“From” is not a date and time.";
  if (toInput !== "" && fromLocalInput(toInput) === undefined) return "“To” is not a date and time.";
  const from = fromLocalInput(fromInput);
  const to = fromLocalInput(toInput);
  if (from && to && from >= to) return "“From” must be before “To”: the range is [from, to).";
  return undefined;
}

/**
 * The X numbers a filter can offer: a masked one (a viewer's `+86170****0001`) would match no CDR, since the
 * gateway filters by the whole number.
 */
export function filterableNumbers(numbers: readonly string[]): string[] {
  return numbers.filter((number) => !number.includes("*"));
}
