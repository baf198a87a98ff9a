import type { AxeClient, RecordingRef } from "@privnum/axe-api";

/**
 * How long a download URL from GetRecordingDownloadUrl stays valid: 3 days (docs/axe-platform.md §9, the
 * platform's last statement on it).
 */
export const RECORDING_URL_VALIDITY_MS = 3 * 24 * 60 * 60 * 1000;

/** How long the platform keeps a recording, counted from the push of its CDR (docs/axe-platform.md §9). */
export const RECORDING_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * How much earlier than its validity ends a cached URL is dropped: a client handed a URL has at least this
 * long to use it, and a platform that shortened the validity a little is covered.
 */
export const RECORDING_URL_SAFETY_MARGIN_MS = 12 * 60 * 60 * 1000;

/** Download URLs kept at most; the least recently used goes first. */
export const RECORDING_URL_CACHE_ENTRIES = 5000;

/** A recording to ask about, and when its CDR arrived (the platform deletes it 7 days after). */
export interface RecordingToAsk extends RecordingRef {
  cdrReceivedAt: Date;
}

/**
 * What a platform request is charged to (a GraphQL execution's budget, graphql/platform-call-budget.ts):
 * `spend` throws when no call is left.
 */
export interface PlatformCallAllowance {
  spend(): void;
}

/**
 * Recording download URLs, shared across requests: a URL asked from the platform is reused while it is
 * valid, and concurrent asks for one recording share one platform request. Only a real platform request
 * is charged to the asker's {@link PlatformCallAllowance}; failures are not kept.
 */
export interface RecordingUrlCache {
  /** The download URL of `recording`: cached, joined to an ask under way, or asked now (spending `budget`). */
  downloadUrl(recording: RecordingToAsk, budget: PlatformCallAllowance): Promise<string>;
  /** URLs held now. */
  readonly size: number;
}

/** What {@link createRecordingUrlCache} needs. */
export interface RecordingUrlCacheOptions {
  /** The platform client (may throw before the gateway started). */
  platform: () => Pick<AxeClient, "getRecordingDownloadUrl">;
  /** The platform's clock (the embedded simulator's virtual clock, or the wall clock). */
  now: () => Date;
  /** @default RECORDING_URL_CACHE_ENTRIES */
  maxEntries?: number;
}

interface CachedUrl {
  url: string;
  /** Epoch ms after which the URL is asked again. */
  freshUntil: number;
}

const keyOf = ({ recordDomain, fileName }: RecordingRef) => `${recordDomain}\u0000${fileName}`;

/**
 * A {@link RecordingUrlCache}. The least-recently-used order is a `Map`'s insertion order (a hit moves its
 * entry to the end): a few lines, where an LRU package would be a dependency the gateway does not have.
 */
export function createRecordingUrlCache({
  platform,
  now,
  maxEntries = RECORDING_URL_CACHE_ENTRIES,
}: RecordingUrlCacheOptions): RecordingUrlCache {
  const cached = new Map<string, CachedUrl>();
  const asking = new Map<string, Promise<string>>();

  function remember(key: string, entry: CachedUrl): void {
    cached.delete(key);
    cached.set(key, entry);
    while (cached.size > maxEntries) cached.delete(cached.keys().next().value!);
  }

  function ask(key: string, recording: RecordingToAsk): Promise<string> {
    const askedAt = now().getTime();
    const { recordDomain, fileName } = recording;
    // Asked on the next tick, so that `asking` holds the answer before anything can settle it.
    const answer = Promise.resolve()
      .then(() => platform().getRecordingDownloadUrl({ recordDomain, fileName }))
      .then((url) => {
        const validUntil = Math.min(
          askedAt + RECORDING_URL_VALIDITY_MS,
          recording.cdrReceivedAt.getTime() + RECORDING_RETENTION_MS,
        );
        const freshUntil = validUntil - RECORDING_URL_SAFETY_MARGIN_MS;
        if (freshUntil > askedAt) remember(key, { url, freshUntil });
        return url;
      })
      .finally(() => asking.delete(key));
    asking.set(key, answer);
    return answer;
  }

  return {
    downloadUrl(recording, budget) {
      const key = keyOf(recording);
      const hit = cached.get(key);
      if (hit) {
        if (now().getTime() < hit.freshUntil) {
          remember(key, hit);
          return Promise.resolve(hit.url);
        }
        cached.delete(key);
      }
      const underWay = asking.get(key);
      if (underWay) return underWay;
      try {
        budget.spend();
      } catch (error) {
        return Promise.reject(error);
      }
      return ask(key, recording);
    },
    get size() {
      return cached.size;
    },
  };
}
