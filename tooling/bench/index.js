import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** True when the run is the reduced-scale `bench:quick` variant. */
export function isQuick() {
  return process.env.PRIVNUM_BENCH_QUICK === "1";
}

function formatNumber(value) {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-US");
  return value.toPrecision(4);
}

/** Prints the suite as a table and writes it as JSON where the root runner asks (`PRIVNUM_BENCH_OUT`). */
export async function reportSuite(suite) {
  const rows = suite.figures.map((f) => ({
    id: f.id,
    measured: `${formatNumber(f.value)} ${f.unit}`,
    baseline: f.baseline ? `${f.baseline.name}: ${formatNumber(f.baseline.value)} ${f.unit}` : "",
    ratio: f.ratio === undefined ? "" : `${(f.ratio * 100).toFixed(1)}%`,
    target: f.target ?? "",
    met: f.met === undefined ? "" : f.met ? "yes" : "NO",
  }));
  console.log(`\n${suite.suite}`);
  console.table(rows);
  const out = process.env.PRIVNUM_BENCH_OUT;
  if (out) {
    await mkdir(out, { recursive: true });
    const file = join(out, `${suite.suite.replace(/[^a-z0-9-]+/gi, "_")}.json`);
    await writeFile(file, `${JSON.stringify(suite, null, 2)}\n`);
  }
}
