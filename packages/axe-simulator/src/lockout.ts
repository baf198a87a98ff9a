import type { PersistedLockout } from "./snapshot.js";
import { isoTime } from "./time-format.js";

interface AddressState {
  failures: number;
  lockedUntil?: number;
}

/** Most addresses tracked; the oldest is forgotten beyond it (bounded memory under an address flood). */
const MAX_ADDRESSES = 10_000;

/**
 * Locks an address out after `threshold` consecutive authentication failures, for `durationMs` of virtual time
 * (docs/axe-platform.md §2.1: 1020176, retry after 30 minutes). A successful authentication resets the count.
 */
export class Lockout {
  private readonly addresses = new Map<string, AddressState>();

  constructor(
    private readonly now: () => number,
    private readonly threshold: number,
    private readonly durationMs: number,
  ) {}

  isLocked(address: string): boolean {
    const state = this.addresses.get(address);
    if (state?.lockedUntil === undefined) return false;
    if (this.now() < state.lockedUntil) return true;
    this.addresses.delete(address);
    return false;
  }

  recordFailure(address: string): void {
    if (this.threshold <= 0) return;
    const state = this.addresses.get(address) ?? { failures: 0 };
    state.failures++;
    if (state.failures >= this.threshold) {
      state.lockedUntil = this.now() + this.durationMs;
      state.failures = 0;
    }
    this.addresses.delete(address);
    this.addresses.set(address, state);
    if (this.addresses.size > MAX_ADDRESSES) {
      const oldest = this.addresses.keys().next();
      if (!oldest.done) this.addresses.delete(oldest.value);
    }
  }

  recordSuccess(address: string): void {
    const state = this.addresses.get(address);
    if (state && state.lockedUntil === undefined) this.addresses.delete(address);
  }

  /** Failure counts and lock-outs per address, for the state file. */
  persisted(): PersistedLockout[] {
    return [...this.addresses].map(([address, state]) => ({ address, ...state }));
  }

  /** Takes over the failure counts and lock-outs of a previous run. */
  restore(entries: readonly PersistedLockout[]): void {
    for (const { address, ...state } of entries) this.addresses.set(address, { ...state });
  }

  snapshot(): Array<{ address: string; until: string }> {
    const out: Array<{ address: string; until: string }> = [];
    for (const [address, state] of this.addresses) {
      if (state.lockedUntil !== undefined && this.isLocked(address)) {
        out.push({ address, until: isoTime(state.lockedUntil) });
      }
    }
    return out;
  }
}
