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

/** The shared known-answer vectors, read from the repository's `shared/vectors` (never copied). */
export const vectors: Vectors = JSON.parse(
  readFileSync(new URL("../../../../shared/vectors/wsse.json", import.meta.url), "utf8"),
);
