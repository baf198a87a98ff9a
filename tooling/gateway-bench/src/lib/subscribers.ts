// WebSocket subscribers for P3 and P4: real graphql-ws clients on the gateway, authenticated at
// `connection_init` as a frontend would be, and plain `ws` sockets on the bare baseline server.
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import type { SocketTarget } from "./jobs.js";

const CONNECT_TIMEOUT_MS = 30_000;

/** An open subscriber. */
export interface Subscriber {
  close(): void;
}

/** The selection a live console would ask for. */
export const CALL_EVENTS_SUBSCRIPTION =
  "subscription { callEvents { cursor sessionId eventType platformTimestamp virtualNum subscriptionId } }";

/** Identifies a pushed event in what a subscriber receives: `sessionId|platform timestamp`. */
export type EventKey = string;

function keyOfGatewayData(data: unknown): EventKey | undefined {
  const event = (data as { callEvents?: { sessionId?: string; platformTimestamp?: string } } | null)
    ?.callEvents;
  return event?.sessionId ? `${event.sessionId}|${event.platformTimestamp}` : undefined;
}

function keyOfPushedBody(text: string): EventKey | undefined {
  const body = JSON.parse(text) as { statusInfo?: { sessionId?: string; timestamp?: string } };
  return body.statusInfo?.sessionId ? `${body.statusInfo.sessionId}|${body.statusInfo.timestamp}` : undefined;
}

/** Key of a pushed call event body, as {@link openSubscriber}'s `onEvent` reports it. */
export function keyOfPush(push: { statusInfo: Record<string, unknown> }): EventKey {
  return `${push.statusInfo.sessionId}|${push.statusInfo.timestamp}`;
}

/** Where a subscriber connects; `authorization` is what a gateway socket presents at `connection_init`. */
export interface SocketServer {
  target: SocketTarget;
  wsUrl: string;
  authorization?: string | undefined;
}

/**
 * Open one subscriber and resolve once the server accepted the connection (graphql-ws `connection_ack`,
 * or the socket's `open` on the bare server). `onEvent` receives each event's key; `onError` any failure
 * after that. The gateway refuses a socket without valid credentials (close code 4403): that rejects.
 */
export function openSubscriber(
  { target, wsUrl, authorization }: SocketServer,
  onEvent: (key: EventKey) => void,
  onError: (error: unknown) => void,
): Promise<Subscriber> {
  if (!wsUrl.startsWith("ws://127.0.0.1:")) throw new Error(`bench traffic stays on 127.0.0.1 (${wsUrl})`);
  if (target === "gateway" && !authorization) {
    throw new Error("a gateway subscriber needs an Authorization value for connection_init");
  }
  if (target === "bare") {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(wsUrl, { handshakeTimeout: CONNECT_TIMEOUT_MS });
      socket.once("open", () => {
        socket.off("error", reject);
        socket.on("error", onError);
        resolve({ close: () => socket.terminate() });
      });
      socket.once("error", reject);
      socket.on("message", (data) => {
        const key = keyOfPushedBody(String(data));
        if (key) onEvent(key);
      });
    });
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization },
      retryAttempts: 0,
      lazy: true,
      connectionAckWaitTimeout: CONNECT_TIMEOUT_MS,
      on: {
        connected: () => {
          settled = true;
          resolve({ close: () => void client.dispose() });
        },
      },
    });
    client.subscribe(
      { query: CALL_EVENTS_SUBSCRIPTION },
      {
        next: (result) => {
          if (result.errors) onError(new Error(JSON.stringify(result.errors).slice(0, 300)));
          const key = keyOfGatewayData(result.data);
          if (key) onEvent(key);
        },
        error: (error) => {
          if (!settled) {
            settled = true;
            reject(error instanceof Error ? error : new Error(describeCloseEvent(error)));
          } else onError(error);
        },
        complete: () => {},
      },
    );
  });
}

function describeCloseEvent(error: unknown): string {
  const event = error as { code?: number; reason?: string; message?: string };
  return event.message ?? `socket closed (${event.code ?? "?"} ${event.reason ?? ""})`;
}

/** Open `count` subscribers, `concurrency` at a time; failures are counted, not thrown. */
export async function openMany(
  count: number,
  concurrency: number,
  open: () => Promise<Subscriber>,
): Promise<{ opened: Subscriber[]; failed: number; errorSamples: string[] }> {
  const opened: Subscriber[] = [];
  const errorSamples: string[] = [];
  let failed = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        next++;
        try {
          opened.push(await open());
        } catch (error) {
          failed++;
          if (errorSamples.length < 5) errorSamples.push(describeCloseEvent(error));
        }
      }
    }),
  );
  return { opened, failed, errorSamples };
}
