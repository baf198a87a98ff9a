import { Readable } from "node:stream";
import { sql } from "kysely";
import type { RunningGateway } from "../../src/app.js";
import { cdr, signedHeaders } from "./notifications.js";

/** When the recordings these helpers archive were archived (whole seconds, as `Last-Modified` says). */
export const ARCHIVED_AT = new Date("2026-06-01T10:05:00Z");

/** Store a CDR for each of `icids` by a signed fee push to /notify, as the platform sends it. */
export async function pushCdrs(gateway: RunningGateway, icids: readonly string[]): Promise<void> {
  const at = new Date("2026-06-01T10:00:00Z");
  const response = await gateway.yoga.fetch("http://gateway.test/notify", {
    method: "POST",
    headers: signedHeaders(),
    body: JSON.stringify({ eventType: "fee", feeLst: icids.map((icid) => cdr(icid, `s-${icid}`, at)) }),
  });
  if (response.status !== 200) throw new Error(`the fee push was answered ${response.status}`);
}

/**
 * Archive `bytes` as the recording of the CDR `icid` without the archiver: written through the gateway's
 * storage (stage + commit) under `key`, and its `recordings` row set `ARCHIVED`. Returns the SHA-256 (hex).
 */
export async function archiveRecording(
  gateway: RunningGateway,
  icid: string,
  bytes: Uint8Array,
  { key = `test/${icid}.wav`, contentType = "audio/wav" }: { key?: string; contentType?: string } = {},
): Promise<{ key: string; sha256: string }> {
  const { db, recordingStorage } = gateway.services;
  const staged = await recordingStorage.stage(Readable.from([bytes]), { maxBytes: bytes.byteLength + 1 });
  await staged.commit(key);
  const { id } = await db
    .selectFrom("call_records")
    .select("id")
    .where("icid", "=", icid)
    .executeTakeFirstOrThrow();
  await sql`insert into recordings
      (call_record_id, state, storage_key, size_bytes, content_type, sha256, archived_at)
    values (${id}, 'ARCHIVED', ${key}, ${bytes.byteLength}, ${contentType}, ${Buffer.from(staged.sha256)},
      ${ARCHIVED_AT.toISOString()}::timestamptz)
    on conflict (call_record_id) do update set state = excluded.state, storage_key = excluded.storage_key,
      size_bytes = excluded.size_bytes, content_type = excluded.content_type, sha256 = excluded.sha256,
      archived_at = excluded.archived_at`.execute(db);
  return { key, sha256: Buffer.from(staged.sha256).toString("hex") };
}

/**
 * A small real WAV file (8 kHz, 16-bit mono PCM, a 440 Hz tone) of `samples` samples: a 44-byte header and
 * the samples. Deterministic. (The simulator's `generateWav` is not exported by its package.)
 */
export function testWav(samples: number): Buffer {
  const dataBytes = samples * 2;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write("RIFF", 0, "ascii");
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write("WAVEfmt ", 8, "ascii");
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(8000, 24);
  wav.writeUInt32LE(16_000, 28); // bytes per second
  wav.writeUInt16LE(2, 32); // block align
  wav.writeUInt16LE(16, 34); // bits per sample
  wav.write("data", 36, "ascii");
  wav.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples; i++) {
    wav.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / 8000) * 8000), 44 + i * 2);
  }
  return wav;
}
