import { issue, type ParseIssue, type ParseIssueCode } from "./issues.js";

/** The limits {@link inspectValue} enforces. */
export interface InspectLimits {
  readonly maxStringLength: number;
  readonly maxDepth: number;
}

// Keys that turn into prototype writes as soon as a consumer merges the body into another object
// (`Object.assign`, spread into a class instance, lodash merge …). The platform never sends them.
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Walks a value and enforces what a schema of known fields cannot see: the string-length limit, forbidden
 * keys and the nesting depth. `depth` is the depth of `value` itself (the body is 1). Issues are appended to
 * `out` with paths relative to `value`; the walk stops once `out` holds `limit` issues. Recursion is bounded
 * by `maxDepth`, so even a cyclic object (possible for non-JSON input) terminates.
 */
export function inspectValue(
  value: unknown,
  limits: InspectLimits,
  out: ParseIssue[],
  limit: number,
  depth = 1,
): void {
  const path: (string | number)[] = [];
  const { maxStringLength, maxDepth } = limits;
  const report = (code: ParseIssueCode, message: string) => out.push(issue(code, path.slice(), message));

  const visit = (node: unknown, level: number): void => {
    if (typeof node === "string") {
      if (node.length > maxStringLength) {
        report(
          "string-too-long",
          `string of ${node.length} characters; at most ${maxStringLength} allowed (maxStringLength)`,
        );
      }
      return;
    }
    if (node === null || typeof node !== "object") return;
    if (level > maxDepth) {
      report("too-deep", `objects and arrays nested deeper than ${maxDepth} levels (maxDepth)`);
      return;
    }
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length && out.length < limit; i++) {
        path.push(i);
        visit(node[i], level + 1);
        path.pop();
      }
      return;
    }
    const keys = Object.keys(node);
    for (let i = 0; i < keys.length && out.length < limit; i++) {
      const key = keys[i] as string;
      if (key.length > maxStringLength) {
        // The key itself is not put into the path: it is the over-long part.
        report(
          "string-too-long",
          `a key of ${key.length} characters; at most ${maxStringLength} allowed (maxStringLength)`,
        );
        continue;
      }
      path.push(key);
      if (FORBIDDEN_KEYS.has(key)) report("forbidden-key", `the key "${key}" is not allowed`);
      else visit((node as Record<string, unknown>)[key], level + 1);
      path.pop();
    }
  };

  visit(value, depth);
}
