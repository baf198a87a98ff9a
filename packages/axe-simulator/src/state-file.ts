import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import writeFileAtomic from "write-file-atomic";
import { SimulatorStateFileError } from "./errors.js";
import { type SimulatorSnapshot, STATE_FORMAT_VERSION, snapshotSchema } from "./snapshot.js";

/** Name of the state file inside `dataDir`. */
export const STATE_FILE_NAME = "axe-simulator-state.json";

/** Shortest wait between a change and the write that saves it (real ms): a burst of changes makes one write. */
const MIN_WRITE_DELAY_MS = 50;
/** Longest wait between a change and its write, however slow writes get (real ms). */
const MAX_WRITE_DELAY_MS = 2_000;
/** A write may take at most this share of the time, so a large state is written less often. */
const WRITE_DELAY_PER_WRITE_MS = 4;

/** Path of the state file of `dataDir`. */
export function stateFilePath(dataDir: string): string {
  return join(dataDir, STATE_FILE_NAME);
}

/**
 * Reads and validates the state file; `undefined` when there is none yet. Anything else it cannot use throws
 * {@link SimulatorStateFileError} naming the file: the simulator never starts empty over a state it could not read.
 */
export function readStateFile(file: string): SimulatorSnapshot | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new SimulatorStateFileError(file, `cannot read it (${(error as Error).message})`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new SimulatorStateFileError(file, `it is not valid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new SimulatorStateFileError(file, "it does not hold a JSON object");
  }
  const version = (raw as { version?: unknown }).version;
  if (version !== STATE_FORMAT_VERSION) {
    const found = version === undefined ? "no format version" : `format version ${JSON.stringify(version)}`;
    throw new SimulatorStateFileError(
      file,
      `it has ${found}, and this simulator reads format version ${STATE_FORMAT_VERSION}`,
    );
  }
  const parsed = snapshotSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.map(String).join(".") || "(root)";
    throw new SimulatorStateFileError(file, `invalid content at ${where}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Saves the state after changes: coalesced (one write for a burst of changes, never two at once) and atomic
 * (temporary file, fsync, rename), so the file always holds a complete state, old or new.
 */
export class StateFileWriter {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  private lastWriteMs = 0;

  constructor(
    private readonly file: string,
    private readonly takeSnapshot: () => SimulatorSnapshot,
    /** Receives the errors of background writes (the state stays marked changed, so the next write retries). */
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Notes that the state changed; it is written a little later, together with the changes that follow. */
  changed(): void {
    this.dirty = true;
    if (this.timer) return;
    const delay = Math.min(
      MAX_WRITE_DELAY_MS,
      Math.max(MIN_WRITE_DELAY_MS, this.lastWriteMs * WRITE_DELAY_PER_WRITE_MS),
    );
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.write().catch(this.onError);
    }, delay);
  }

  /** Writes the current state now (after any write in progress) and cancels the pending delayed write. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.dirty = true;
    return this.write();
  }

  private write(): Promise<void> {
    const run = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      const started = performance.now();
      try {
        // The snapshot is taken when the write starts, so it holds every change made before.
        const text = JSON.stringify(this.takeSnapshot());
        await writeFileAtomic(this.file, text, { encoding: "utf8", fsync: true });
      } catch (error) {
        this.dirty = true;
        throw error;
      } finally {
        this.lastWriteMs = performance.now() - started;
      }
    });
    this.writing = run.catch(() => {});
    return run;
  }
}
