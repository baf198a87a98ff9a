import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertBinding } from "../src/bindings/binding.repository.js";
import { upsertCallSessions } from "../src/calls/call-session.repository.js";
import type { DatabaseHandle } from "../src/database/database.js";
import { findCallsToStore } from "../src/ingest/calls-to-store.repository.js";
import { bindingRow } from "./support/bindings.js";
import { ENGINES, openMigrated } from "./support/databases.js";

const at = new Date("2026-06-01T10:00:00Z");

describe.each(ENGINES)("the calls a batch stores into, on $engine", ({ create }) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await openMigrated(await create());
    await upsertBinding(
      handle.db,
      bindingRow({ subscription_id: "sub-pushed", virtual_num: "+8617000000001" }),
    );
    await upsertBinding(
      handle.db,
      bindingRow({ subscription_id: "sub-stored", virtual_num: "+8617000000002" }),
    );
    await upsertBinding(
      handle.db,
      bindingRow({ subscription_id: "sub-other", virtual_num: "+8617000000003" }),
    );
    await upsertCallSessions(
      handle.db,
      [
        {
          session_id: "to-store-1",
          subscription_id: "sub-stored",
          virtual_num: "+8617000000002",
          bind_num: null,
          status: "ringing",
          started_at: at,
          ended_at: null,
          outcome: null,
          hangup_code: null,
          session: { sessionId: "to-store-1", state: "ringing" },
          event_count: 1,
          record_count: 0,
          created_at: at,
          updated_at: at,
        },
      ],
      new Map([["to-store-1", { events: [], records: [] }]]),
    );
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("reads the stored calls with their bases and the bindings the pushes and the calls name, in one statement", async () => {
    const before = handle.queryCount();
    const found = await findCallsToStore(
      handle.db,
      ["to-store-1", "to-store-new"],
      ["sub-pushed", "sub-none"],
    );
    expect(handle.queryCount() - before).toBe(1);
    expect([...found.sessions.keys()]).toEqual(["to-store-1"]);
    const session = found.sessions.get("to-store-1")!;
    expect(session).toMatchObject({ subscription_id: "sub-stored", event_count: 1, status: "ringing" });
    expect(session.started_at).toEqual(at);
    expect(session.created_at).toBeInstanceOf(Date);
    expect(session.ended_at).toBeNull();
    expect(session.session).toEqual({ sessionId: "to-store-1", state: "ringing" });
    expect(found.bases.get("to-store-1")).toEqual({ events: [], records: [] });
    expect([...found.bindings.keys()].sort()).toEqual(["sub-pushed", "sub-stored"]);
    const binding = found.bindings.get("sub-stored")!;
    expect(binding.virtual_num).toBe("+8617000000002");
    expect(typeof binding.id).toBe("number");
    expect(binding.created_at).toBeInstanceOf(Date);
    expect(binding.superseded_at).toBeNull();
    // An id is drawn for the call not stored yet, none for the stored one.
    expect([...found.newIds.keys()]).toEqual(["to-store-new"]);
    expect(found.newIds.get("to-store-new")).toBeGreaterThan(session.id);
  });

  it("draws ids that the new calls are stored with, each once", async () => {
    const first = await findCallsToStore(handle.db, ["to-store-drawn"], []);
    const again = await findCallsToStore(handle.db, ["to-store-drawn"], []);
    const id = first.newIds.get("to-store-drawn")!;
    expect(again.newIds.get("to-store-drawn")).toBeGreaterThan(id);
    const [stored] = await upsertCallSessions(handle.db, [
      {
        id,
        session_id: "to-store-drawn",
        subscription_id: null,
        virtual_num: null,
        bind_num: null,
        status: "ringing",
        started_at: at,
        ended_at: null,
        outcome: null,
        hangup_code: null,
        session: {},
        event_count: 1,
        record_count: 0,
        created_at: at,
        updated_at: at,
      },
    ]);
    expect(stored!.id).toBe(id);
    const found = await findCallsToStore(handle.db, ["to-store-drawn"], []);
    expect(found.sessions.get("to-store-drawn")!.id).toBe(id);
    expect(found.newIds.size).toBe(0);
  });

  it("asks nothing when there is nothing to find", async () => {
    const before = handle.queryCount();
    const found = await findCallsToStore(handle.db, [], []);
    expect(handle.queryCount() - before).toBe(0);
    expect(found.sessions.size + found.bases.size + found.bindings.size + found.newIds.size).toBe(0);
  });
});
