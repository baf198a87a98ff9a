/**
 * What a start has opened so far, closed in reverse order: a start that fails half-way closes what it opened,
 * and a stop closes everything once, however often it is called.
 */
export interface ShutdownStack {
  /** Close `close` on shutdown, before everything deferred earlier. `name` says what it closes, in errors. */
  defer(close: () => unknown, name?: string): void;
  /**
   * Close everything deferred, newest first, each step waited for at most the stack's `stepTimeoutMs` (then
   * the next one starts regardless); errors and overruns are collected and thrown together at the end.
   */
  close(): Promise<void>;
}

/** Options for {@link createShutdownStack}. */
export interface ShutdownStackOptions {
  /** Longest one step is waited for, in ms. @default DEFAULT_SHUTDOWN_STEP_TIMEOUT_MS */
  stepTimeoutMs?: number;
}

/** How long one shutdown step may take unless told otherwise. */
export const DEFAULT_SHUTDOWN_STEP_TIMEOUT_MS = 5000;

/** A shutdown step did not finish within its bound; the stop went on without it. */
export class ShutdownStepTimeoutError extends Error {
  override name = "ShutdownStepTimeoutError";
  constructor(step: string, timeoutMs: number) {
    super(`stopping ${step} did not finish within ${timeoutMs} ms; the stop went on without it`);
  }
}

/** Run `step`, waiting at most `timeoutMs` for it. */
async function bounded(step: () => unknown, name: string, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const overran = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ShutdownStepTimeoutError(name, timeoutMs)), timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(step), overran]);
  } finally {
    clearTimeout(timer);
  }
}

/** An empty {@link ShutdownStack}. */
export function createShutdownStack(options: ShutdownStackOptions = {}): ShutdownStack {
  const stepTimeoutMs = options.stepTimeoutMs ?? DEFAULT_SHUTDOWN_STEP_TIMEOUT_MS;
  const steps: { close: () => unknown; name: string }[] = [];
  let closing: Promise<void> | undefined;
  return {
    defer(close, name = "a part of the gateway") {
      steps.push({ close, name });
    },
    close() {
      closing ??= (async () => {
        const errors: unknown[] = [];
        for (const step of steps.splice(0).reverse()) {
          try {
            await bounded(step.close, step.name, stepTimeoutMs);
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
