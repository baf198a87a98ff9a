import { randomBytes } from "node:crypto";
import type { ReadinessCheck } from "../ops/readiness.js";
import type { Logger } from "../shared/logger.js";
import { closeRedisClient, createRedisClient } from "../shared/redis-client.js";
import type { CommitListener, FanOut } from "./fan-out.js";

/** Options for {@link createRedisFanOut}. */
export interface RedisFanOutOptions {
  /** `REDIS_URL` (never logged). */
  url: string;
  /** `REDIS_KEY_PREFIX`: the channel is `${keyPrefix}stream-committed`. */
  keyPrefix: string;
  logger: Logger;
  /** How often feeds read the streams while Redis carries the wake-ups, in ms (a safety net). @default 10000 */
  pollIntervalMs?: number;
  /** How often feeds read the streams while Redis is unreachable, in ms. @default 1000 */
  degradedPollIntervalMs?: number;
  /** Longest `start` waits for Redis before the gateway starts without it (degraded), in ms. @default 2000 */
  connectWaitMs?: number;
  /** Longest wait between two reconnection attempts, in ms. @default DEFAULT_MAX_RECONNECT_DELAY_MS */
  maxReconnectDelayMs?: number;
  /** Longest a connection attempt or a PUBLISH may take before it counts as failed, in ms. @default 2000 */
  timeoutMs?: number;
  /**
   * How often the subscribing connection is PINGed while healthy, in ms: a link gone silent without closing
   * would otherwise go unnoticed there (nothing is sent on it), and the other instances' wake-ups with it.
   * @default 5000
   */
  heartbeatMs?: number;
}

/** The channel every instance of a deployment publishes its wake-ups on and listens to. */
export function fanOutChannel(keyPrefix: string): string {
  return `${keyPrefix}stream-committed`;
}

/** Longest message accepted on the channel: an instance id is 16 characters; anything longer is not ours. */
const MAX_MESSAGE_LENGTH = 64;

/**
 * The fan-out of several instances sharing one Redis: each commit wakes this instance's feeds at once and is
 * published on the channel, and a message from another instance wakes them too. A message carries only the
 * sender's id (its own are skipped); the streams in the database are the truth.
 *
 * Pub/sub delivers at most once, so the feeds still poll, rarely (`pollIntervalMs`) while Redis is
 * reachable, and every `degradedPollIntervalMs` while either connection is down. Nothing waits on Redis in a
 * caller's path: `committed` publishes in the background, and a command fails at once while Redis is away.
 * An outage is logged once (warning); meanwhile the fan-out wakes the listeners every
 * `degradedPollIntervalMs` itself, so that a feed in a long wait polls often at once. The recovery is logged
 * once (info), and the listeners are called and a wake-up is published, so that what was committed meanwhile,
 * here or elsewhere, is read at once.
 */
export function createRedisFanOut(options: RedisFanOutOptions): FanOut {
  const logger = options.logger.child({ component: "fan-out" });
  const channel = fanOutChannel(options.keyPrefix);
  const instanceId = randomBytes(8).toString("hex");
  const healthyPollMs = options.pollIntervalMs ?? 10_000;
  const degradedPollMs = options.degradedPollIntervalMs ?? 1000;
  const clientOptions = {
    url: options.url,
    logger: options.logger,
    ...(options.maxReconnectDelayMs !== undefined
      ? { maxReconnectDelayMs: options.maxReconnectDelayMs }
      : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  };
  const publisher = createRedisClient({ ...clientOptions, name: "fanout-publish" });
  const subscriber = createRedisClient({ ...clientOptions, name: "fanout-subscribe" });
  const listeners = new Set<CommitListener>();

  let subscribed = false;
  /** A publish failed while the publishing connection looked ready (cleared when it connects again). */
  let publishFailed = false;
  /** What was last reported: undefined until `start` has settled. */
  let reported: "healthy" | "degraded" | undefined;
  let stopped = false;
  let wakeUpsReceived = 0;
  let wakeUpsLost = 0;
  let onHealthy: (() => void) | undefined;
  /** While degraded: wakes the listeners every `degradedPollMs`, whatever wait a feed is in. */
  let degradedTick: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;

  const healthy = () => publisher.status === "ready" && subscribed && !publishFailed;

  const wakeListeners = () => {
    for (const listener of listeners) {
      try {
        listener();
      } catch (error) {
        logger.error({ err: error }, "a fan-out listener failed");
      }
    }
  };

  /** A wake-up is queued for the end of this turn (see `committed`). */
  let publishQueued = false;
  const publish = () => {
    if (publisher.status !== "ready") {
      wakeUpsLost++;
      return;
    }
    publisher.publish(channel, instanceId).then(
      () => {
        if (publishFailed) {
          publishFailed = false;
          evaluate();
        }
      },
      (error: Error) => {
        wakeUpsLost++;
        logger.debug({ err: { message: error.message } }, "publishing a wake-up failed");
        publishFailed = true;
        evaluate();
      },
    );
  };

  /** Compare the connections' state with what was reported, and report (and catch up on) a change. */
  function evaluate(): void {
    if (stopped) return;
    const now = healthy();
    if (now) onHealthy?.();
    if (reported === undefined) return;
    if (now && reported === "degraded") {
      reported = "healthy";
      clearInterval(degradedTick);
      logger.info("Redis reachable again: fan-out carries wake-ups between instances");
      wakeListeners();
      publish();
    } else if (!now && reported === "healthy") {
      degrade();
      wakeListeners();
    }
  }

  /**
   * Report the outage, and poll from now on: a feed may be in a wait of the healthy interval, which it asked
   * for before the outage, so the fan-out wakes the listeners itself at the degraded interval until Redis is
   * back (a read finds nothing new, cheaply, when nothing was committed).
   */
  function degrade(): void {
    reported = "degraded";
    logger.warn(
      `Redis unreachable: fan-out falls back to polling the stored streams every ${degradedPollMs / 1000} s`,
    );
    degradedTick = setInterval(pollWhileDegraded, degradedPollMs);
    degradedTick.unref();
  }

  /**
   * One tick of the polling while degraded. When only publishing failed (the connections look fine: a
   * command timed out), a wake-up is published again as a probe, so that the fan-out recovers without
   * waiting for the next commit (the others read, and find nothing new).
   */
  function pollWhileDegraded(): void {
    wakeListeners();
    if (publishFailed) publish();
  }

  /**
   * PING the subscribing connection: one that does not answer within the command timeout is dropped and
   * reconnects by itself, so that a silent link degrades the fan-out (and the feeds poll) instead of leaving
   * it deaf while it looks healthy.
   */
  function checkSubscriber(): void {
    if (stopped || !subscribed || subscriber.status !== "ready") return;
    subscriber.ping().catch((error: Error) => {
      logger.debug({ err: { message: error.message } }, "the subscribing connection did not answer a PING");
      if (!stopped && subscriber.status === "ready") subscriber.disconnect(true);
    });
  }

  publisher.on("ready", () => {
    publishFailed = false;
    evaluate();
  });
  publisher.on("close", evaluate);
  subscriber.on("ready", () => {
    subscriber.subscribe(channel).then(
      () => {
        subscribed = true;
        evaluate();
      },
      (error: Error) => {
        logger.debug({ err: { message: error.message } }, "subscribing failed");
        // Refused on a live connection: start over on a fresh one, which subscribes again once ready. (A
        // connection that dropped meanwhile reconnects by itself.)
        if (!stopped && subscriber.status === "ready") subscriber.disconnect(true);
      },
    );
  });
  subscriber.on("close", () => {
    subscribed = false;
    evaluate();
  });
  subscriber.on("message", (from: string, message: string) => {
    if (from !== channel || message === instanceId) return;
    if (message.length > MAX_MESSAGE_LENGTH) {
      logger.debug({ length: message.length }, "ignored an oversized message on the fan-out channel");
      return;
    }
    wakeUpsReceived++;
    wakeListeners();
  });

  const readiness: ReadinessCheck = {
    name: "fan-out",
    severity: "optional",
    async run() {
      if (reported === "healthy") return { state: "ok" };
      return {
        state: "degraded",
        detail: `Redis unreachable: polling every ${degradedPollMs / 1000} s`,
      };
    },
  };

  return {
    kind: "redis",
    committed() {
      wakeListeners();
      // Commits of one turn (the pushes of one stored batch) share one wake-up: a message only says "read".
      if (publisher.status !== "ready") {
        publish(); // counted as lost at once
        return;
      }
      if (publishQueued) return;
      publishQueued = true;
      setImmediate(() => {
        publishQueued = false;
        if (!stopped) publish();
      });
    },
    onCommitted(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    pollIntervalMs: () => (reported === "healthy" ? healthyPollMs : degradedPollMs),
    counts: () => ({ degraded: reported !== "healthy", wakeUpsReceived, wakeUpsLost }),
    readiness,
    async start() {
      const connected = new Promise<void>((resolve) => {
        onHealthy = resolve;
      });
      // A failed first attempt is retried by the clients themselves (retryStrategy), for ever.
      for (const client of [publisher, subscriber]) client.connect().catch(() => {});
      let timer: NodeJS.Timeout | undefined;
      const waited = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, options.connectWaitMs ?? 2000);
      });
      await Promise.race([connected, waited]);
      clearTimeout(timer);
      onHealthy = undefined;
      if (stopped) return;
      heartbeat = setInterval(checkSubscriber, options.heartbeatMs ?? 5000);
      heartbeat.unref();
      if (healthy()) reported = "healthy";
      else degrade();
    },
    async stop() {
      stopped = true;
      clearInterval(degradedTick);
      clearInterval(heartbeat);
      onHealthy?.();
      listeners.clear();
      await Promise.all([closeRedisClient(publisher), closeRedisClient(subscriber)]);
    },
  };
}
