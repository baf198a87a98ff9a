/** Options for {@link createGroupCommit}. */
export interface GroupCommitOptions<T, R> {
  /**
   * Do the work for a batch; resolve one result per item, in order. Rejecting fails every item of the
   * batch with that error (handle per-item failures inside, if some items may succeed).
   */
  run(batch: readonly T[]): Promise<readonly R[]>;
  /** Batches in progress at the same time. @default 1 */
  concurrency?: number;
  /** Most items per batch. */
  maxBatch: number;
  /** An item's share of `maxWeight` (e.g. the CDRs in a push). @default () => 1 */
  weight?: (item: T) => number;
  /** Most total weight per batch, unless one item alone weighs more. @default Infinity */
  maxWeight?: number;
  /** Most items waiting; beyond it `submit` rejects with {@link GroupCommitFullError}. */
  maxWaiting: number;
  /** An item's size in memory while it waits (e.g. a body's bytes). @default () => 0 */
  size?: (item: T) => number;
  /** Most total size waiting; an item that would exceed it is refused like one beyond `maxWaiting`. */
  maxWaitingSize?: number;
  /**
   * Longest an item waits for its result, from `submit`; then `submit` rejects with
   * {@link GroupCommitTimeoutError}. An item still queued is dropped (its work never runs); one in a batch
   * in progress is left to finish, its result unheard. @default Infinity
   */
  maxWaitMs?: number;
}

/** Accepts items and completes each once the batch that carried it is done. */
export interface GroupCommit<T, R> {
  /** Queue one item; resolves with its result, or rejects with its batch's error. */
  submit(item: T): Promise<R>;
  /** Items waiting for a batch (not counting those in progress). */
  readonly waiting: number;
}

/** The queue already holds `maxWaiting` items (or `maxWaitingSize` of them). */
export class GroupCommitFullError extends Error {
  constructor(waiting: number) {
    super(`${waiting} items are already waiting, the most this queue holds`);
    this.name = "GroupCommitFullError";
  }
}

/** An item got no result within `maxWaitMs`. */
export class GroupCommitTimeoutError extends Error {
  override name = "GroupCommitTimeoutError";
  /** Whether the item was still queued (dropped, its work never ran) rather than in a batch in progress. */
  readonly dropped: boolean;
  constructor(waitedMs: number, dropped: boolean) {
    super(
      dropped
        ? `no batch took the item within ${waitedMs} ms: it was dropped`
        : `the batch carrying the item did not finish within ${waitedMs} ms`,
    );
    this.dropped = dropped;
  }
}

interface Waiting<T, R> {
  item: T;
  weight: number;
  size: number;
  /** Settles once: by its batch, or by its timeout, whichever comes first. */
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: an item arriving while fewer than `concurrency` batches are in progress starts a batch at
 * once, on its own, so under light load nothing waits for company. Items arriving while every slot is busy
 * queue up, and the next free slot takes as many of them as the limits allow: under load, one round of work
 * (a statement, a transaction, a commit) serves many items instead of one.
 */
export function createGroupCommit<T, R>(options: GroupCommitOptions<T, R>): GroupCommit<T, R> {
  const { run, maxBatch, maxWaiting } = options;
  const concurrency = options.concurrency ?? 1;
  const weigh = options.weight ?? (() => 1);
  const maxWeight = options.maxWeight ?? Number.POSITIVE_INFINITY;
  const sizeOf = options.size ?? (() => 0);
  const maxWaitingSize = options.maxWaitingSize ?? Number.POSITIVE_INFINITY;
  const maxWaitMs = options.maxWaitMs ?? Number.POSITIVE_INFINITY;
  let waitingSize = 0;
  let queue: Waiting<T, R>[] = [];
  let head = 0;
  let running = 0;

  function takeBatch(): Waiting<T, R>[] {
    const batch: Waiting<T, R>[] = [];
    let weight = 0;
    while (head < queue.length && batch.length < maxBatch) {
      const next = queue[head]!;
      if (batch.length > 0 && weight + next.weight > maxWeight) break;
      batch.push(next);
      weight += next.weight;
      waitingSize -= next.size;
      head++;
    }
    if (head === queue.length) {
      queue = [];
      head = 0;
    }
    return batch;
  }

  async function settle(batch: readonly Waiting<T, R>[]): Promise<void> {
    try {
      const results = await run(batch.map((w) => w.item));
      if (results.length !== batch.length) {
        throw new Error(`a batch of ${batch.length} items produced ${results.length} results`);
      }
      for (const [i, w] of batch.entries()) w.resolve(results[i]!);
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }

  /** Take `waiting` out of the queue if it is still there; whether it was. */
  function drop(waiting: Waiting<T, R>): boolean {
    const at = queue.indexOf(waiting, head);
    if (at < 0) return false;
    queue.splice(at, 1);
    waitingSize -= waiting.size;
    return true;
  }

  function pump(): void {
    while (running < concurrency && head < queue.length) {
      const batch = takeBatch();
      running++;
      void settle(batch).finally(() => {
        running--;
        pump();
      });
    }
  }

  return {
    submit(item) {
      const waiting = queue.length - head;
      const size = sizeOf(item);
      if (waiting >= maxWaiting || (waiting > 0 && waitingSize + size > maxWaitingSize)) {
        return Promise.reject(new GroupCommitFullError(waiting));
      }
      waitingSize += size;
      return new Promise<R>((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        let settled = false;
        const once =
          <A>(settle: (value: A) => void) =>
          (value: A) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            settle(value);
          };
        const waiting: Waiting<T, R> = {
          item,
          weight: weigh(item),
          size,
          resolve: once(resolve),
          reject: once(reject),
        };
        if (Number.isFinite(maxWaitMs)) {
          timer = setTimeout(
            () => waiting.reject(new GroupCommitTimeoutError(maxWaitMs, drop(waiting))),
            maxWaitMs,
          );
          // Whoever awaits the item keeps the process alive, not its deadline.
          timer.unref();
        }
        queue.push(waiting);
        pump();
      });
    },
    get waiting() {
      return queue.length - head;
    },
  };
}
