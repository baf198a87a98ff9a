/** The shortest window `VirtualNumber.activity` reads, in minutes. */
export const MIN_ACTIVITY_MINUTES = 5;
/** The longest window, in minutes (a day). */
export const MAX_ACTIVITY_MINUTES = 1440;
/** The window when none is asked for, in minutes. */
export const DEFAULT_ACTIVITY_MINUTES = 60;
/** The shortest bucket, in minutes. */
export const MIN_BUCKET_MINUTES = 1;
/** The longest bucket, in minutes. */
export const MAX_BUCKET_MINUTES = 60;
/** The bucket length when none is asked for, in minutes. */
export const DEFAULT_BUCKET_MINUTES = 5;
/** Most buckets in one window (a day of 5-minute buckets). */
export const MAX_ACTIVITY_BUCKETS = 288;

/** What a reader of activity asks for: a window ending now, cut into equal buckets. */
export interface ActivityRange {
  /** Window length, in minutes. */
  minutes: number;
  /** Bucket length, in minutes. */
  bucketMinutes: number;
}

/** A window of activity in instants: `[from, to)`, cut into `bucketCount` buckets of `bucketMs`. */
export interface ActivityWindow {
  from: Date;
  to: Date;
  bucketMs: number;
  bucketCount: number;
}

/** One argument out of range, named as in the schema. */
export interface ActivityRangeProblem {
  argument: "minutes" | "bucketMinutes";
  message: string;
}

const inRange = (value: number, min: number, max: number) =>
  Number.isSafeInteger(value) && value >= min && value <= max;

/**
 * What is wrong with `range`, undefined when nothing. Buckets must divide the window exactly: every bucket
 * then has the length `bucketMinutes`, so bars of a chart compare like with like (a shorter last bucket would
 * look like a drop in calls).
 */
export function activityRangeProblem({
  minutes,
  bucketMinutes,
}: ActivityRange): ActivityRangeProblem | undefined {
  if (!inRange(minutes, MIN_ACTIVITY_MINUTES, MAX_ACTIVITY_MINUTES)) {
    return {
      argument: "minutes",
      message: `minutes must be an integer from ${MIN_ACTIVITY_MINUTES} to ${MAX_ACTIVITY_MINUTES}, not ${minutes}.`,
    };
  }
  if (!inRange(bucketMinutes, MIN_BUCKET_MINUTES, MAX_BUCKET_MINUTES)) {
    return {
      argument: "bucketMinutes",
      message: `bucketMinutes must be an integer from ${MIN_BUCKET_MINUTES} to ${MAX_BUCKET_MINUTES}, not ${bucketMinutes}.`,
    };
  }
  if (minutes % bucketMinutes !== 0) {
    return {
      argument: "bucketMinutes",
      message: `bucketMinutes (${bucketMinutes}) must divide minutes (${minutes}) exactly, so that every bucket has the same length.`,
    };
  }
  if (minutes / bucketMinutes > MAX_ACTIVITY_BUCKETS) {
    return {
      argument: "bucketMinutes",
      message:
        `minutes / bucketMinutes must be at most ${MAX_ACTIVITY_BUCKETS} buckets, not ${minutes / bucketMinutes} ` +
        `(${minutes} / ${bucketMinutes}): ask for longer buckets.`,
    };
  }
  return undefined;
}

/**
 * The buckets `range` asks for, clamped to 1…{@link MAX_ACTIVITY_BUCKETS} so that a query cost can be
 * computed before its arguments are checked.
 */
export function activityBucketCount({ minutes, bucketMinutes }: ActivityRange): number {
  const count = Math.ceil(minutes / bucketMinutes);
  return Number.isFinite(count) ? Math.min(Math.max(count, 1), MAX_ACTIVITY_BUCKETS) : MAX_ACTIVITY_BUCKETS;
}

/** The window of a valid `range` ending at `now` (see {@link activityRangeProblem}). */
export function activityWindow(range: ActivityRange, now: Date): ActivityWindow {
  const bucketMs = range.bucketMinutes * 60_000;
  return {
    from: new Date(now.getTime() - range.minutes * 60_000),
    to: new Date(now.getTime()),
    bucketMs,
    bucketCount: range.minutes / range.bucketMinutes,
  };
}
