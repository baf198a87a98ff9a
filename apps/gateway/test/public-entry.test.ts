// The entry other workspace packages import: `@privnum/gateway`, resolved through the exports map to the build
// (dist/index.mjs), as the benchmarks import it.
import * as gateway from "@privnum/gateway";
import { describe, expect, it } from "vitest";
import { bindingRow } from "./support/bindings.js";

describe("@privnum/gateway", () => {
  it("exports at run time exactly the functions src/index.ts documents", () => {
    expect(Object.keys(gateway).sort()).toEqual([
      "bindingRowFromPlatform",
      "buildApp",
      "loadConfigFromEnv",
      "migrateToLatest",
      "openDatabase",
      "parseConfig",
      "testConfig",
    ]);
  });

  it("opens and migrates a database that then stores and reads a binding row", async () => {
    const handle = await gateway.openDatabase(gateway.testConfig().database);
    try {
      const migrated = await gateway.migrateToLatest(handle.db);
      expect(migrated.ok).toBe(true);
      await handle.db.insertInto("bindings").values(bindingRow()).execute();
      const rows = await handle.db.selectFrom("bindings").select(["subscription_id", "created_at"]).execute();
      expect(rows).toEqual([{ subscription_id: "sub-1", created_at: new Date("2026-06-01T10:00:00Z") }]);
    } finally {
      await handle.close();
    }
  });

  it("reads the same configuration from an environment map as the gateway does", () => {
    const parsed = gateway.parseConfig({ PORT: "0", DATABASE_URL: "postgres://postgres@127.0.0.1:5432/x" });
    expect(parsed.ok && parsed.config.database).toEqual({
      kind: "postgres",
      url: "postgres://postgres@127.0.0.1:5432/x",
    });
    const refused = gateway.parseConfig({ PORT: "not a port" });
    expect(refused.ok ? [] : refused.issues.map((issue) => issue.variable)).toEqual(["PORT"]);
  });
});
