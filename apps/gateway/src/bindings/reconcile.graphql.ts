import { isStrictPhoneNumber } from "@privnum/notification-schemas";
import { builder } from "../graphql/builder.js";
import { audited } from "../graphql/mutation-audit.js";
import { shownPhoneNumber } from "../graphql/phone-numbers.js";
import { type FieldIssue, PlatformError, ValidationError } from "../shared/errors.js";
import { toCommandError } from "./platform-errors.js";
import type { ReconcileFailure, ReconcileReport } from "./reconcile-report.js";

/** Most X numbers one `reconcileBindings` may name. */
export const MAX_RECONCILE_VIRTUAL_NUMS = 100;

const ReconcileFailureObject = builder.objectRef<ReconcileFailure>("ReconcileFailure").implement({
  description: "An X number the platform failed for: nothing it did not confirm was changed on it.",
  fields: (t) => ({
    virtualNum: t.string({ resolve: (f, _args, ctx) => shownPhoneNumber(ctx, f.virtualNum) }),
    reason: t.exposeString("reason", { description: "What the platform (or its client) said." }),
  }),
});

const ReconcileReportObject = builder.objectRef<ReconcileReport>("ReconcileReport").implement({
  description: "What one reconciliation of the mirrored bindings with the platform did.",
  fields: (t) => ({
    startedAt: t.field({ type: "DateTime", resolve: (r) => r.startedAt }),
    finishedAt: t.field({ type: "DateTime", resolve: (r) => r.finishedAt }),
    virtualNumbers: t.exposeInt("virtualNumbers", {
      description: "X numbers whose bindings were asked from the platform.",
    }),
    listed: t.exposeInt("listed", {
      description: "Bindings the platform listed on the X numbers whose listing could be read.",
    }),
    imported: t.exposeInt("imported", {
      description:
        "Bindings the platform had and the mirror lacked, now mirrored (`bindingChanges` IMPORTED).",
    }),
    missing: t.exposeInt("missing", {
      description:
        "Bindings the platform confirmed gone (1012007 by subscriptionId), now MISSING (`bindingChanges` MISSING).",
    }),
    unchanged: t.exposeInt("unchanged", {
      description:
        "Active mirrored bindings left as they were: the platform still has them, or another instance changed " +
        "them meanwhile (left to the next run).",
    }),
    failed: t.field({
      type: [ReconcileFailureObject],
      description: "X numbers the platform failed for; empty when every X was reconciled.",
      resolve: (r) => r.failed,
    }),
  }),
});

const ReconcileBindingsInput = builder.inputType("ReconcileBindingsInput", {
  description: "Which X numbers to reconcile.",
  fields: (t) => ({
    virtualNums: t.stringList({
      description: `X numbers (E.164), at most ${MAX_RECONCILE_VIRTUAL_NUMS}. Absent: every X the gateway serves or has active bindings on.`,
    }),
  }),
});

const ReconcileBindingsPayload = builder
  .objectRef<{ report: ReconcileReport }>("ReconcileBindingsPayload")
  .implement({
    description: "The reconciliation ran; see `report.failed` for the X numbers the platform failed for.",
    fields: (t) => ({ report: t.field({ type: ReconcileReportObject, resolve: (p) => p.report }) }),
  });

/** The X numbers asked for, checked: undefined (all), or 1 to 100 E.164 numbers, duplicates dropped. */
function validVirtualNums(virtualNums: readonly string[] | null | undefined): string[] | undefined {
  if (virtualNums === null || virtualNums === undefined) return undefined;
  const issues: FieldIssue[] = [];
  if (virtualNums.length === 0) {
    issues.push({
      field: "virtualNums",
      message: "give at least one X, or leave virtualNums out for every X",
    });
  } else if (virtualNums.length > MAX_RECONCILE_VIRTUAL_NUMS) {
    issues.push({ field: "virtualNums", message: `at most ${MAX_RECONCILE_VIRTUAL_NUMS} numbers` });
  } else {
    virtualNums.forEach((number, index) => {
      if (!isStrictPhoneNumber(number)) {
        issues.push({
          field: `virtualNums[${index}]`,
          message: "must be an E.164 number, e.g. +8617000000001",
        });
      }
    });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return [...new Set(virtualNums)];
}

builder.mutationField("reconcileBindings", (t) =>
  t.field({
    type: ReconcileBindingsPayload,
    description:
      "Reconcile the mirrored bindings with the platform now: import those made outside the gateway, mark " +
      "MISSING those the platform confirms gone. Waits for a reconciliation already running in this gateway. " +
      "PlatformError: the platform refused the gateway's credentials, and the run stopped.",
    args: { input: t.arg({ type: ReconcileBindingsInput }) },
    errors: {
      types: [PlatformError, ValidationError],
      directResult: true,
      union: { name: "ReconcileBindingsResult" },
    },
    resolve: (_root, { input }, ctx) =>
      audited(ctx, "reconcileBindings", input ?? {}, async () => {
        const virtualNums = validVirtualNums(input?.virtualNums);
        try {
          return {
            report: await ctx.services.reconciler.run(virtualNums ? { virtualNums } : {}),
          };
        } catch (error) {
          throw toCommandError(error);
        }
      }),
  }),
);
