// A lean keep-alive HTTP client for the load generators: node:http costs the generator less CPU per request
// than fetch, and on a 2-core machine every cycle the generator spends is taken from the server under test.
import { Agent, request } from "node:http";

/** An answer: status and body text. */
export interface HttpAnswer {
  status: number;
  body: string;
}

/** A keep-alive client bound to one server. */
export interface HttpClient {
  /** POST `body`; rejects on a network error, on a timeout, or when `accept(answer)` returns false. */
  post(path: string, headers: Record<string, string>, body: string): Promise<HttpAnswer>;
  /** Close the pooled sockets. */
  close(): void;
}

/** Options of {@link createHttpClient}. */
export interface HttpClientOptions {
  /** Most sockets open at once. @default 256 */
  maxSockets?: number;
  /** Give up on a request after this long, in ms. @default 10000 */
  timeoutMs?: number;
  /** What counts as success. @default status 200 */
  accept?: (answer: HttpAnswer) => boolean;
}

/** A client for `baseUrl` (http only: every bench server listens on 127.0.0.1). */
export function createHttpClient(baseUrl: string, options: HttpClientOptions = {}): HttpClient {
  const url = new URL(baseUrl);
  if (url.protocol !== "http:" || url.hostname !== "127.0.0.1") {
    throw new Error(`bench traffic stays on http://127.0.0.1 (got ${baseUrl})`);
  }
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 256 });
  const timeoutMs = options.timeoutMs ?? 10_000;
  const accept = options.accept ?? ((answer: HttpAnswer) => answer.status === 200);
  return {
    post(path, headers, body) {
      return new Promise((resolve, reject) => {
        const req = request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            path,
            method: "POST",
            headers: { ...headers, "content-length": Buffer.byteLength(body) },
            timeout: timeoutMs,
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("error", reject);
            res.on("end", () => {
              const answer = { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") };
              if (accept(answer)) resolve(answer);
              else reject(new Error(`HTTP ${answer.status}: ${answer.body.slice(0, 200)}`));
            });
          },
        );
        req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.on("error", reject);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}
