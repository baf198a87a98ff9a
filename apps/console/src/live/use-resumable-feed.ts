import { stringifyDocument } from "@urql/core";
import type { TadaDocumentNode } from "gql.tada";
import { useEffect, useRef, useState } from "react";
import { useSession } from "../session/session.js";
import { type FeedStatus, type FeedTransport, startResumableFeed } from "./resumable-feed.js";

/** Options of {@link useResumableFeed}. */
export interface UseResumableFeedOptions<Data, T> {
  /** Variables besides `after`; the feed restarts (from now) when they change. */
  variables?: Record<string, unknown>;
  /** The item of one payload's data (e.g. `data.callEvents`). */
  itemOf(data: Data): T | undefined;
  cursorOf(item: T): string;
  /** When the gateway stored the item (epoch ms), to count what a resumption caught up. */
  storedAtOf?(item: T): number | undefined;
  /** Told of every item, in stream order, once. */
  onItem(item: T): void;
  /** Subscribe only while true. @default true */
  enabled?: boolean;
}

/** The feed's status, and a way to start it again from now after it failed. */
export interface ResumableFeedState {
  status: FeedStatus;
  /** Start again from now (after `failed`): items stored meanwhile are not replayed. */
  restart(): void;
}

const INITIAL: FeedStatus = { state: "connecting", cursor: undefined, received: 0, resumes: 0 };

/**
 * Subscribe to a gateway stream (`document` has one subscription field taking `after`) for as long as the component
 * lives, resuming after the last cursor whenever the connection comes back (resumable-feed.ts).
 */
export function useResumableFeed<Data, T>(
  // biome-ignore lint/suspicious/noExplicitAny: any subscription document; its variables are given loosely.
  document: TadaDocumentNode<Data, any>,
  options: UseResumableFeedOptions<Data, T>,
): ResumableFeedState {
  const { client } = useSession();
  const [status, setStatus] = useState<FeedStatus>(INITIAL);
  const [generation, setGeneration] = useState(0);
  // The callbacks change on every render; the feed reads the latest ones.
  const latest = useRef(options);
  latest.current = options;
  const query = stringifyDocument(document);
  const variablesKey = JSON.stringify(options.variables ?? {});
  const enabled = options.enabled ?? true;

  // A new generation (restart) starts a new feed.
  useEffect(() => {
    if (!enabled) return;
    setStatus(INITIAL);
    const transport: FeedTransport = {
      subscribe: (payload, sink) => client.ws.subscribe(payload, sink),
      on: client.ws.on.bind(client.ws) as FeedTransport["on"],
      isConnected: () => client.socketStatus.get().state === "connected",
    };
    const feed = startResumableFeed<T>({
      transport,
      query,
      variables: JSON.parse(variablesKey) as Record<string, unknown>,
      itemOf: (data) => latest.current.itemOf(data as Data),
      cursorOf: (item) => latest.current.cursorOf(item),
      storedAtOf: (item) => latest.current.storedAtOf?.(item),
      onItem: (item) => latest.current.onItem(item),
      onStatus: setStatus,
    });
    return () => feed.stop();
  }, [client, query, variablesKey, enabled, generation]);

  return { status, restart: () => setGeneration((g) => g + 1) };
}
