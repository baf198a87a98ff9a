import type { PersistedRecording } from "./snapshot.js";
import { isoTime } from "./time-format.js";
import type { RecordingSnapshot } from "./types.js";

interface Recording {
  appKey: string;
  recordDomain: string;
  fileName: string;
  sessionId: string;
  seconds: number;
  createdAt: number;
  expiresAt?: number;
}

/**
 * Recordings of answered calls of recorded bindings (≥ 3 s of talk, docs/axe-platform.md §3). A recording is
 * kept for the retention period counted from the push of its CDR (docs/axe-platform.md §9); before that push
 * it is always available.
 */
export class RecordingStore {
  private readonly byFile = new Map<string, Recording>();

  constructor(
    private readonly now: () => number,
    private readonly retentionMs: number,
  ) {}

  add(recording: Omit<Recording, "expiresAt">): void {
    this.byFile.set(recording.fileName, { ...recording });
  }

  /** Starts the retention clock of a recording whose CDR is being pushed. */
  startRetention(fileName: string): void {
    const rec = this.byFile.get(fileName);
    if (rec && rec.expiresAt === undefined) rec.expiresAt = this.now() + this.retentionMs;
  }

  /** The live recording of `fileName`, if any (expired ones are purged here). */
  find(fileName: string): Recording | undefined {
    const rec = this.byFile.get(fileName);
    if (!rec) return undefined;
    if (rec.expiresAt !== undefined && this.now() >= rec.expiresAt) {
      this.byFile.delete(fileName);
      return undefined;
    }
    return rec;
  }

  /** Every live recording as data, for the state file (the WAV itself is generated from it on download). */
  persisted(): PersistedRecording[] {
    return [...this.byFile.keys()]
      .map((f) => this.find(f))
      .filter((r): r is Recording => r !== undefined)
      .map((r) => ({ ...r }));
  }

  /** Adds the recordings of a previous run. */
  restore(recordings: readonly PersistedRecording[]): void {
    for (const r of recordings) this.byFile.set(r.fileName, { ...r });
  }

  snapshot(): RecordingSnapshot[] {
    return [...this.byFile.keys()]
      .map((f) => this.find(f))
      .filter((r): r is Recording => r !== undefined)
      .map((r) => ({
        appKey: r.appKey,
        recordDomain: r.recordDomain,
        fileName: r.fileName,
        sessionId: r.sessionId,
        seconds: r.seconds,
        createdAt: isoTime(r.createdAt),
        ...(r.expiresAt !== undefined ? { expiresAt: isoTime(r.expiresAt) } : {}),
      }));
  }
}
