import type { Readable } from "node:stream";

/** Bytes of a file's start kept for sniffing its type (what `file-type` needs at most). */
export const SNIFF_BYTES = 4100;

/** A file written to staging: complete, measured and hashed, but not yet visible under any key. */
export interface StagedFile {
  size: number;
  sha256: Uint8Array;
  /** The first {@link SNIFF_BYTES} bytes (fewer for a smaller file). */
  head: Uint8Array;
  /** Make the file the one stored under `key` (replacing any earlier one, atomically). */
  commit(key: string): Promise<void>;
  /** Remove the staged file. Safe after `commit` and twice. */
  discard(): Promise<void>;
}

/** A byte range, both ends included, as `Range: bytes=start-end` asks. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where archived recordings are kept. Writing is in two steps, so that no partial file is ever stored under a
 * key: `stage` streams the bytes into a staging file (failing as a whole), `commit` moves the complete file
 * into place. Tests inject write failures by wrapping an implementation (the gateway runs as root in CI, so
 * file permissions cannot cause them).
 */
export interface RecordingStorage {
  /** What and where it is, for logs (`directory /var/lib/privnum/recordings`). */
  readonly description: string;
  /**
   * Stream `body` into a staging file. An error of `body` (the download failed) is rethrown as it is; a
   * failure of the storage itself is a {@link RecordingStorageError}; more than `maxBytes` is a
   * {@link RecordingTooLargeError}. Either way nothing stays behind.
   */
  stage(body: AsyncIterable<Uint8Array>, options: { maxBytes: number }): Promise<StagedFile>;
  /** The stored bytes of `key` (a range of them); undefined when there is no such file. */
  read(key: string, range?: ByteRange): Promise<Readable | undefined>;
  /** The size of the file stored under `key`; undefined when there is none. */
  stat(key: string): Promise<{ size: number } | undefined>;
  /** Delete the file under `key`; false when there was none. */
  delete(key: string): Promise<boolean>;
  /** Write and remove a small file: throws a {@link RecordingStorageError} when the storage cannot write. */
  probe(): Promise<void>;
}

/** The storage itself failed (a full disk, an unwritable directory, an injected fault). */
export class RecordingStorageError extends Error {
  override name = "RecordingStorageError";
}

/** A download grew past `RECORDINGS_MAX_BYTES`. */
export class RecordingTooLargeError extends Error {
  override name = "RecordingTooLargeError";

  constructor(readonly maxBytes: number) {
    super(`the file is larger than ${maxBytes} bytes (RECORDINGS_MAX_BYTES)`);
  }
}
