// pipeliningPool on the machine's PostgreSQL: a transaction's first statement carries its `begin` and a
// statement marked THEN_COMMIT its `commit`, counted in round trips (one ReadyForQuery each), with every failure (the statement's, the
// commit's, a parse's, a silent link's) ending the transaction cleanly.
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { abandoningPool } from "../src/database/abandoning-pool.js";
import { pipeliningPool, THEN_COMMIT } from "../src/database/pipelined-transactions.js";
import { PREPARED, preparingPool } from "../src/database/prepared-statements.js";
import {
  createPostgresDatabase,
  createProxiedPostgresDatabase,
  type TestDatabase,
} from "./support/databases.js";

type Tables = { items: { id: number; label: string } };

let database: TestDatabase;
let url: string;
let admin: pg.Client;
const opened: { destroy(): Promise<void> }[] = [];

/** Kysely over the gateway's pool layers, with the round trips its connections make counted. */
function openCounted(options: { poolSize?: number; queryTimeoutMillis?: number; url?: string } = {}) {
  const pool = new pg.Pool({
    connectionString: options.url ?? url,
    max: options.poolSize ?? 1,
    ...(options.queryTimeoutMillis ? { query_timeout: options.queryTimeoutMillis } : {}),
  });
  let roundTrips = 0;
  /** The text of every statement handed to a pg client, in order. */
  const sent: string[] = [];
  pool.on("connect", (client) => {
    (client as unknown as { connection: pg.Connection }).connection.on("readyForQuery", () => {
      roundTrips += 1;
    });
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const [first] = args;
      sent.push(typeof first === "string" ? first : String((first as { text?: unknown }).text));
      return query(...args);
    };
  });
  pool.on("error", () => {});
  const db = new Kysely<Tables>({
    dialect: new PostgresDialect({
      pool: preparingPool(pipeliningPool(abandoningPool(pool, { endTimeoutMillis: 1000 }))),
    }),
  });
  opened.push(db);
  /** Round trips made while `work` runs (connections are opened before, so that connecting is not counted). */
  const count = async <T>(work: () => Promise<T>) => {
    const before = roundTrips;
    const value = await work();
    return { value, roundTrips: roundTrips - before };
  };
  return { db, count, sent };
}

const labels = async () =>
  (await admin.query<{ label: string }>("select label from items order by id")).rows.map((r) => r.label);
const backendPid = async (db: Kysely<Tables>) =>
  (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]!.pid;

beforeAll(async () => {
  database = await createPostgresDatabase();
  url = (database.config as { url: string }).url;
  admin = new pg.Client(url);
  await admin.connect();
  await admin.query(`
    create table items (id serial primary key, label text not null);
    create table claims (label text primary key);
    create table claimed (label text references claims deferrable initially deferred)`);
});

afterEach(async () => {
  for (const db of opened.splice(0)) await db.destroy();
  await admin.query("truncate items, claimed, claims restart identity");
});

afterAll(async () => {
  await admin?.end();
  await database?.drop();
});

describe("pipeliningPool", () => {
  it("sends a transaction's commit with its statement marked THEN_COMMIT", async () => {
    const { db, count } = openCounted();
    await backendPid(db);
    const { value, roundTrips } = await count(() =>
      db.transaction().execute(async (tx) => {
        const first = await sql<{ id: number }>`insert into items (label) values ('a') returning id`.execute(
          tx,
        );
        const last = await sql<{ n: number }>`${THEN_COMMIT}insert into items (label) values ('b')
          returning (select count(*)::int4 from items) as n`.execute(tx);
        return { first: first.rows, last: last.rows };
      }),
    );
    // Each statement's own rows; the commit in the last statement's round trip: three instead of four.
    expect(value).toEqual({ first: [{ id: 1 }], last: [{ n: 1 }] });
    expect(roundTrips).toBe(3);
    expect(await labels()).toEqual(["a", "b"]);
  });

  it("sends a commit of its own after an unmarked last statement", async () => {
    const { db, count } = openCounted();
    await backendPid(db);
    const plain = await count(() =>
      db.transaction().execute(async (tx) => {
        await sql`insert into items (label) values ('a')`.execute(tx);
        await sql`insert into items (label) values ('b')`.execute(tx);
      }),
    );
    expect(plain.roundTrips).toBe(4);
    expect(await labels()).toEqual(["a", "b"]);
  });

  it("commits with the marked statement: what the transaction wrote is visible to others once it resolves", async () => {
    const { db } = openCounted();
    await db.transaction().execute(async (tx) => {
      await sql`insert into items (label) values ('a')`.execute(tx);
      expect(await labels()).toEqual([]);
      await sql`${THEN_COMMIT}insert into items (label) values ('b')`.execute(tx);
      expect(await labels()).toEqual(["a", "b"]);
    });
  });

  it("rolls back when the first statement fails, and the connection serves the next transaction", async () => {
    const { db } = openCounted();
    const failed = await db
      .transaction()
      .execute(async (tx) => {
        await sql`insert into items (label) values (null)`.execute(tx);
      })
      .catch((error: unknown) => error);
    expect((failed as pg.DatabaseError).code).toBe("23502");
    await db.transaction().execute(async (tx) => {
      await sql`${THEN_COMMIT}insert into items (label) values ('after')`.execute(tx);
    });
    expect(await labels()).toEqual(["after"]);
  });

  it("commits nothing when the marked statement fails, and rolls back what came before it", async () => {
    const { db } = openCounted();
    const failed = await db
      .transaction()
      .execute(async (tx) => {
        await sql`insert into items (label) values ('a')`.execute(tx);
        await sql`${THEN_COMMIT}insert into items (label) values (null)`.execute(tx);
      })
      .catch((error: unknown) => error);
    expect((failed as pg.DatabaseError).code).toBe("23502");
    expect(await labels()).toEqual([]);
    await db.transaction().execute(async (tx) => {
      await sql`insert into items (label) values ('next')`.execute(tx);
    });
    expect(await labels()).toEqual(["next"]);
  });

  it("fails the marked statement with the commit's error when the commit fails, and stores nothing", async () => {
    const { db } = openCounted();
    // A deferred foreign key is checked at commit: the statement runs, its commit fails.
    const failed = await db
      .transaction()
      .execute(async (tx) => {
        await sql`insert into items (label) values ('a')`.execute(tx);
        await sql`${THEN_COMMIT}insert into claimed (label) values ('unclaimed')`.execute(tx);
      })
      .catch((error: unknown) => error);
    expect((failed as pg.DatabaseError).code).toBe("23503");
    expect(await labels()).toEqual([]);
    expect((await admin.query("select * from claimed")).rows).toEqual([]);
    await db.transaction().execute(async (tx) => {
      await sql`${THEN_COMMIT}insert into items (label) values ('next')`.execute(tx);
    });
    expect(await labels()).toEqual(["next"]);
  });

  it("carries the commit with a named prepared statement, parsed once per connection", async () => {
    const { db, count } = openCounted();
    await backendPid(db);
    for (const label of ["a", "b", "c"]) {
      const { roundTrips } = await count(() =>
        db.transaction().execute(async (tx) => {
          await sql`${PREPARED}insert into items (label) values (${label})`.execute(tx);
          await sql`${PREPARED}${THEN_COMMIT}insert into items (label) values (${`${label}2`})`.execute(tx);
        }),
      );
      // The begin with the first (named, so extended) statement, the commit with the last.
      expect(roundTrips).toBe(2);
    }
    expect(await labels()).toEqual(["a", "a2", "b", "b2", "c", "c2"]);
    const { rows } = await sql<{ n: number }>`select count(*)::int4 as n from pg_prepared_statements`.execute(
      db,
    );
    expect(rows[0]!.n).toBe(2);
  });

  it("parses a named statement again after its first parse failed with a commit in the same round trip", async () => {
    const { db } = openCounted();
    const insertLater = () =>
      db.transaction().execute(async (tx) => {
        await sql`${PREPARED}${THEN_COMMIT}insert into later (label) values ('x')`.execute(tx);
      });
    const failed = await insertLater().catch((error: unknown) => error);
    expect((failed as pg.DatabaseError).code).toBe("42P01");
    await admin.query("create table later (label text)");
    try {
      await insertLater();
      expect((await admin.query("select label from later")).rows).toEqual([{ label: "x" }]);
    } finally {
      await admin.query("drop table later");
    }
  });

  it("sends a transaction's begin with its first statement when that statement has parameters", async () => {
    const { db, count, sent } = openCounted();
    await backendPid(db);
    const { value, roundTrips } = await count(() =>
      db.transaction().execute(async (tx) => {
        await sql`insert into items (label) values (${"a"})`.execute(tx);
        // Inside the transaction the begin opened: not visible to others yet.
        expect(await labels()).toEqual([]);
        const last = await sql<{ n: number }>`${THEN_COMMIT}insert into items (label) values (${"b"})
          returning (select count(*)::int4 from items) as n`.execute(tx);
        return last.rows;
      }),
    );
    expect(value).toEqual([{ n: 1 }]);
    expect(roundTrips).toBe(2);
    expect(sent.filter((text) => text === "begin" || text === "commit")).toEqual([]);
    expect(await labels()).toEqual(["a", "b"]);
  });

  it("carries both the begin and the commit with a transaction's only statement: one round trip", async () => {
    const { db, count } = openCounted();
    await backendPid(db);
    const { roundTrips } = await count(() =>
      db.transaction().execute(async (tx) => {
        await sql`${THEN_COMMIT}insert into items (label) values ('only')`.execute(tx);
      }),
    );
    expect(roundTrips).toBe(1);
    expect(await labels()).toEqual(["only"]);
  });

  it("sends the begin on its own before a first statement without parameters (pg sends that one as a simple query)", async () => {
    const { db, count, sent } = openCounted();
    await backendPid(db);
    const { roundTrips } = await count(() =>
      db.transaction().execute(async (tx) => {
        await sql`insert into items (label) values ('a'); insert into items (label) values ('b')`.execute(tx);
        await sql`insert into items (label) values (${"c"})`.execute(tx);
      }),
    );
    // begin, the two statements in one simple query, the third, commit.
    expect(roundTrips).toBe(4);
    expect(sent.filter((text) => text === "begin")).toEqual(["begin"]);
    expect(await labels()).toEqual(["a", "b", "c"]);
  });

  it("rolls back when the statement carrying the begin fails, and the connection serves the next transaction", async () => {
    const { db } = openCounted();
    const pid = await backendPid(db);
    const failed = await db
      .transaction()
      .execute(async (tx) => {
        await sql`insert into items (label) values (${null})`.execute(tx);
      })
      .catch((error: unknown) => error);
    expect((failed as pg.DatabaseError).code).toBe("23502");
    await db.transaction().execute(async (tx) => {
      await sql`insert into items (label) values (${"after"})`.execute(tx);
      // Still in a transaction of its own: the failed one was rolled back, not left open under this one.
      expect((await sql<{ n: number }>`select count(*)::int4 as n from items`.execute(tx)).rows).toEqual([
        { n: 1 },
      ]);
    });
    expect(await labels()).toEqual(["after"]);
    expect(await backendPid(db)).toBe(pid);
    const state = await admin.query("select state from pg_stat_activity where pid = $1", [pid]);
    expect(state.rows).toEqual([{ state: "idle" }]);
  });

  it("a transaction that ends before any statement never reaches PostgreSQL, committed or rolled back", async () => {
    const { db, count, sent } = openCounted();
    await backendPid(db);
    const sentBefore = sent.length;
    const committed = await count(() => db.transaction().execute(async () => "nothing"));
    expect(committed).toEqual({ value: "nothing", roundTrips: 0 });
    const rolledBack = await count(() =>
      db
        .transaction()
        .execute(async () => {
          throw new Error("before any statement");
        })
        .catch((error: unknown) => (error as Error).message),
    );
    expect(rolledBack).toEqual({ value: "before any statement", roundTrips: 0 });
    expect(sent.length).toBe(sentBefore);
    await db.transaction().execute(async (tx) => {
      await sql`insert into items (label) values (${"then"})`.execute(tx);
    });
    expect(await labels()).toEqual(["then"]);
  });

  it("leaves a statement outside a transaction alone, marked or not", async () => {
    const { db, count } = openCounted();
    await backendPid(db);
    const { roundTrips } = await count(() =>
      sql`${THEN_COMMIT}insert into items (label) values ('a')`.execute(db),
    );
    expect(roundTrips).toBe(1);
    expect(await labels()).toEqual(["a"]);
  });

  it("keeps concurrent transactions on several connections apart", async () => {
    const { db } = openCounted({ poolSize: 4 });
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        db
          .transaction()
          .execute(async (tx) => {
            await sql`insert into items (label) values (${`t${i}-1`})`.execute(tx);
            if (i % 5 === 0) throw new Error("rolled back on purpose");
            await sql`${THEN_COMMIT}insert into items (label) values (${`t${i}-2`})`.execute(tx);
          })
          .catch(() => undefined),
      ),
    );
    const stored = await labels();
    const expected = Array.from({ length: 40 }, (_, i) => i)
      .filter((i) => i % 5 !== 0)
      .flatMap((i) => [`t${i}-1`, `t${i}-2`]);
    expect(stored.sort()).toEqual(expected.sort());
  });
});

describe("pipeliningPool on a silent link", () => {
  it("abandons the connection when the statement carrying the commit gets no answer", async () => {
    const proxied = await createProxiedPostgresDatabase();
    try {
      const { db, sent } = openCounted({ url: proxied.url, queryTimeoutMillis: 1000 });
      const before = await backendPid(db);
      const stalled = await db
        .transaction()
        .execute(async (tx) => {
          await sql`select 1`.execute(tx);
          proxied.proxy.stall();
          await sql`${THEN_COMMIT}select 2`.execute(tx);
        })
        .catch((error: unknown) => error);
      expect((stalled as Error).message).toBe("Query read timeout");
      // Abandoned at the statement's timeout: Kysely's rollback is answered without reaching pg, where it would
      // queue behind the lost statement on the dead link until it timed out too.
      expect(sent.filter((text) => text === "rollback")).toEqual([]);
      proxied.proxy.resume();
      expect(await backendPid(db)).not.toBe(before);
    } finally {
      await proxied.close();
    }
  });
});
