import type { Binding } from "@privnum/axe-api";
import type { BindingRow, NewBindingRow } from "./binding.table.js";

/** When a mirror row is written, and when its binding lapses (null: never). */
export interface MirrorTimes {
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date | null;
}

/**
 * The mirror row of a platform binding, as the gateway stores it after a bind, a modify or a query: what the
 * platform answered, with the area code, the time unit and the creation time of `previous` kept where the
 * answer does not carry them. Programs that seed the table (tests, benchmarks) build their rows here too.
 */
export function bindingRowFromPlatform(
  binding: Binding,
  times: MirrorTimes,
  previous?: BindingRow,
): NewBindingRow {
  return {
    subscription_id: binding.subscriptionId,
    virtual_num: binding.virtualNum,
    extend_num: binding.extendNum,
    bind_num: binding.bindNum,
    area_code: previous?.area_code ?? null,
    display_num_mode: binding.displayNumMode ?? null,
    record_flag: binding.recordFlag ?? false,
    record_hint_tone: binding.recordHintTone ?? null,
    callback_tone: binding.callbackTone ?? null,
    callback_num: binding.callbackNum ?? null,
    time_unit: binding.timeUnit ?? previous?.time_unit ?? "hours",
    bind_expired_time: binding.bindExpiredTime ?? null,
    callback_expired_time: binding.callbackExpiredTime ?? null,
    user_data: binding.userData ?? null,
    expires_at: times.expiresAt,
    created_at: previous?.created_at ?? times.createdAt,
    updated_at: times.updatedAt,
    deleted_at: null,
    expiry_announced_at: null,
    platform_missing_at: null,
  };
}
