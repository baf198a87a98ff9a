import { readFileSync } from "node:fs";
import type { Scheme } from "../src/index.js";

export interface VectorCase {
  appKey: string;
  appSecret: string;
  nonce: string;
  created: string;
  passwordDigest: Record<Scheme, string>;
  xHeader: Record<Scheme, string>;
}

export interface Vectors {
  authorizationHeader: Record<Scheme, string>;
  tokenHeaderName: Record<Scheme, string>;
  cases: VectorCase[];
}

/**
 * The known-answer vectors of the three digest schemes (docs/axe-platform.md §16.1), kept in this package's
 * `test/fixtures/wsse.json` so that its tests stand alone; the simulator's interop test holds the same file.
 */
export const vectors: Vectors = JSON.parse(
  readFileSync(new URL("./fixtures/wsse.json", import.meta.url), "utf8"),
);
