import * as hdr from "hdr-histogram-js";

// Microsecond resolution up to one minute, three significant digits.
function newHistogram() {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

function summary(histogram) {
  const ms = (us) => us / 1000;
  return {
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p99: ms(histogram.getValueAtPercentile(99)),
    max: ms(histogram.maxValue),
    count: histogram.totalCount,
  };
}

/** Summarises latencies (ms) recorded elsewhere, with the same HdrHistogram settings. */
export function summarise(latenciesMs) {
  const histogram = newHistogram();
  for (const value of latenciesMs) histogram.recordValue(Math.max(1, Math.round(value * 1000)));
  return summary(histogram);
}

/**
 * Drives `send` at a fixed arrival rate (open model: arrivals do not wait for completions) and records each
 * latency from its scheduled start in an HdrHistogram, so a stalled server shows up as latency rather than as a
 * politely slower load.
 */
export async function runOpenLoad({ rate, durationMs, send, maxInFlight = 10_000 }) {
  const histogram = newHistogram();
  const total = Math.max(1, Math.floor((rate * durationMs) / 1000));
  const intervalMs = 1000 / rate;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let ok = 0;
  let errors = 0;
  let shed = 0;
  let inFlight = 0;
  const errorSamples = [];
  const pending = new Set();

  const fire = (i, scheduledAt) => {
    if (inFlight >= maxInFlight) {
      errors++;
      shed++;
      if (errorSamples.length < 5) errorSamples.push("too many requests in flight");
      return;
    }
    inFlight++;
    const p = send(i).then(
      () => {
        ok++;
        histogram.recordValue(Math.max(1, Math.round((performance.now() - scheduledAt) * 1000)));
      },
      (error) => {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(String(error?.message ?? error));
      },
    );
    pending.add(p);
    p.finally(() => {
      inFlight--;
      pending.delete(p);
    });
  };

  let next = 0;
  while (next < total) {
    const now = performance.now();
    // Fire every arrival whose time has come (catching up after a late timer, as an open model must).
    while (next < total && start + next * intervalMs <= now) {
      fire(next, start + next * intervalMs);
      next++;
    }
    if (next < total) {
      const wait = start + next * intervalMs - performance.now();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(wait, 50))));
    }
  }
  await Promise.allSettled([...pending]);
  const elapsedMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return {
    scheduled: total,
    ok,
    errors,
    shed,
    errorSamples,
    throughput: ok / (elapsedMs / 1000),
    latency: summary(histogram),
    generatorCpu: (cpu.user + cpu.system) / 1000 / elapsedMs,
    elapsedMs,
  };
}
