// A subscription that never misses an item across a dropped connection. Every stream of the gateway takes `after`
// (the cursor of the last item received) and replays what was stored after it before going live. The socket is
// brought back by graphql-ws (retrying with backoff); each time it re-sends a subscription, the feed's variables are
// read anew, so the subscription resumes after the last cursor received — no gap, no repeat — and the feed tells
// its status: live, reconnecting (since when, why), resumed (when, after which cursor, how many items caught up).

/** What a feed needs from graphql-ws's client (`Client.subscribe` and `Client.on`). */
export interface FeedTransport {
  subscribe(
    payload: { query: string; operationName?: string; variables: Record<string, unknown> },
    sink: { next(value: unknown): void; error(error: unknown): void; complete(): void },
  ): () => void;
  on(
    event: "connected",
    listener: (socket: unknown, payload: unknown, wasRetry: boolean) => void,
  ): () => void;
  on(event: "closed", listener: (event: unknown) => void): () => void;
  /**
   * Whether the socket is up right now. A feed started on a socket already connected (another feed opened it)
   * hears no `connected`: without this it would say "connecting" until its first item.
   */
  isConnected?(): boolean;
}

/** One resumption after a drop. */
export interface FeedResume {
  /** When the connection came back (epoch ms). */
  at: number;
  /** The cursor the feed resumed after (undefined: nothing had been received yet, so it started live again). */
  after: string | undefined;
  /** Items received since that were stored while the connection was down (replayed). */
  caughtUp: number;
}

/** What a feed tells the page. */
export interface FeedStatus {
  state: "connecting" | "live" | "reconnecting" | "failed";
  /** Cursor of the last item received. */
  cursor: string | undefined;
  /** Items received since the feed started. */
  received: number;
  /** When the connection dropped (epoch ms) while `reconnecting`, and why. */
  droppedAt?: number;
  dropReason?: string;
  /** The latest resumption, if the connection ever dropped. */
  lastResume?: FeedResume;
  /** How many times the feed resumed. */
  resumes: number;
  /** Why the feed stopped (`failed`): the gateway refused to go on (e.g. the replay limit). */
  error?: string;
}

/** Options of {@link startResumableFeed}. */
export interface ResumableFeedOptions<T> {
  transport: FeedTransport;
  query: string;
  operationName?: string;
  /** Variables besides `after`. */
  variables?: Record<string, unknown>;
  /** Resume after this cursor from the start (e.g. one kept from an earlier visit). */
  after?: string;
  /** The item of one `next` payload's data (e.g. `data.callEvents`); undefined when the payload holds none. */
  itemOf(data: unknown): T | undefined;
  /** The item's stream cursor. */
  cursorOf(item: T): string;
  /** When the gateway stored the item (epoch ms), to count what a resumption caught up. */
  storedAtOf?(item: T): number | undefined;
  onItem(item: T): void;
  onStatus(status: FeedStatus): void;
  /** The clock. @default Date.now */
  now?: () => number;
}

/** A running feed. */
export interface ResumableFeed {
  /** Stop the subscription (the page went away). */
  stop(): void;
}

function describeClose(event: unknown): string {
  if (typeof event === "object" && event !== null) {
    const { code, reason } = event as { code?: number; reason?: string };
    if (reason) return reason;
    if (code !== undefined) return code === 1006 ? "the connection was lost" : `closed with code ${code}`;
  }
  return "the connection was lost";
}

function describeError(error: unknown): string {
  if (Array.isArray(error)) return error.map((e: { message?: string }) => e.message ?? String(e)).join("; ");
  if (error instanceof Error) return error.message;
  return describeClose(error);
}

/** Start a feed: subscribe now, resume after the last cursor whenever graphql-ws brings the socket back. */
export function startResumableFeed<T>(options: ResumableFeedOptions<T>): ResumableFeed {
  const now = options.now ?? Date.now;
  let status: FeedStatus = { state: "connecting", cursor: options.after, received: 0, resumes: 0 };
  let stopped = false;
  let subscribed = false;
  const setStatus = (change: Partial<FeedStatus>) => {
    status = { ...status, ...change };
    if (!stopped) options.onStatus(status);
  };

  // graphql-ws reads the payload each time it (re)sends the subscription: the getter puts the latest cursor in.
  const payload = {
    query: options.query,
    ...(options.operationName ? { operationName: options.operationName } : {}),
    get variables() {
      return { ...options.variables, ...(status.cursor !== undefined ? { after: status.cursor } : {}) };
    },
  };

  const offClosed = options.transport.on("closed", (event) => {
    // Each failed attempt to reconnect closes again: the drop is the first close.
    if (!subscribed || status.state === "failed" || status.state === "reconnecting") return;
    setStatus({ state: "reconnecting", droppedAt: now(), dropReason: describeClose(event) });
  });
  const offConnected = options.transport.on("connected", (_socket, _payload, wasRetry) => {
    if (!subscribed || status.state === "failed") return;
    if (status.state === "reconnecting" || wasRetry) {
      const lastResume: FeedResume = { at: now(), after: status.cursor, caughtUp: 0 };
      setStatus({ state: "live", lastResume, resumes: status.resumes + 1, droppedAt: undefined });
    } else {
      setStatus({ state: "live" });
    }
  });

  const unsubscribe = options.transport.subscribe(payload, {
    next(value) {
      const data = (value as { data?: unknown; errors?: unknown[] }).data;
      const errors = (value as { errors?: unknown[] }).errors;
      if (errors?.length && data == null) {
        setStatus({ state: "failed", error: describeError(errors) });
        return;
      }
      const item = options.itemOf(data);
      if (item === undefined) return;
      const cursor = options.cursorOf(item);
      // The gateway never repeats an item after a cursor; a repeat could only come from a bug: skip it.
      if (cursor === status.cursor) return;
      const storedAt = options.storedAtOf?.(item);
      const resume = status.lastResume;
      const caughtUp =
        resume && storedAt !== undefined && storedAt < resume.at
          ? { ...resume, caughtUp: resume.caughtUp + 1 }
          : resume;
      setStatus({
        cursor,
        received: status.received + 1,
        ...(status.state === "connecting" ? { state: "live" as const } : {}),
        ...(caughtUp ? { lastResume: caughtUp } : {}),
      });
      options.onItem(item);
    },
    error(error) {
      setStatus({ state: "failed", error: describeError(error) });
    },
    complete() {
      if (status.state !== "failed" && !stopped)
        setStatus({ state: "failed", error: "The gateway ended the feed." });
    },
  });
  subscribed = true;
  if (status.state === "connecting" && options.transport.isConnected?.()) setStatus({ state: "live" });

  return {
    stop() {
      stopped = true;
      offClosed();
      offConnected();
      unsubscribe();
    },
  };
}
