// A PostgreSQL database of its own for one measuring run, seeded with what a page reads, dropped at the end.
import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
import type { RunningGateway } from "../../src/app.js";
import type { NewBindingRow } from "../../src/bindings/binding.table.js";
import { bindingRowFromPlatform } from "../../src/bindings/binding-row.js";

/** A database created for this run. */
export interface MeasureDatabase {
  url: string;
  drop(): Promise<void>;
}

async function onAdmin(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client(adminUrl);
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Create an empty, uniquely named database on the server of `adminUrl`. */
export async function createMeasureDatabase(adminUrl: string): Promise<MeasureDatabase> {
  const name = `privnum_request_cpu_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  await onAdmin(adminUrl, `create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await onAdmin(adminUrl, `drop database if exists "${name}" with (force)`);
    },
  };
}

const BINDINGS = 1000;
const FEE_PUSHES = 40;
const CDRS_PER_PUSH = 50;
const BASE_MS = Date.UTC(2026, 5, 1, 10);

const xNumber = (n: number) => `+86170000${String(n % 20).padStart(5, "0")}`;
const extension = (n: number) => String(1 + Math.floor(n / 20)).padStart(4, "0");
const subscriptionId = (n: number) => `b3c5${n.toString(16).padStart(28, "0")}`;
const aNumber = (n: number) => `+86138${String(n).padStart(8, "0")}`;
const platformTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");

function bindingRow(n: number, now: Date): NewBindingRow {
  const binding = {
    subscriptionId: subscriptionId(n),
    virtualNum: xNumber(n),
    extendNum: extension(n),
    bindNum: aNumber(n),
    displayNumMode: "0",
  } as const;
  return bindingRowFromPlatform(binding, { createdAt: now, updatedAt: now, expiresAt: null });
}

function cdr(i: number) {
  const n = i % BINDINGS;
  const at = BASE_MS + i * 1000;
  return {
    direction: 0,
    spId: "privnum-request-cpu-sp",
    appKey: "privnum-sim-app",
    icid: `${i.toString(16).padStart(32, "0")}.3757200000.1.5`,
    bindNum: xNumber(n),
    sessionId: `1201_${i}_4294967295_20260601100000@request-cpu.example`,
    subscriptionId: subscriptionId(n),
    callerNum: `+86139${String(i).padStart(8, "0")}`,
    calleeNum: xNumber(n),
    fwdDstNum: aNumber(n),
    callInTime: platformTime(at),
    fwdAnswerTime: platformTime(at + 5000),
    callEndTime: platformTime(at + 65_000),
    recordFlag: 0,
    serviceType: "005",
    extendNumber: extension(n),
  };
}

/**
 * 1,000 bindings stored directly, and 2,000 CDRs pushed through the gateway's own `/notify` (its notify
 * verification off), then planner statistics, as autovacuum would gather them. Returns the highest ids.
 */
export async function seedPages(
  gateway: RunningGateway,
): Promise<{ maxBindingId: number; maxRecordId: number }> {
  const { db } = gateway.services;
  const now = new Date();
  const rows = Array.from({ length: BINDINGS }, (_, n) => bindingRow(n, now));
  for (let at = 0; at < rows.length; at += 500) {
    await db
      .insertInto("bindings")
      .values(rows.slice(at, at + 500))
      .execute();
  }
  for (let push = 0; push < FEE_PUSHES; push++) {
    const feeLst = Array.from({ length: CDRS_PER_PUSH }, (_, k) => cdr(push * CDRS_PER_PUSH + k));
    const response = await gateway.yoga.fetch("http://gateway.measure/notify", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ eventType: "fee", feeLst }),
    });
    if (response.status !== 200) throw new Error(`seeding push ${push}: ${response.status}`);
  }
  await sql`analyze`.execute(db);
  const max = async (table: "bindings" | "call_records") =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.max("id").as("id"))
          .executeTakeFirstOrThrow()
      ).id,
    );
  return { maxBindingId: await max("bindings"), maxRecordId: await max("call_records") };
}
