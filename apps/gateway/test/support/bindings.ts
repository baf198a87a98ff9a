import type { NewBindingRow } from "../../src/bindings/binding.table.js";

/** A binding mirror row as the gateway stores it after `createBinding`, with `overrides`. */
export function bindingRow(overrides: Partial<NewBindingRow> = {}): NewBindingRow {
  const at = new Date("2026-06-01T10:00:00Z");
  return {
    subscription_id: "sub-1",
    virtual_num: "+8617000000001",
    extend_num: "0001",
    bind_num: "+8613800000021",
    area_code: null,
    display_num_mode: "0",
    record_flag: false,
    record_hint_tone: null,
    callback_tone: null,
    callback_num: null,
    time_unit: "hours",
    bind_expired_time: null,
    callback_expired_time: null,
    user_data: null,
    expires_at: null,
    created_at: at,
    updated_at: at,
    deleted_at: null,
    expiry_announced_at: null,
    ...overrides,
  };
}
