import { GraphQLError } from "graphql";
import { builder } from "../graphql/builder.js";
import type { WindowedCallActivity } from "../graphql/loaders.js";
import { VirtualNumberObject } from "../numbers/virtual-number.graphql.js";
import type { CallActivityCounts, HangupCodeCount } from "./call-activity.repository.js";
import {
  type ActivityRange,
  activityBucketCount,
  activityRangeProblem,
  DEFAULT_ACTIVITY_MINUTES,
  DEFAULT_BUCKET_MINUTES,
  MAX_ACTIVITY_BUCKETS,
  MAX_ACTIVITY_MINUTES,
  MAX_BUCKET_MINUTES,
  MIN_ACTIVITY_MINUTES,
  MIN_BUCKET_MINUTES,
} from "./call-activity-window.js";
import { describeHangupCode, type HangupCodeDescription } from "./hangup-description.js";

/** A bucket of the window: its start and its counts. */
interface BucketShape extends CallActivityCounts {
  from: Date;
}

const HangUpCauseCountObject = builder
  .objectRef<HangupCodeDescription & { count: number }>("HangUpCauseCount")
  .implement({
    description:
      "Finished calls of the window that report one hang-up code, described as `CallSession.hangup` describes it.",
    fields: (t) => ({
      code: t.exposeInt("code", { description: "`CallSession.hangup.code`." }),
      source: t.exposeString("source", {
        description:
          "`stateCode` (disconnect event) or `ulFailReason` (CDR), as `CallSession.hangup.source`: the two " +
          "tables word many codes differently, so a code reported from both sources is counted once for each.",
      }),
      known: t.exposeBoolean("known", { description: "Whether the code is in its table." }),
      description: t.exposeString("description", { nullable: true, description: "English description." }),
      zh: t.exposeString("zh", { nullable: true, description: "Huawei's Chinese term." }),
      category: t.exposeString("category", {
        nullable: true,
        description: "The group of a known stateCode (ulFailReason codes have none).",
      }),
      count: t.exposeInt("count"),
    }),
  });

const CallActivityBucketObject = builder.objectRef<BucketShape>("CallActivityBucket").implement({
  description: "Calls that started in one bucket of the window, `[from, from + bucketMinutes)`.",
  fields: (t) => ({
    from: t.field({
      type: "DateTime",
      description: "The bucket's start (inclusive).",
      resolve: (b) => b.from,
    }),
    started: t.exposeInt("started"),
    answered: t.exposeInt("answered"),
    unanswered: t.exposeInt("unanswered"),
    failed: t.exposeInt("failed"),
  }),
});

const CallActivityObject = builder.objectRef<WindowedCallActivity>("CallActivity").implement({
  description:
    "The calls on an X that started in a window ending now (`[from, to)`), by outcome, hang-up cause and bucket.",
  fields: (t) => ({
    from: t.field({
      type: "DateTime",
      description: "The window's start, now - minutes (inclusive).",
      resolve: (a) => a.window.from,
    }),
    to: t.field({
      type: "DateTime",
      description: "The window's end, now (exclusive).",
      resolve: (a) => a.window.to,
    }),
    started: t.int({ description: "Calls whose start is in the window.", resolve: (a) => a.totals.started }),
    inProgress: t.int({
      description: "Calls of the window not finished yet (no outcome).",
      resolve: (a) => a.totals.inProgress,
    }),
    answered: t.int({ resolve: (a) => a.totals.answered }),
    unanswered: t.int({ resolve: (a) => a.totals.unanswered }),
    failed: t.int({ resolve: (a) => a.totals.failed }),
    answerRate: t.float({
      nullable: true,
      description:
        "answered / (answered + unanswered + failed); null when no call of the window has finished.",
      resolve: ({ totals: { answered, unanswered, failed } }) => {
        const finished = answered + unanswered + failed;
        return finished === 0 ? null : answered / finished;
      },
    }),
    hangUpCauses: t.field({
      type: [HangUpCauseCountObject],
      description:
        "Finished calls of the window by hang-up code (`CallSession.hangup`), most frequent first, then by code. " +
        "Calls that report no code are not counted here.",
      resolve: (a) =>
        a.causes.map(({ source, code, count }: HangupCodeCount) => ({
          ...describeHangupCode(source, code),
          count,
        })),
    }),
    buckets: t.field({
      type: [CallActivityBucketObject],
      description: "Every bucket of the window, oldest first, zeros included.",
      // The buckets are counted in the cost of `activity`, which knows how many there are.
      complexity: { field: 1, multiplier: 1 },
      resolve: (a) =>
        a.buckets.map((counts, index) => ({
          ...counts,
          from: new Date(a.window.from.getTime() + index * a.window.bucketMs),
        })),
    }),
  }),
});

/** The range `VirtualNumber.activity` was asked for, defaults filled in (an explicit null means the default). */
function rangeOf(args: { minutes?: number | null; bucketMinutes?: number | null }): ActivityRange {
  return {
    minutes: args.minutes ?? DEFAULT_ACTIVITY_MINUTES,
    bucketMinutes: args.bucketMinutes ?? DEFAULT_BUCKET_MINUTES,
  };
}

builder.objectField(VirtualNumberObject, "activity", (t) =>
  t.field({
    type: CallActivityObject,
    description:
      "The calls on this X that started in the last `minutes` (ending now), counted in the database: totals, " +
      "answer rate, hang-up causes and equal buckets. A viewer sees them too: they hold no phone number.",
    args: {
      minutes: t.arg.int({
        defaultValue: DEFAULT_ACTIVITY_MINUTES,
        description: `Window length, ending now. ${MIN_ACTIVITY_MINUTES}–${MAX_ACTIVITY_MINUTES}. Default ${DEFAULT_ACTIVITY_MINUTES}.`,
      }),
      bucketMinutes: t.arg.int({
        defaultValue: DEFAULT_BUCKET_MINUTES,
        description:
          `Bucket length for \`buckets\`. ${MIN_BUCKET_MINUTES}–${MAX_BUCKET_MINUTES}, dividing minutes exactly, and ` +
          `minutes/bucketMinutes ≤ ${MAX_ACTIVITY_BUCKETS}. Default ${DEFAULT_BUCKET_MINUTES}.`,
      }),
    },
    // One aggregate statement per window, plus about one unit per bucket returned.
    complexity: (args) => ({ field: 1 + activityBucketCount(rangeOf(args)), multiplier: 1 }),
    resolve: (n, args, ctx, info) => {
      const range = rangeOf(args);
      const problem = activityRangeProblem(range);
      if (problem) {
        throw new GraphQLError(problem.message, {
          extensions: { code: "BAD_USER_INPUT", argument: problem.argument },
        });
      }
      // The row's own number: a viewer sees X masked, but its activity is read for the real X.
      return ctx.execution(info).loaders.callActivity.load({ virtualNum: n.number, ...range });
    },
  }),
);
