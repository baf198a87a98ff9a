const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** A notification time: UTC `yyyy-MM-dd HH:mm:ss` (docs/axe-platform.md §8.0, §16.4). */
export function formatPlatformTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}`;
}

/** UTC `yyyyMMddHHmmss`, as embedded in platform session IDs. */
export function compactTime(ms: number): string {
  return formatPlatformTime(ms).replace(/[- :]/g, "");
}

/** ISO-8601 with `Z`, for the simulator's own reports. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
