import { readdirSync, readFileSync } from "node:fs";
import { Validator } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import { jsonSchemaDocuments, jsonSchemaFiles } from "../scripts/json-schema-documents.js";
import { allFixtures, fixtureBody, fixtureText } from "./helpers.js";

const directory = new URL("../json-schema/", import.meta.url);
const onDisk = (file: string) => readFileSync(new URL(file, directory), "utf8");
const documents = jsonSchemaDocuments();
const files = jsonSchemaFiles();
const validator = (file: string) => new Validator(JSON.parse(onDisk(file)), "2020-12", false);

describe("the JSON Schema files", () => {
  it("are current: each equals what the wire schemas generate (run `pnpm json-schema` after a schema change)", () => {
    for (const [file, content] of Object.entries(files)) {
      expect(onDisk(file), `json-schema/${file} is stale`).toBe(content);
    }
  });

  it("are exactly the generated set", () => {
    expect(readdirSync(directory).sort()).toEqual(Object.keys(files).sort());
  });

  it("ship with the package under the json-schema/* export", () => {
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(manifest.files).toContain("json-schema");
    expect(manifest.exports["./json-schema/*.json"]).toBe("./json-schema/*.json");
    expect(manifest.exports["./json-schema/*"]).toEqual({
      types: "./json-schema/*.d.mts",
      default: "./json-schema/*.mjs",
    });
  });

  it("import as ES modules through the package's exports, equal to the JSON files", async () => {
    for (const file of Object.keys(documents)) {
      const specifier = `@privnum/notification-schemas/json-schema/${file.replace(/\.json$/, "")}`;
      const module = (await import(/* @vite-ignore */ specifier)) as { default: unknown };
      expect(module.default, specifier).toEqual(JSON.parse(onDisk(file)));
    }
  });

  it("accept every fixture in strict mode (Huawei's masked samples aside)", () => {
    const any = validator("notification.json");
    for (const name of allFixtures().filter((fixture) => !fixture.startsWith("huawei/"))) {
      const body = JSON.parse(fixtureText(name));
      const file =
        body.eventType === "fee"
          ? "fee.json"
          : body.eventType === "numStatus"
            ? "num-status.json"
            : "call-event.json";
      expect(validator(file).validate(body).valid, `${name} against ${file}`).toBe(true);
      expect(any.validate(body).valid, `${name} against notification.json`).toBe(true);
    }
  });

  it("refuse what the parser refuses: a missing statusInfo, a bad stateCode, 51 records, a bad time, a bad number", () => {
    const calls = validator("call-event.json");
    const fees = validator("fee.json");
    expect(calls.validate({ eventType: "disconnect" }).valid).toBe(false);
    const disconnect = fixtureBody("callee/06-disconnect.json");
    (disconnect.statusInfo as Record<string, unknown>).stateCode = "abc";
    expect(calls.validate(disconnect).valid).toBe(false);
    const fee = fixtureBody("fee/fifty-records.json");
    expect(fees.validate(fee).valid).toBe(true);
    expect(
      fees.validate({ ...fee, feeLst: [...(fee.feeLst as unknown[]), (fee.feeLst as unknown[])[0]] }).valid,
    ).toBe(false);
    expect(fees.validate({ ...fee, feeLst: [] }).valid).toBe(false);
    const record = (fixtureBody("callee/07-fee.json").feeLst as Record<string, unknown>[])[0] as Record<
      string,
      unknown
    >;
    expect(
      fees.validate({ eventType: "fee", feeLst: [{ ...record, callInTime: "2026-01-27T08:00:00Z" }] }).valid,
    ).toBe(false);
    expect(fees.validate({ eventType: "fee", feeLst: [{ ...record, callerNum: "13900139000" }] }).valid).toBe(
      false,
    );
    expect(fees.validate({ eventType: "fee", feeLst: [{ ...record, vendorField: 1 }] }).valid).toBe(true);
  });
});
