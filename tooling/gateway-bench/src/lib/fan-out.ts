// P3 inside a load generator: hold the subscribers, push events at a fixed rate, and time each event from
// the moment it was sent to the moment each subscriber received it, on this process's clock alone.
import { runOpenLoad, summarise } from "@privnum/bench-kit/open-load";
import { signUsernameToken } from "@privnum/wsse-auth";
import { createHttpClient } from "./http-client.js";
import type { FanOutJob, FanOutResult } from "./jobs.js";
import { callEventPush } from "./push-bodies.js";
import { type EventKey, keyOfPush, openMany, openSubscriber, type Subscriber } from "./subscribers.js";

const PRIME_TIMEOUT_MS = 30_000;

/** Run one fan-out measurement; every subscriber is closed before it resolves. */
export async function runFanOut(job: FanOutJob): Promise<FanOutResult> {
  const http = createHttpClient(job.url);
  const total = Math.max(1, Math.floor((job.rate * job.durationMs) / 1000));
  // Measured events are `first … first + total - 1`; priming events follow them.
  const sent = new Map<EventKey, { index: number; at: number }>();
  const primes = new Set<EventKey>();
  const primed = new Set<number>();
  const flags = Array.from({ length: job.subscribers }, () => new Uint8Array(total));
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let received = 0;
  let duplicates = 0;
  let subscriberErrors = 0;

  const onEvent = (subscriber: number, key: EventKey) => {
    const at = performance.now();
    const entry = sent.get(key);
    if (!entry) {
      if (primes.has(key)) primed.add(subscriber);
      return;
    }
    const own = flags[subscriber]!;
    if (own[entry.index]) {
      duplicates++;
      return;
    }
    own[entry.index] = 1;
    received++;
    latencies.push(at - entry.at);
  };
  const onError = (error: unknown) => {
    subscriberErrors++;
    if (errorSamples.length < 5) errorSamples.push(`subscriber: ${String(error).slice(0, 200)}`);
  };

  const path = job.target === "gateway" ? "/notify" : "/publish";
  const push = (i: number) => {
    const body = callEventPush(i, job.series);
    const headers = {
      ...signUsernameToken({ appKey: job.credentials.appKey, appSecret: job.credentials.appSecret }).headers,
    };
    return { key: keyOfPush(body), send: () => http.post(path, headers, JSON.stringify(body)) };
  };

  let subscribers: Subscriber[] = [];
  try {
    let id = 0;
    const opened = await openMany(job.subscribers, 50, () => {
      const own = id++;
      return openSubscriber(job, (key) => onEvent(own, key), onError);
    });
    subscribers = opened.opened;
    if (opened.failed > 0) {
      throw new Error(`${opened.failed} of ${job.subscribers} subscribers failed: ${opened.errorSamples[0]}`);
    }

    // The server registers a subscription a little after the socket is accepted: push priming events until
    // every subscriber has received one, so that the measured events meet no subscriber still settling.
    const deadline = Date.now() + PRIME_TIMEOUT_MS;
    let prime = job.first + total;
    while (primed.size < job.subscribers) {
      if (Date.now() > deadline) {
        throw new Error(`only ${primed.size} of ${job.subscribers} subscribers became live`);
      }
      const p = push(prime++);
      primes.add(p.key);
      await p.send();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await new Promise((resolve) => setTimeout(resolve, 250));

    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const load = await runOpenLoad({
      rate: job.rate,
      durationMs: job.durationMs,
      maxInFlight: 1000,
      send: async (k) => {
        const p = push(job.first + k);
        sent.set(p.key, { index: k, at: performance.now() });
        await p.send();
      },
    });
    const expected = load.ok * job.subscribers;
    const drainUntil = performance.now() + job.drainMs;
    while (received < expected && performance.now() < drainUntil) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const cpu = process.cpuUsage(cpuStart);
    errorSamples.push(...load.errorSamples);
    return {
      subscribers: job.subscribers,
      sent: load.ok,
      sendErrors: load.errors + subscriberErrors,
      expected,
      received,
      missing: expected - received,
      duplicates,
      latency: summarise(latencies),
      ack: load.latency,
      generatorCpu: (cpu.user + cpu.system) / 1000 / (performance.now() - start),
      errorSamples,
    };
  } finally {
    for (const subscriber of subscribers) subscriber.close();
    http.close();
  }
}
