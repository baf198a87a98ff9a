import type { VirtualClock } from "./clock.js";
import type { PersistedTask } from "./snapshot.js";

interface Task {
  due: number;
  seq: number;
  run: () => Promise<void> | void;
  /** The task as data, for the state file; read when a snapshot is taken, so it sees the latest values. */
  describe: () => PersistedTask;
  cancelled: boolean;
}

/** Handle of a scheduled task. */
export interface TaskHandle {
  cancel(): void;
}

// setTimeout overflows above 2^31-1 ms; longer waits re-arm when they wake.
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Runs tasks at virtual times, one at a time and in (due, insertion) order. All running goes through one
 * exclusive section, so a real-time timer, `advance()` and `flush()` never interleave tasks; a task may schedule
 * more tasks, which run in the same pass when they are due.
 */
export class Scheduler {
  private readonly tasks: Task[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private lock: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly onError: (error: unknown) => void;
  private readonly onPass: () => void;

  /**
   * `onError` receives what a task throws; `onPass` is called after every pass that may have run tasks or moved
   * the clock (the state file is saved then).
   */
  constructor(
    private readonly clock: VirtualClock,
    onError: (error: unknown) => void,
    onPass: () => void = () => {},
  ) {
    this.onError = onError;
    this.onPass = onPass;
  }

  /**
   * Schedules `run` at virtual time `due` (tasks already due run at the next pass). `describe` gives the task as
   * data, so that a restarted simulator can schedule the same work again.
   */
  schedule(due: number, run: () => Promise<void> | void, describe: () => PersistedTask): TaskHandle {
    const task: Task = { due, seq: this.seq++, run, describe, cancelled: false };
    // Binary search keeps the queue sorted by (due, seq).
    let lo = 0;
    let hi = this.tasks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const t = this.tasks[mid]!;
      if (t.due <= due) lo = mid + 1;
      else hi = mid;
    }
    this.tasks.splice(lo, 0, task);
    this.arm();
    return {
      cancel: () => {
        task.cancelled = true;
      },
    };
  }

  /** Runs every task due at the current virtual time. */
  flush(): Promise<void> {
    return this.exclusive(() => this.runDue(this.clock.nowMs(), false));
  }

  /** Moves virtual time to `target`, running due tasks on the way with the clock set to each task's time. */
  advanceTo(target: number): Promise<void> {
    return this.exclusive(async () => {
      if (target < this.clock.nowMs()) {
        this.clock.jumpTo(target);
        return;
      }
      await this.runDue(target, true);
      if (this.clock.nowMs() < target) this.clock.jumpTo(target);
    });
  }

  /**
   * Runs nothing more and waits for a running task to finish. The tasks not run stay listed by {@link pending}
   * (a task finishing during the stop may add more), so that the state file keeps them.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.lock;
  }

  /** The tasks not yet run, as data, in run order. */
  pending(): Array<{ due: number; task: PersistedTask }> {
    return this.tasks.filter((t) => !t.cancelled).map((t) => ({ due: t.due, task: t.describe() }));
  }

  private async runDue(upTo: number, jump: boolean): Promise<void> {
    for (;;) {
      const task = this.tasks[0];
      if (!task || task.due > upTo || this.stopped) return;
      this.tasks.shift();
      if (task.cancelled) continue;
      if (jump && task.due > this.clock.nowMs()) this.clock.jumpTo(task.due);
      try {
        await task.run();
      } catch (error) {
        this.onError(error);
      }
    }
  }

  private exclusive(fn: () => Promise<void>): Promise<void> {
    const run = this.lock.then(fn);
    this.lock = run.catch(() => {});
    return run.finally(() => {
      this.arm();
      this.onPass();
    });
  }

  // Wakes up (in real time) when the earliest task falls due; with a frozen clock nothing is armed.
  private arm(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.tasks[0]?.cancelled) this.tasks.shift();
    const first = this.tasks[0];
    if (!first) return;
    const delay = this.clock.realDelayUntil(first.due);
    if (!Number.isFinite(delay)) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        void this.flush();
      },
      Math.min(Math.ceil(delay), MAX_TIMER_MS),
    );
    this.timer.unref();
  }
}
