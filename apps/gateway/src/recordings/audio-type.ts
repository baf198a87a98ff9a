import { fileTypeFromBuffer } from "file-type";

/** What a file's bytes say it is. */
export interface AudioType {
  mime: string;
  extension: string;
}

/**
 * The audio type of a file from its first bytes (its signature, through `file-type`: WAV, MP3, AMR, OGG,
 * M4A, FLAC …), or undefined when they are not audio. The declared `Content-Type` is not trusted: an error
 * page served with status 200 is the case this guards against.
 */
export async function sniffAudioType(head: Uint8Array): Promise<AudioType | undefined> {
  const found = await fileTypeFromBuffer(head);
  if (!found?.mime.startsWith("audio/")) return undefined;
  return { mime: found.mime, extension: found.ext };
}
