/** One measured figure of a benchmark, reported next to the raw baseline measured in the same run. */
export interface BenchFigure {
  /** Stable id of the scenario, e.g. `W1` or `verify`. */
  id: string;
  /** What was measured, in words. */
  name: string;
  /** The measured value. */
  value: number;
  /** Its unit, e.g. `ops/s`, `ms`, `KB`. */
  unit: string;
  /** The raw baseline's name and value measured in the same run, when there is one. */
  baseline?: { name: string; value: number };
  /** value / baseline.value (or its inverse where lower is better, see `lowerIsBetter`). */
  ratio?: number;
  /** True when a smaller value is better (latency, memory). */
  lowerIsBetter?: boolean;
  /** The target in words, e.g. `≥ 80% of baseline and ≥ 100,000 ops/s`. */
  target?: string;
  /** Whether the target was met in this run. */
  met?: boolean;
  /** Anything a reader needs to interpret the figure. */
  note?: string;
}

/** A benchmark suite's output: printed as a table and, under `pnpm bench`, collected into docs/benchmarks.md. */
export interface BenchSuite {
  suite: string;
  figures: BenchFigure[];
}

/** True when the run is the reduced-scale `bench:quick` variant. */
export declare function isQuick(): boolean;
/** Prints the suite as a table and writes it as JSON where the root runner asks (`PRIVNUM_BENCH_OUT`). */
export declare function reportSuite(suite: BenchSuite): Promise<void>;
