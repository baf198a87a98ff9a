/**
 * What a start has opened so far, closed in reverse order: a start that fails half-way closes what it opened,
 * and a stop closes everything once, however often it is called.
 */
export interface ShutdownStack {
  /** Close `close` on shutdown, before everything deferred earlier. */
  defer(close: () => unknown): void;
  /** Close everything deferred, newest first; errors are collected and thrown together at the end. */
  close(): Promise<void>;
}

/** An empty {@link ShutdownStack}. */
export function createShutdownStack(): ShutdownStack {
  const steps: (() => unknown)[] = [];
  let closing: Promise<void> | undefined;
  return {
    defer(close) {
      steps.push(close);
    },
    close() {
      closing ??= (async () => {
        const errors: unknown[] = [];
        for (const step of steps.splice(0).reverse()) {
          try {
            await step();
          } catch (error) {
            errors.push(error);
          }
        }
        if (errors.length === 1) throw errors[0];
        if (errors.length > 1) throw new AggregateError(errors, "stopping the gateway failed");
      })();
      return closing;
    },
  };
}
