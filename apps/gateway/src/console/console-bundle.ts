import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join, relative, sep } from "node:path";
import { gzipSync } from "node:zlib";

/** One file of the built console, held in memory with what its answer needs. */
export interface ConsoleFile {
  body: Buffer;
  /** The body gzipped (made at the first request that accepts it, then kept); undefined when not worth it. */
  gzipped(): Buffer | undefined;
  contentType: string;
  /** Strong validator: the SHA-256 of the body. */
  etag: string;
  /** Under `assets/`: Vite names those files by their content, so they never change. */
  immutable: boolean;
}

/** The built console (`index.html` and its assets), or why there is none. */
export type ConsoleBundle =
  | { available: true; dir: string; files: ReadonlyMap<string, ConsoleFile>; index: ConsoleFile }
  | { available: false; dir: string; reason: string };

/** Most files a console build may hold, and their total size: a wrong CONSOLE_DIR fails fast, not slowly. */
export const MAX_CONSOLE_FILES = 1_000;
export const MAX_CONSOLE_BYTES = 64 * 1024 * 1024;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

const COMPRESSIBLE = /^(text\/|application\/json|image\/svg)/;

// Compressed once, on first demand: a gateway start (tests start hundreds) pays nothing for files never asked.
function lazyGzip(body: Buffer): () => Buffer | undefined {
  let made: { gzipped: Buffer | undefined } | undefined;
  return () => {
    if (!made) {
      const gzipped = gzipSync(body);
      made = { gzipped: gzipped.byteLength < body.byteLength ? gzipped : undefined };
    }
    return made.gzipped;
  };
}

/** The content type of a console file, by its extension. */
export function consoleContentType(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/**
 * Read the built console under `dir` into memory, once at start: it is a few hundred kilobytes, every answer is
 * then a lookup (no path ever reaches the file system from a request), and a rebuild while the gateway runs
 * cannot serve half-written files. A missing build is not an error of the gateway: the console is then
 * unavailable, with the reason (the banner and the route say it).
 */
export async function loadConsoleBundle(dir: string): Promise<ConsoleBundle> {
  const indexStat = await stat(join(dir, "index.html")).catch(() => undefined);
  if (!indexStat?.isFile()) {
    return { available: false, dir, reason: `the console is not built (no index.html in ${dir})` };
  }
  const paths = await listFiles(dir);
  if (paths.length > MAX_CONSOLE_FILES) {
    return { available: false, dir, reason: `${dir} holds more than ${MAX_CONSOLE_FILES} files` };
  }
  const files = new Map<string, ConsoleFile>();
  let total = 0;
  for (const path of paths) {
    const body = await readFile(path);
    total += body.byteLength;
    if (total > MAX_CONSOLE_BYTES) {
      return { available: false, dir, reason: `${dir} holds more than ${MAX_CONSOLE_BYTES} bytes` };
    }
    const name = relative(dir, path).split(sep).join("/");
    const contentType = consoleContentType(name);
    files.set(name, {
      body,
      gzipped: COMPRESSIBLE.test(contentType) ? lazyGzip(body) : () => undefined,
      contentType,
      etag: `"${createHash("sha256").update(body).digest("base64url")}"`,
      immutable: name.startsWith("assets/"),
    });
  }
  return { available: true, dir, files, index: files.get("index.html")! };
}
