import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { foldCallSession } from "../src/index.js";
import { loadSession } from "./helpers.js";

// The platform re-pushes events (up to 6 times) and does not order them: however a session's events and
// CDRs arrive — shuffled, each any number of times — the fold must be the same as for the ordered set.

const SESSIONS = [
  "callee",
  "callback",
  "failure-8022-no-binding",
  "failure-8033-empty-extension",
  "failure-7516-hung-up-before-digits",
  "failure-8019-no-callback-record",
  "failure-8025-unknown-x",
];

/** Each item 1–4 times (copies parsed afresh, so they are equal but not the same objects), shuffled. */
function duplicatedAndShuffled<T>(items: readonly T[], copies: readonly (readonly T[])[]) {
  return fc
    .tuple(
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: items.length, maxLength: items.length }),
      fc.infiniteStream(fc.nat()),
    )
    .map(([counts, randomness]) => {
      const out: T[] = [];
      counts.forEach((count, index) => {
        for (let copy = 0; copy < count; copy++)
          out.push((copies[copy % copies.length] as readonly T[])[index] as T);
      });
      // Fisher–Yates driven by the generated stream, so fast-check can shrink a failing order.
      const stream = randomness[Symbol.iterator]();
      for (let i = out.length - 1; i > 0; i--) {
        const j = (stream.next().value as number) % (i + 1);
        [out[i], out[j]] = [out[j] as T, out[i] as T];
      }
      return out;
    });
}

describe("foldCallSession", () => {
  it.each(SESSIONS)("gives the same session for any duplication and order of %s", (folder) => {
    const ordered = loadSession(folder);
    const copies = [loadSession(folder), loadSession(folder), loadSession(folder)];
    const expected = foldCallSession(ordered.events, ordered.records);
    fc.assert(
      fc.property(
        duplicatedAndShuffled(
          ordered.events,
          copies.map((copy) => copy.events),
        ),
        duplicatedAndShuffled(
          ordered.records,
          copies.map((copy) => copy.records),
        ),
        (events, records) => {
          expect(foldCallSession(events, records)).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("gives the same session for any duplication and order of any subset of a session's events", () => {
    const ordered = loadSession("callee");
    const copies = [loadSession("callee"), loadSession("callee")];
    const all = [...ordered.events.map((_, i) => i)];
    fc.assert(
      fc.property(
        fc.subarray(all, { minLength: 1 }),
        fc.boolean(),
        fc.infiniteStream(fc.nat()),
        (indices, withRecords, randomness) => {
          const pick = (source: typeof ordered) => indices.map((i) => source.events[i]!);
          const expected = foldCallSession(pick(ordered), withRecords ? ordered.records : []);
          const messy = [...pick(ordered), ...pick(copies[0]!), ...pick(copies[1]!).slice(0, 2)];
          const stream = randomness[Symbol.iterator]();
          messy.sort(() => ((stream.next().value as number) % 3) - 1);
          const records = withRecords ? [...copies[1]!.records, ...ordered.records] : [];
          expect(foldCallSession(messy, records)).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });
});
