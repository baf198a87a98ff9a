/** Latency summary of an open-model run, in milliseconds. */
export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  count: number;
}

/** What an open-model run measured. */
export interface OpenLoadResult {
  /** Requests scheduled (rate × duration). */
  scheduled: number;
  /** Requests that completed without error. */
  ok: number;
  /** Requests that failed (threw or were rejected by `send`), and arrivals shed (below). */
  errors: number;
  /** Arrivals not sent because `maxInFlight` requests were already in flight (counted in `errors` too). */
  shed: number;
  /** First few error messages, for the report. */
  errorSamples: string[];
  /** Completed requests per second over the run's wall time. */
  throughput: number;
  /** Latency measured from each request's scheduled start (no coordinated omission). */
  latency: LatencySummary;
  /** CPU the load generator's own process used, as a share of one core. */
  generatorCpu: number;
  /** Wall time of the run in ms. */
  elapsedMs: number;
}

/** Options of {@link runOpenLoad}. */
export interface OpenLoadOptions {
  /** Arrivals per second, fixed whatever the response times. */
  rate: number;
  /** How long to keep arriving, in ms. */
  durationMs: number;
  /** Sends request number `i`; resolves when it is acknowledged. */
  send: (i: number) => Promise<void>;
  /** Most requests in flight; arrivals beyond it count as errors rather than queueing. @default 10000 */
  maxInFlight?: number;
}

/**
 * Drives `send` at a fixed arrival rate (open model: arrivals do not wait for completions) and records each
 * latency from its scheduled start in an HdrHistogram.
 */
export declare function runOpenLoad(options: OpenLoadOptions): Promise<OpenLoadResult>;
/** Summarises latencies (ms) recorded elsewhere, with the same HdrHistogram settings. */
export declare function summarise(latenciesMs: number[]): LatencySummary;
