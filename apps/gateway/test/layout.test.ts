import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// The one-way data flow of docs/architecture.md, checked on the imports themselves:
// ingest → store (tables and repositories) → feed and pub-sub → GraphQL.

const SRC = resolve(import.meta.dirname, "../src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every file of src/ (relative, e.g. `calls/call-event.graphql.ts`) with the src/ files it imports. */
const imports = new Map(
  sourceFiles(SRC).map((file) => {
    const text = readFileSync(file, "utf8");
    const targets = [...text.matchAll(/\bfrom\s+"(\.{1,2}\/[^"]+)"/g)].map((m) =>
      relative(SRC, resolve(dirname(file), (m[1] as string).replace(/\.js$/, ".ts"))),
    );
    return [relative(SRC, file), targets];
  }),
);

/** The files matching `from` that import a file matching `to`, as `from → to` lines. */
function violations(from: (file: string) => boolean, to: (target: string) => boolean): string[] {
  return [...imports].flatMap(([file, targets]) =>
    from(file) ? targets.filter(to).map((target) => `${file} → ${target}`) : [],
  );
}

const inFolder = (folder: string) => (path: string) => path.startsWith(`${folder}/`);
const isGraphQL = (path: string) => path.endsWith(".graphql.ts") || inFolder("graphql")(path);

describe("the gateway's layout", () => {
  it("finds the source files it checks", () => {
    expect(imports.size).toBeGreaterThan(50);
    expect(imports.get("app.ts")).toContain("ingest/webhook.ts");
  });

  it("keeps GraphQL types away from ingest/", () => {
    expect(violations(isGraphQL, inFolder("ingest"))).toEqual([]);
  });

  it("keeps the stores, the feed and the pub-sub away from ingest/, http/ and GraphQL", () => {
    const store = (path: string) =>
      path.endsWith(".table.ts") ||
      path.endsWith(".repository.ts") ||
      inFolder("stream")(path) ||
      inFolder("changes")(path) ||
      inFolder("fanout")(path);
    const above = (path: string) => inFolder("ingest")(path) || inFolder("http")(path) || isGraphQL(path);
    expect(violations(store, above)).toEqual([]);
  });

  it("keeps shared/ free of every domain (config.ts reads the formats of auth/'s settings)", () => {
    const found = violations(inFolder("shared"), (target) => !inFolder("shared")(target));
    expect(found.filter((line) => !line.startsWith("shared/config.ts → auth/"))).toEqual([]);
  });

  it("keeps auth/ below everything but shared/: credentials know nothing of GraphQL, HTTP or storage", () => {
    const outside = (target: string) => !inFolder("auth")(target) && !inFolder("shared")(target);
    expect(violations(inFolder("auth"), outside)).toEqual([]);
  });

  it("lets only the composition root (and its types) and the process entry reach across to ingest/ and http/", () => {
    const outside = (path: string) => !inFolder("ingest")(path) && !inFolder("http")(path);
    const entry = (path: string) => ["app.ts", "app-api.ts", "main.ts"].includes(path);
    const reaches = (target: string) => inFolder("ingest")(target) || inFolder("http")(target);
    const found = violations((file) => outside(file) && !entry(file), reaches);
    expect(found).toEqual([]);
  });
});
