import type { NewBindingRow } from "../../src/bindings/binding.table.js";
import { bindingRowFromPlatform } from "../../src/bindings/binding-row.js";

/** A binding mirror row as the gateway stores it after `createBinding`, with `overrides`. */
export function bindingRow(overrides: Partial<NewBindingRow> = {}): NewBindingRow {
  const at = new Date("2026-06-01T10:00:00Z");
  const binding = {
    subscriptionId: "sub-1",
    virtualNum: "+8617000000001",
    extendNum: "0001",
    bindNum: "+8613800000021",
    displayNumMode: "0",
  } as const;
  const times = { createdAt: at, updatedAt: at, expiresAt: null };
  // Without platform_missing_at, which a database migrated only part of the way (a migration's test) lacks.
  const { platform_missing_at: _, ...row } = bindingRowFromPlatform(binding, times);
  return { ...row, ...overrides };
}
