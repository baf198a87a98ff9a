/** A deterministic stream of numbers in [0, 1). */
export interface RandomStream {
  next(): number;
  /** An integer in [0, max). */
  int(max: number): number;
  /** `bytes` random bytes as lowercase hex. */
  hex(bytes: number): string;
  /** The generator's internal 32-bit state, for the state file. */
  state(): number;
  /** Continues from a state returned by {@link RandomStream.state} (a restart then never repeats a draw). */
  restore(state: number): void;
}

// xmur3 string hash: spreads a seed and a stream name into a 32-bit state.
function hashSeed(text: string): number {
  let h = 1779033703 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  h = Math.imul(h ^ (h >>> 16), 2246822507);
  h = Math.imul(h ^ (h >>> 13), 3266489909);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A seeded mulberry32 stream. Each concern (push faults, API faults, IDs, number choice) gets its own named
 * stream so that activity in one never shifts the outcomes of another: the same seed and the same sequence of
 * pushes give the same fault outcomes whatever the API traffic was.
 */
export function createRandomStream(seed: number, name: string): RandomStream {
  let state = hashSeed(`${seed}:${name}`);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (max) => Math.floor(next() * max),
    hex: (bytes) => {
      let out = "";
      for (let i = 0; i < bytes; i++)
        out += Math.floor(next() * 256)
          .toString(16)
          .padStart(2, "0");
      return out;
    },
    state: () => state,
    restore: (saved) => {
      state = saved >>> 0;
    },
  };
}
