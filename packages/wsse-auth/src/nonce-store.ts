import { WsseInputError } from "./errors.js";

/**
 * Remembers nonces for replay protection. The verifier calls `add` only after a digest has verified.
 * Implementations must make `add` an atomic "insert if absent": of any number of concurrent calls with one
 * key, exactly one may resolve `true` (a Redis `SET key 1 NX EX ttl`, or a Postgres
 * `INSERT … ON CONFLICT DO NOTHING` counting the inserted rows).
 */
export interface NonceStore {
  /** Record `key` for `ttlSeconds`; resolves `true` when it was absent (or expired), `false` when present. */
  add(key: string, ttlSeconds: number): Promise<boolean>;
}

/** Options of {@link createMemoryNonceStore}. */
export interface MemoryNonceStoreOptions {
  /**
   * Most nonces kept. When full, the oldest entry is evicted (its replay would then pass again), so size it
   * above the peak number of requests per verification window (window = maxAge + maxFuture seconds).
   * @default 100000
   */
  maxEntries?: number;
  /**
   * The store's clock, for tests with virtual time.
   * @default () => new Date()
   */
  now?: () => Date;
}

/** The in-process {@link NonceStore}. */
export interface MemoryNonceStore extends NonceStore {
  /** Entries currently held, expired ones not yet purged included. */
  readonly size: number;
  /** Forget every nonce. */
  clear(): void;
}

/**
 * A bounded in-memory {@link NonceStore} with TTL expiry, for a single process. Expired entries are purged
 * lazily on `add`, from the oldest end. Decides synchronously inside `add`, so concurrent verifications in one process cannot
 * both win. Several processes or hosts need a shared store (Redis, Postgres) instead.
 */
export function createMemoryNonceStore(options: MemoryNonceStoreOptions = {}): MemoryNonceStore {
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new WsseInputError("option-invalid", "maxEntries must be a positive integer.");
  }
  const clock = options.now;
  const readClock = () => (clock ? clock().getTime() : Date.now());
  // Times are kept in ms since the store was made: small integers, which V8 stores in the Map unboxed, where
  // epoch milliseconds would cost a heap number per entry for the garbage collector to copy and keep.
  const origin = readClock();
  // Key → expiry (ms since origin). A Map iterates in insertion order, so its head holds the oldest entries and,
  // with the verifier's fixed TTL, the ones that expire first.
  const entries = new Map<string, number>();
  // Expired entries are swept at most once per second of the store's clock: the sweep walks from the head, and
  // lookups check expiry themselves, so a lazier sweep costs memory for a moment, never correctness.
  let nextSweepAt = Number.NEGATIVE_INFINITY;

  function sweep(now: number): void {
    for (const [oldKey, expiresAt] of entries) {
      if (expiresAt > now) break;
      entries.delete(oldKey);
    }
    nextSweepAt = now + 1000;
  }

  function add(key: string, ttlSeconds: number): boolean {
    if (typeof key !== "string") {
      throw new WsseInputError("option-invalid", "A nonce key must be a string.");
    }
    if (!(ttlSeconds > 0) || !Number.isFinite(ttlSeconds)) {
      throw new WsseInputError("option-invalid", "ttlSeconds must be a positive number.");
    }
    const now = readClock() - origin;
    if (now >= nextSweepAt || now < nextSweepAt - 1000) sweep(now);
    const expiresAt = entries.get(key);
    if (expiresAt !== undefined) {
      if (expiresAt > now) return false;
      // Expired but not swept yet: re-insert at the tail, where its new expiry belongs.
      entries.delete(key);
    }
    if (entries.size >= maxEntries) {
      sweep(now);
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
    }
    entries.set(key, now + ttlSeconds * 1000);
    return true;
  }

  return {
    add(key, ttlSeconds) {
      try {
        return Promise.resolve(add(key, ttlSeconds));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    get size() {
      return entries.size;
    },
    clear() {
      entries.clear();
    },
  };
}
