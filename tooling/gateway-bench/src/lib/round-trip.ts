// What one PostgreSQL round trip costs a Node process on this machine: the unit every storing transaction
// pays per statement, so the figures of P1 and P2 can be read against it.
import type { BenchFigure } from "@privnum/bench-kit";
import pg from "pg";

const QUERIES = 3000;

/** Client CPU and wall time per `select $1::int4` on one `pg` connection, one after another. */
export async function measureRoundTrip(databaseUrl: string): Promise<BenchFigure> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (let i = 0; i < 300; i++) await client.query({ text: "select $1::int4 as n", values: [i] });
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < QUERIES; i++) await client.query({ text: "select $1::int4 as n", values: [i] });
    const wallUs = ((performance.now() - started) * 1000) / QUERIES;
    const used = process.cpuUsage(cpu);
    const cpuUs = (used.user + used.system) / QUERIES;
    return {
      id: "round-trip",
      name: "PostgreSQL round trip from Node (`pg`, one connection, `select $1`): client CPU per query",
      value: Math.round(cpuUs),
      unit: "µs",
      lowerIsBetter: true,
      note:
        `Context, not a target: wall ${wallUs.toFixed(0)} µs per query, ${QUERIES} queries after 300 to warm up. ` +
        "Every statement of a storing transaction costs the gateway about this much CPU besides its own work.",
    };
  } finally {
    await client.end();
  }
}
