import { signUsernameToken } from "@privnum/wsse-auth";
import type { VirtualClock } from "./clock.js";
import type { RandomStream } from "./random.js";
import type { Scheduler, TaskHandle } from "./scheduler.js";
import type { PersistedPush } from "./snapshot.js";
import { isoTime } from "./time-format.js";
import type {
  Delivery,
  DeliveryOutcome,
  PushFaultConfig,
  PushKind,
  ResolvedAppConfig,
  SimulatorLogEvent,
} from "./types.js";

/** Retries after the first attempt, in minutes from it (docs/axe-platform.md §8.0, §16.3). */
export const RETRY_SCHEDULE_MINUTES: readonly number[] = Object.freeze([1, 4, 9, 106, 203, 300]);
/** Longest a reordered push is held when no other push of its app follows (virtual ms). */
export const REORDER_HOLD_MS = 60_000;
const MINUTE_MS = 60_000;
/** Longest receiver answer body read (the answer is only drained, never used). */
const MAX_ERROR_TEXT = 200;

/** A push to send. */
export interface PushRequest {
  kind: PushKind;
  app: ResolvedAppConfig;
  body: Record<string, unknown>;
  /** Whether failed attempts are retried (every push but `callin`). */
  retry: boolean;
}

interface Push extends PushRequest {
  id: number;
  eventType: string;
  firstAttemptAt?: number;
  reordered: boolean;
  releaseTimer?: TaskHandle;
}

interface Deps {
  scheduler: Scheduler;
  clock: VirtualClock;
  /** Current push faults (read at each decision, so run-time changes apply at once). */
  faults: () => PushFaultConfig;
  random: RandomStream;
  timeoutMs: number;
  /** Most attempts kept in the log (the oldest are dropped beyond it). */
  maxDeliveries: number;
  /** Clock for the `Created` of push signatures. */
  signingNow: () => Date;
  /** Called once per push when its first attempt is made (fee pushes start recording retention then). */
  onFirstAttempt?: (push: { kind: PushKind; body: Record<string, unknown> }) => void;
  logger?: ((event: SimulatorLogEvent) => void) | undefined;
}

/** The URL a push kind goes to (docs/axe-platform.md §8.0): per-kind URL, else the app's notify URL. */
export function pushUrlOf(app: ResolvedAppConfig, kind: PushKind): string | undefined {
  if (kind === "callEvent") return app.callEventUrl ?? app.notifyUrl;
  if (kind === "fee") return app.feeUrl ?? app.notifyUrl;
  return app.numStatusUrl ?? app.callEventUrl ?? app.notifyUrl;
}

/**
 * Sends signed pushes with the platform's retry schedule and the configured faults, and logs every attempt.
 * Every random draw happens at a fixed point (one for the delay when a push is queued, one for reorder at its
 * first attempt, two for drop/duplicate at each attempt), so a seed reproduces the same outcomes.
 */
export class PushDispatcher {
  private readonly log: Delivery[] = [];
  private readonly held = new Map<string, Push[]>();
  private pushSeq = 0;
  private attemptSeq = 0;

  constructor(private readonly deps: Deps) {}

  /** Queues a push; its first attempt happens at the current virtual time plus any delay fault. */
  send(request: PushRequest): void {
    const eventType = String(request.body.eventType ?? request.kind);
    const push: Push = { ...request, id: ++this.pushSeq, eventType, reordered: false };
    const delayMax = this.deps.faults().delayMs ?? 0;
    const draw = this.deps.random.next();
    const delay = delayMax > 0 ? Math.floor(draw * (delayMax + 1)) : 0;
    this.scheduleFirst(push, this.deps.clock.nowMs() + delay);
  }

  /** Every attempt so far, oldest first. */
  deliveries(): Delivery[] {
    return this.log.map((d) => ({ ...d }));
  }

  /** The ID counters, for the state file (IDs continue after a restart). */
  counters(): { pushSeq: number; attemptSeq: number } {
    return { pushSeq: this.pushSeq, attemptSeq: this.attemptSeq };
  }

  /** Continues the ID counters of a previous run. */
  restoreCounters(counters: { pushSeq: number; attemptSeq: number }): void {
    this.pushSeq = counters.pushSeq;
    this.attemptSeq = counters.attemptSeq;
  }

  /**
   * Schedules again, at `due`, the step a push of a previous run was waiting for: its first attempt, its release
   * from the reorder fault, or attempt number `attempt`.
   */
  restore(
    step: "push-first" | "push-release" | "push-attempt",
    saved: PersistedPush,
    app: ResolvedAppConfig,
    due: number,
    attempt = 1,
  ): void {
    const push: Push = {
      id: saved.id,
      kind: saved.kind,
      app,
      body: saved.body,
      retry: saved.retry,
      eventType: String(saved.body.eventType ?? saved.kind),
      reordered: saved.reordered,
      ...(saved.firstAttemptAt !== undefined ? { firstAttemptAt: saved.firstAttemptAt } : {}),
    };
    if (step === "push-first") this.scheduleFirst(push, due);
    else if (step === "push-release") this.hold(push, due);
    else this.scheduleAttempt(push, attempt, due);
  }

  private scheduleFirst(push: Push, due: number): void {
    this.deps.scheduler.schedule(
      due,
      () => this.first(push),
      () => ({ type: "push-first", push: persisted(push) }),
    );
  }

  // Holds a push back (reorder fault) until the next push of its app, or `releaseAt` at the latest.
  private hold(push: Push, releaseAt: number): void {
    const list = this.held.get(push.app.appKey) ?? [];
    list.push(push);
    this.held.set(push.app.appKey, list);
    push.releaseTimer = this.deps.scheduler.schedule(
      releaseAt,
      () => this.release(push),
      () => ({ type: "push-release", push: persisted(push) }),
    );
  }

  private scheduleAttempt(push: Push, attempt: number, due: number): void {
    this.deps.scheduler.schedule(
      due,
      () => {
        const current = pushUrlOf(push.app, push.kind);
        return current ? this.attempt(push, attempt, current) : undefined;
      },
      () => ({ type: "push-attempt", push: persisted(push), attempt }),
    );
  }

  private async first(push: Push): Promise<void> {
    const url = pushUrlOf(push.app, push.kind);
    if (!url) {
      this.deps.onFirstAttempt?.(push);
      this.record(push, 1, this.deps.clock.nowMs(), { outcome: "skipped", final: true });
      return;
    }
    const reorder = this.deps.faults().reorder ?? 0;
    if (this.deps.random.next() < reorder) {
      push.reordered = true;
      this.hold(push, this.deps.clock.nowMs() + REORDER_HOLD_MS);
      return;
    }
    await this.attempt(push, 1, url);
  }

  private async release(push: Push): Promise<void> {
    const list = this.held.get(push.app.appKey);
    if (!list?.includes(push)) return;
    list.splice(list.indexOf(push), 1);
    push.releaseTimer?.cancel();
    const url = pushUrlOf(push.app, push.kind);
    if (url) await this.attempt(push, 1, url);
  }

  private async attempt(push: Push, attempt: number, url: string): Promise<void> {
    const now = this.deps.clock.nowMs();
    if (attempt === 1) {
      push.firstAttemptAt = now;
      this.deps.onFirstAttempt?.(push);
    }
    const faults = this.deps.faults();
    const dropped = this.deps.random.next() < (faults.drop ?? 0);
    const duplicated = this.deps.random.next() < (faults.duplicate ?? 0);
    const canRetry = push.retry && attempt <= RETRY_SCHEDULE_MINUTES.length;

    let delivered = false;
    if (dropped) {
      this.record(push, attempt, now, {
        outcome: "dropped",
        url,
        error: "dropped by fault injection",
        final: !canRetry,
      });
    } else {
      const first = await this.post(push, url);
      delivered = first.outcome === "delivered";
      let copyDelivered = false;
      let copy: Awaited<ReturnType<PushDispatcher["post"]>> | undefined;
      if (duplicated) {
        copy = await this.post(push, url);
        copyDelivered = copy.outcome === "delivered";
      }
      const done = delivered || copyDelivered;
      this.record(push, attempt, now, { ...first, url, final: done || !canRetry });
      if (copy) this.record(push, attempt, now, { ...copy, url, final: done || !canRetry, duplicate: true });
      delivered = done;
    }

    if (!delivered && canRetry) {
      const at = push.firstAttemptAt! + RETRY_SCHEDULE_MINUTES[attempt - 1]! * MINUTE_MS;
      this.scheduleAttempt(push, attempt + 1, at);
    }

    // A push held back by the reorder fault goes out right after the next push of its app.
    const held = this.held.get(push.app.appKey);
    if (held && held.length > 0 && !held.includes(push)) {
      for (const h of [...held]) await this.release(h);
    }
  }

  private async post(
    push: Push,
    url: string,
  ): Promise<{ outcome: DeliveryOutcome; status?: number; error?: string }> {
    const signed = signUsernameToken({
      appKey: push.app.appKey,
      appSecret: push.app.appSecret,
      scheme: push.app.pushScheme,
      now: this.deps.signingNow,
    });
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: signed.headers,
        body: JSON.stringify(push.body),
        redirect: "manual",
        signal: AbortSignal.timeout(this.deps.timeoutMs),
      });
      // Drain the answer so the connection is released; only its status matters.
      await res.arrayBuffer().catch(() => undefined);
      // Success is HTTP 200 exactly (docs/axe-platform.md §8.0); 2xx others and redirects are failures.
      return res.status === 200
        ? { outcome: "delivered", status: res.status }
        : { outcome: "failed", status: res.status };
    } catch (error) {
      return { outcome: "failed", error: describeFetchError(error) };
    }
  }

  private record(
    push: Push,
    attempt: number,
    at: number,
    result: {
      outcome: DeliveryOutcome;
      url?: string;
      status?: number;
      error?: string;
      final: boolean;
      duplicate?: boolean;
    },
  ): void {
    const delivery: Delivery = {
      id: ++this.attemptSeq,
      pushId: push.id,
      kind: push.kind,
      eventType: push.eventType,
      appKey: push.app.appKey,
      ...(result.url !== undefined ? { url: result.url } : {}),
      attempt,
      body: push.body,
      ...(result.status !== undefined ? { status: result.status } : {}),
      ...(result.error !== undefined ? { error: result.error } : {}),
      at: isoTime(at),
      outcome: result.outcome,
      ...(result.duplicate ? { duplicate: true } : {}),
      ...(push.reordered && attempt === 1 ? { reordered: true } : {}),
      final: result.final,
      scheme: push.app.pushScheme,
    };
    this.log.push(delivery);
    if (this.log.length > this.deps.maxDeliveries)
      this.log.splice(0, this.log.length - this.deps.maxDeliveries);
    this.deps.logger?.({
      type: "push",
      kind: push.kind,
      eventType: push.eventType,
      attempt,
      outcome: result.outcome,
      ...(result.status !== undefined ? { status: result.status } : {}),
    });
  }
}

function persisted(push: Push): PersistedPush {
  return {
    id: push.id,
    kind: push.kind,
    appKey: push.app.appKey,
    body: push.body,
    retry: push.retry,
    reordered: push.reordered,
    ...(push.firstAttemptAt !== undefined ? { firstAttemptAt: push.firstAttemptAt } : {}),
  };
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError") return "timeout";
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message;
    return (detail ? `${error.message}: ${detail}` : error.message).slice(0, MAX_ERROR_TEXT);
  }
  return String(error).slice(0, MAX_ERROR_TEXT);
}
