import type { AxeClient, BindingChanges, BindingRef, CreateBindingInput } from "@privnum/axe-api";
import { maskPhoneNumber } from "@privnum/notification-schemas";
import type { Kysely, Transaction } from "kysely";
import type { Logger } from "pino";
import type { Database } from "../database/database.js";
import { rememberVirtualNumbers } from "../numbers/virtual-number.repository.js";
import { assertVirtualNumberTakesBindings } from "../numbers/virtual-number-availability.js";
import { NotFoundError, ValidationError } from "../shared/errors.js";
import {
  claimLapsedBindings,
  findActiveBindingByExtension,
  findBinding,
  isSameBinding,
  type MirroredBinding,
  markBindingDeleted,
  mirrorBinding,
  supersedeBindingsOnExtension,
} from "./binding.repository.js";
import type { BindingRow, NewBindingRow } from "./binding.table.js";
import { type BindingWrite, commitBindingChanges } from "./binding-changes.js";
import { bindingRowFromPlatform } from "./binding-row.js";
import { computeExpiresAt, type TimeUnit } from "./expiry.js";
import { toCommandError } from "./platform-errors.js";

/** Options for {@link createBindingCommands}. */
export interface BindingCommandsOptions {
  db: Kysely<Database>;
  platform: () => AxeClient;
  /** Called after each commit that stored binding changes: wakes the change feeds of every instance. */
  onCommitted: () => void;
  now: () => Date;
  logger: Logger;
}

/** Selects a binding: by subscriptionId, or by X and E together. */
export interface BindingSelector {
  subscriptionId?: string | null;
  virtualNum?: string | null;
  extendNum?: string | null;
}

/** The command path: platform first, then the mirror, then a published change. */
export interface BindingCommands {
  /** Rejects with `VirtualNumberUnavailableError`, asking nothing of the platform, when X takes no new bindings. */
  create(input: CreateBindingInput): Promise<BindingRow>;
  update(selector: BindingSelector, changes: BindingChanges): Promise<BindingRow>;
  /** Resolves the mirror row (marked deleted), or null when the binding was never mirrored. */
  delete(selector: BindingSelector): Promise<{ subscriptionId: string | null; binding: BindingRow | null }>;
  /** Announce bindings that lapsed since the last sweep; returns how many. */
  sweepExpired(): Promise<number>;
}

/** Check a selector the way the platform reads it (subscriptionId wins; else X and E together). */
export function toBindingRef(selector: BindingSelector): BindingRef {
  if (selector.subscriptionId) return { subscriptionId: selector.subscriptionId };
  if (selector.virtualNum && selector.extendNum) {
    return { virtualNum: selector.virtualNum, extendNum: selector.extendNum };
  }
  const fields = [];
  if (!selector.virtualNum && !selector.extendNum) {
    fields.push({ field: "subscriptionId", message: "give subscriptionId, or virtualNum with extendNum" });
  } else if (!selector.virtualNum) {
    fields.push({ field: "virtualNum", message: "required together with extendNum" });
  } else {
    fields.push({ field: "extendNum", message: "required together with virtualNum" });
  }
  throw new ValidationError(fields);
}

/** Create the command handlers behind the binding mutations. */
export function createBindingCommands(options: BindingCommandsOptions): BindingCommands {
  const { db, platform, onCommitted, now, logger } = options;

  /** A write to the mirror and the binding changes it made, in one transaction (see `commitBindingChanges`). */
  const changing = <T>(write: (tx: Transaction<Database>) => Promise<BindingWrite<T>>) =>
    commitBindingChanges(db, onCommitted, write);

  /** The platform reused a subscriptionId for another binding: say so, numbers masked. */
  function warnSuperseded({ stored, superseded }: MirroredBinding): void {
    if (!superseded) return;
    logger.warn(
      {
        subscriptionId: stored.subscription_id,
        previous: {
          id: superseded.id,
          bindNum: maskPhoneNumber(superseded.bind_num),
          virtualNum: maskPhoneNumber(superseded.virtual_num),
          extendNum: superseded.extend_num,
        },
        current: {
          id: stored.id,
          bindNum: maskPhoneNumber(stored.bind_num),
          virtualNum: maskPhoneNumber(stored.virtual_num),
          extendNum: stored.extend_num,
        },
      },
      "the platform reused a subscriptionId for a different binding: the previous mirror row is kept as superseded",
    );
  }

  /** The changes a mirror write publishes: a superseded row is gone (deleted), its successor new. */
  function changesOf({ stored, superseded }: MirroredBinding, kind: "created" | "updated", at: Date) {
    return superseded
      ? [
          { kind: "deleted" as const, binding: superseded, at },
          { kind: "created" as const, binding: stored, at },
        ]
      : [{ kind, binding: stored, at }];
  }

  /** Mark the mirror row deleted and store the change; undefined when it was closed already. */
  function closeMirror(subscriptionId: string, at: Date): Promise<BindingRow | undefined> {
    return changing(async (tx) => {
      const closed = await markBindingDeleted(tx, subscriptionId, at);
      return { result: closed, changes: closed ? [{ kind: "deleted" as const, binding: closed, at }] : [] };
    });
  }

  async function call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw toCommandError(error);
    }
  }

  return {
    async create(input) {
      // An X the platform said takes no new bindings fails here, without a request (areaCode: the platform picks).
      if (input.virtualNum) await assertVirtualNumberTakesBindings(db, input.virtualNum);
      const created = await call(() => platform().createBinding(input));
      const at = now();
      const unit: TimeUnit = input.timeUnit ?? "hours";
      const row: NewBindingRow = {
        subscription_id: created.subscriptionId,
        virtual_num: created.virtualNum,
        extend_num: created.extendNum,
        bind_num: input.bindNum,
        area_code: input.areaCode ?? null,
        display_num_mode: input.displayNumMode ?? null,
        record_flag: input.recordFlag ?? false,
        record_hint_tone: input.recordHintTone ?? null,
        callback_tone: input.callbackTone ?? null,
        callback_num: input.callbackNum ?? null,
        time_unit: unit,
        bind_expired_time: created.bindExpiredTime ?? input.bindExpiredTime ?? null,
        callback_expired_time: created.callbackExpiredTime ?? input.callbackExpiredTime ?? null,
        user_data: input.userData ?? null,
        expires_at: computeExpiresAt(at, unit, created.bindExpiredTime ?? input.bindExpiredTime),
        created_at: at,
        updated_at: at,
        deleted_at: null,
        expiry_announced_at: null,
        platform_missing_at: null,
      };
      try {
        const mirrored = await changing(async (tx) => {
          const mirrored = await mirrorBinding(tx, row, at);
          const { stored } = mirrored;
          const closed = await supersedeBindingsOnExtension(
            tx,
            stored.virtual_num,
            stored.extend_num,
            stored.subscription_id,
            at,
          );
          await rememberVirtualNumbers(tx, [stored.virtual_num], at);
          const changes = [
            ...closed.map((binding) => ({ kind: "deleted" as const, binding, at })),
            ...changesOf(mirrored, "created", at),
          ];
          return { result: mirrored, changes };
        });
        warnSuperseded(mirrored);
        return mirrored.stored;
      } catch (error) {
        // The platform holds the binding; only the mirror is missing. Update/delete/query by the
        // subscriptionId will mirror it again, so say which one.
        logger.error(
          { err: error, subscriptionId: created.subscriptionId },
          "binding created on the platform but not mirrored",
        );
        throw error;
      }
    },

    async update(selector, changes) {
      const ref = toBindingRef(selector);
      if (Object.values(changes).every((value) => value === undefined)) {
        throw new ValidationError([{ field: "input", message: "give at least one field to change" }]);
      }
      await call(() => platform().updateBinding(ref, changes));
      const at = now();
      const fresh = await call(() => platform().getBinding(ref));
      const mirroredBefore = await findBinding(db, fresh.subscriptionId);
      // A row holding another binding under this subscriptionId is nothing this one inherits from.
      const previous =
        mirroredBefore &&
        isSameBinding(mirroredBefore, {
          bind_num: fresh.bindNum,
          virtual_num: fresh.virtualNum,
          extend_num: fresh.extendNum,
        })
          ? mirroredBefore
          : undefined;
      // A new bindExpiredTime restarts the clock from now (docs/axe-platform.md §16.4), in the unit sent
      // with it, else the binding's own. Otherwise the known expiry stands.
      const unit: TimeUnit = changes.timeUnit ?? previous?.time_unit ?? fresh.timeUnit ?? "hours";
      const expiresAt =
        changes.bindExpiredTime !== undefined
          ? computeExpiresAt(at, unit, changes.bindExpiredTime)
          : previous
            ? previous.expires_at
            : computeExpiresAt(at, fresh.timeUnit ?? "hours", fresh.bindExpiredTime);
      const mirrored = await changing(async (tx) => {
        const mirrored = await mirrorBinding(
          tx,
          bindingRowFromPlatform(fresh, { createdAt: at, updatedAt: at, expiresAt }, previous),
          at,
        );
        return { result: mirrored, changes: changesOf(mirrored, "updated", at) };
      });
      warnSuperseded(mirrored);
      return mirrored.stored;
    },

    async delete(selector) {
      const ref = toBindingRef(selector);
      const at = now();
      const mirrored =
        "subscriptionId" in ref
          ? await findBinding(db, ref.subscriptionId)
          : await findActiveBindingByExtension(db, ref.virtualNum, ref.extendNum, at);
      try {
        await call(() => platform().deleteBinding(ref));
      } catch (error) {
        if (error instanceof NotFoundError && mirrored && mirrored.deleted_at === null) {
          // Gone on the platform already (lapsed, or removed elsewhere): let the mirror agree.
          await closeMirror(mirrored.subscription_id, at);
        }
        throw error;
      }
      const subscriptionId =
        mirrored?.subscription_id ?? ("subscriptionId" in ref ? ref.subscriptionId : null);
      const closed = mirrored ? await closeMirror(mirrored.subscription_id, at) : undefined;
      return { subscriptionId, binding: closed ?? mirrored ?? null };
    },

    async sweepExpired() {
      const at = now();
      let total = 0;
      for (;;) {
        // Claimed and stored in one transaction: however many instances sweep, each lapse is announced once.
        const lapsed = await changing(async (tx) => {
          const claimed = await claimLapsedBindings(tx, at, 100);
          return {
            result: claimed,
            changes: claimed.map((binding) => ({ kind: "expired" as const, binding, at })),
          };
        });
        total += lapsed.length;
        if (lapsed.length < 100) return total;
      }
    },
  };
}
