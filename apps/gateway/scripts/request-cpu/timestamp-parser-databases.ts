// Two more handles on the measured database, as openDatabase opens one, differing only in how timestamptz text
// is read: the gateway's parser, or the driver's own (pg-types → postgres-date).
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Database } from "../../src/database/database.js";
import { createTimestamptzParser } from "../../src/database/timestamp-parser.js";

const INT8_OID = 20;
const TIMESTAMPTZ_OID = 1184;

function openWith(url: string, timestamptz: (text: string) => unknown): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") => {
        if (format === "binary") return pg.types.getTypeParser(oid, format);
        if (oid === INT8_OID) return (value: string) => Number(value);
        if (oid === TIMESTAMPTZ_OID) return timestamptz;
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** `{ gateway, driver }`: Kysely handles reading timestamps with each parser. */
export function timestampParserDatabases(url: string) {
  const driver = pg.types.getTypeParser(TIMESTAMPTZ_OID, "text");
  return {
    gateway: openWith(url, createTimestamptzParser(driver)),
    driver: openWith(url, driver),
  };
}
