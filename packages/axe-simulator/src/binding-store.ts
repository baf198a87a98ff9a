import type { PersistedBinding } from "./snapshot.js";

/** A binding as kept in memory. */
export interface StoredBinding {
  subscriptionId: string;
  appKey: string;
  virtualNum: string;
  extendNum: string;
  bindNum: string;
  displayNumMode: "0" | "1";
  recordFlag: boolean;
  recordHintTone?: string;
  callbackTone?: string;
  callbackNum?: string;
  /** create's `timeUnit`, reported by queries even after a modify (docs/axe-platform.md §6, §7.1). */
  reportedTimeUnit: "0" | "1";
  /** create's `bindExpiredTime`, reported by queries even after a modify. */
  reportedBindExpiredTime: number;
  callbackExpiredTime: number;
  /** Unit (ms) that new expiry values are counted in: create's `timeUnit`, or modify's when it sent one. */
  unitMs: number;
  /** Current binding lifetime (ms); null = never expires. */
  bindTtlMs: number | null;
  /** Virtual epoch ms when the binding is removed; null = never. */
  expiresAt: number | null;
  /** Lifetime of callback records; null = never expire. */
  callbackTtlMs: number | null;
  userData?: string;
  createdAt: number;
  /** Global creation order; with `createdAt` it forms the v2.0 cursor. */
  seq: number;
  /** The latest party who reached A through X (docs/axe-platform.md §3). */
  callbackRecord?: { caller: string; at: number };
  /** Bumped on every expiry change so that stale heap entries are ignored. */
  expiryVersion: number;
}

interface NumberSlots {
  byExtension: Map<string, StoredBinding>;
  byBindNum: Map<string, StoredBinding>;
  /** Lower bound of the lowest free extension value. */
  lowestFreeHint: number;
}

interface ExpiryEntry {
  at: number;
  binding: StoredBinding;
  version: number;
}

/** Why an allocation failed. */
export type AllocationFailure = "bind-num-already-bound" | "extension-taken" | "no-free-extension";

/**
 * Bindings per X with atomic extension allocation. Every method is synchronous: JavaScript runs one of them at a
 * time, so a check-then-insert can never interleave with another request's (exactly one of several concurrent
 * binds for the same extension wins). Expired bindings are removed lazily at the start of every operation, in
 * expiry order, from a min-heap.
 */
export class BindingStore {
  private readonly numbers = new Map<string, NumberSlots>();
  private readonly bySubscription = new Map<string, StoredBinding>();
  private readonly expiryHeap: ExpiryEntry[] = [];
  private seq = 0;

  constructor(private readonly now: () => number) {}

  /** Removes every binding whose expiry time has passed. */
  sweep(): void {
    const now = this.now();
    for (;;) {
      const top = this.expiryHeap[0];
      if (!top || top.at > now) return;
      this.popHeap();
      const b = top.binding;
      if (b.expiryVersion === top.version && this.bySubscription.get(b.subscriptionId) === b) this.remove(b);
    }
  }

  /** Next creation sequence number. */
  nextSeq(): number {
    return ++this.seq;
  }

  /** Every binding and the creation counter, for the state file. */
  snapshot(): { bindings: PersistedBinding[]; seq: number } {
    const bindings = this.all().map(({ expiryVersion: _version, ...b }) => b);
    return { bindings, seq: this.seq };
  }

  /** Adds the bindings of a previous run and continues its creation counter. */
  restore(bindings: readonly PersistedBinding[], seq: number): void {
    for (const b of bindings) this.insert({ ...structuredClone(b), expiryVersion: 0 });
    this.seq = Math.max(this.seq, seq);
  }

  get(subscriptionId: string): StoredBinding | undefined {
    this.sweep();
    return this.bySubscription.get(subscriptionId);
  }

  byExtension(virtualNum: string, extendNum: string): StoredBinding | undefined {
    this.sweep();
    return this.numbers.get(virtualNum)?.byExtension.get(extendNum);
  }

  byBindNum(virtualNum: string, bindNum: string): StoredBinding | undefined {
    this.sweep();
    return this.numbers.get(virtualNum)?.byBindNum.get(bindNum);
  }

  /** Bindings of one X in (createdAt, seq) order. */
  listForNumber(virtualNum: string): StoredBinding[] {
    this.sweep();
    const slots = this.numbers.get(virtualNum);
    if (!slots) return [];
    return [...slots.byExtension.values()].sort((a, b) => a.createdAt - b.createdAt || a.seq - b.seq);
  }

  /** Every live binding. */
  all(): StoredBinding[] {
    this.sweep();
    return [...this.bySubscription.values()];
  }

  /**
   * Picks the extension for a new binding of `bindNum` on X: the requested one if free, else the lowest free
   * value zero-padded to `digits` (docs/axe-platform.md §16.4). Does not reserve it; call {@link insert} in
   * the same tick.
   */
  allocate(
    virtualNum: string,
    digits: number,
    bindNum: string,
    requested?: string,
  ): { ok: true; extendNum: string } | { ok: false; reason: AllocationFailure } {
    this.sweep();
    const slots = this.slots(virtualNum);
    if (slots.byBindNum.has(bindNum)) return { ok: false, reason: "bind-num-already-bound" };
    if (requested !== undefined) {
      return slots.byExtension.has(requested)
        ? { ok: false, reason: "extension-taken" }
        : { ok: true, extendNum: requested };
    }
    const max = 10 ** digits - 1;
    for (let n = Math.max(1, slots.lowestFreeHint); n <= max; n++) {
      const candidate = String(n).padStart(digits, "0");
      if (!slots.byExtension.has(candidate)) {
        slots.lowestFreeHint = n;
        return { ok: true, extendNum: candidate };
      }
    }
    slots.lowestFreeHint = max + 1;
    return { ok: false, reason: "no-free-extension" };
  }

  /** Whether X can take one more binding for `bindNum` (used by `areaCode` selection). */
  canTake(virtualNum: string, digits: number, bindNum: string): boolean {
    return this.allocate(virtualNum, digits, bindNum).ok;
  }

  insert(binding: StoredBinding): void {
    const slots = this.slots(binding.virtualNum);
    slots.byExtension.set(binding.extendNum, binding);
    slots.byBindNum.set(binding.bindNum, binding);
    this.bySubscription.set(binding.subscriptionId, binding);
    if (binding.expiresAt !== null) this.pushHeap(binding);
  }

  remove(binding: StoredBinding): void {
    const slots = this.numbers.get(binding.virtualNum);
    if (slots?.byExtension.get(binding.extendNum) === binding) {
      slots.byExtension.delete(binding.extendNum);
      slots.byBindNum.delete(binding.bindNum);
      const n = Number(binding.extendNum);
      if (n < slots.lowestFreeHint) slots.lowestFreeHint = n;
    }
    this.bySubscription.delete(binding.subscriptionId);
    binding.expiryVersion++;
  }

  /** Changes a binding's expiry time (null = never). */
  setExpiry(binding: StoredBinding, expiresAt: number | null): void {
    binding.expiresAt = expiresAt;
    binding.expiryVersion++;
    if (expiresAt !== null) this.pushHeap(binding);
  }

  private slots(virtualNum: string): NumberSlots {
    let slots = this.numbers.get(virtualNum);
    if (!slots) {
      slots = { byExtension: new Map(), byBindNum: new Map(), lowestFreeHint: 1 };
      this.numbers.set(virtualNum, slots);
    }
    return slots;
  }

  private pushHeap(binding: StoredBinding): void {
    const heap = this.expiryHeap;
    heap.push({ at: binding.expiresAt!, binding, version: binding.expiryVersion });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.at <= heap[i]!.at) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  private popHeap(): void {
    const heap = this.expiryHeap;
    const last = heap.pop();
    if (heap.length === 0 || !last) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < heap.length && heap[l]!.at < heap[smallest]!.at) smallest = l;
      if (r < heap.length && heap[r]!.at < heap[smallest]!.at) smallest = r;
      if (smallest === i) return;
      [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
      i = smallest;
    }
  }
}
