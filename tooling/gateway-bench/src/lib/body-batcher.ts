// Group commit for P2's bare baseline (serve-bare-notify.ts): while one batch is being stored, arriving items
// queue; the next batch takes every queued item (up to `maxBatch`) in one call of `store`. Each item settles
// with its batch. The gateway's `/notify` stores call events the same way (one batch in flight at a time).

/** Queue one item; resolves once the batch that carried it is stored, rejects with that batch's error. */
export interface BodyBatcher<T> {
  submit(item: T): Promise<void>;
  /** Items queued, not counting the batch in flight. */
  readonly waiting: number;
}

/** The queue already holds `maxWaiting` items. */
export class BatcherFullError extends Error {
  override name = "BatcherFullError";
  constructor(maxWaiting: number) {
    super(`${maxWaiting} items are already waiting, the most this queue holds`);
  }
}

/** Options of {@link createBodyBatcher}. */
export interface BodyBatcherOptions<T> {
  /** Store one batch (one statement, one commit). */
  store(batch: readonly T[]): Promise<void>;
  /** Most items in one batch. */
  maxBatch: number;
  /** Most items queued; beyond it `submit` rejects with {@link BatcherFullError}. */
  maxWaiting: number;
}

interface Queued<T> {
  item: T;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** See the file comment. */
export function createBodyBatcher<T>(options: BodyBatcherOptions<T>): BodyBatcher<T> {
  if (options.maxBatch < 1 || options.maxWaiting < 1) throw new Error("maxBatch and maxWaiting must be ≥ 1");
  const queue: Queued<T>[] = [];
  let storing = false;

  const drain = async () => {
    storing = true;
    while (queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch);
      try {
        await options.store(batch.map((q) => q.item));
        for (const q of batch) q.resolve();
      } catch (error) {
        for (const q of batch) q.reject(error);
      }
    }
    storing = false;
  };

  return {
    submit(item) {
      if (queue.length >= options.maxWaiting) return Promise.reject(new BatcherFullError(options.maxWaiting));
      const settled = new Promise<void>((resolve, reject) => queue.push({ item, resolve, reject }));
      if (!storing) void drain();
      return settled;
    },
    get waiting() {
      return queue.length;
    },
  };
}
