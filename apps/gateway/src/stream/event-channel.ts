import { SubscriberTooSlowError } from "../shared/errors.js";

/** Options for {@link EventChannel}. */
export interface EventChannelOptions {
  /** Most undelivered items held for a slow consumer before the channel fails. @default 10000 */
  maxBuffered?: number;
  /** Runs once when the channel ends for any reason (consumer `return()`, `close()`, `fail()`). */
  onClose?: () => void;
}

/**
 * A push-driven async iterator with a bounded buffer. Unlike an async generator, `return()` takes effect
 * at once even while the consumer waits, so a client that disconnects releases its listener immediately.
 */
export class EventChannel<T> implements AsyncIterableIterator<T> {
  readonly #buffer: T[] = [];
  readonly #waiting: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void }[] = [];
  readonly #drainWaiters: { below: number; resolve: () => void }[] = [];
  readonly #maxBuffered: number;
  #onClose: (() => void) | undefined;
  #done = false;
  #error: unknown;

  constructor(options: EventChannelOptions = {}) {
    this.#maxBuffered = options.maxBuffered ?? 10_000;
    this.#onClose = options.onClose;
  }

  /** Whether the channel has ended. */
  get closed(): boolean {
    return this.#done;
  }

  /** Items pushed but not yet taken. */
  get buffered(): number {
    return this.#buffer.length;
  }

  /** Deliver one item; returns false when the channel has ended. Fails the channel when the buffer is full. */
  push(value: T): boolean {
    if (this.#done) return false;
    const waiter = this.#waiting.shift();
    if (waiter) {
      waiter.resolve({ value, done: false });
      return true;
    }
    if (this.#buffer.length >= this.#maxBuffered) {
      this.fail(new SubscriberTooSlowError(this.#maxBuffered));
      return false;
    }
    this.#buffer.push(value);
    return true;
  }

  /** End the channel with an error, delivered after the items already buffered. */
  fail(error: unknown): void {
    if (this.#done) return;
    this.#error = error;
    this.#finish();
  }

  /** End the channel normally, after the items already buffered. */
  close(): void {
    this.#finish();
  }

  /** Resolves once fewer than `below` items are buffered (or the channel ended): backpressure for producers. */
  async whenBelow(below: number): Promise<void> {
    if (this.#done || this.#buffer.length < below) return;
    await new Promise<void>((resolve) => this.#drainWaiters.push({ below, resolve }));
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#buffer.length > 0) {
      const value = this.#buffer.shift() as T;
      this.#releaseDrainWaiters();
      return Promise.resolve({ value, done: false });
    }
    if (this.#done) {
      if (this.#error !== undefined) {
        const error = this.#error;
        this.#error = undefined;
        return Promise.reject(error);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.#buffer.length = 0;
    this.#error = undefined;
    this.#finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.#buffer.length = 0;
    this.#finish();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #releaseDrainWaiters(): void {
    for (let i = this.#drainWaiters.length - 1; i >= 0; i--) {
      const waiter = this.#drainWaiters[i]!;
      if (this.#buffer.length < waiter.below) {
        this.#drainWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    for (const waiter of this.#waiting.splice(0)) {
      if (this.#error !== undefined) {
        waiter.reject(this.#error);
        this.#error = undefined;
      } else {
        waiter.resolve({ value: undefined, done: true });
      }
    }
    for (const waiter of this.#drainWaiters.splice(0)) waiter.resolve();
    const onClose = this.#onClose;
    this.#onClose = undefined;
    onClose?.();
  }
}
