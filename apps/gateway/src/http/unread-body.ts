import {
  IncomingMessage,
  type OutgoingHttpHeader,
  type OutgoingHttpHeaders,
  ServerResponse,
} from "node:http";

/** Most bytes of a refused body read and thrown away after the answer, before the connection is cut. */
export const DEFAULT_DISCARD_BYTES = 8 * 1024 * 1024;
/** Longest wait for the rest of a refused body after the answer, before the connection is cut. */
export const DEFAULT_LINGER_MS = 10_000;

/**
 * A request whose body can be let go without resetting the connection. Closing a socket while the client is
 * still sending makes the kernel answer with a TCP reset, and the client then loses the answer it had not
 * read yet (the "lingering close" problem of RFC 9112 §9.6). So when a handler stops reading a body it
 * refused (it answered 413 or 429, and its stream was cancelled), or the server answers before reading it,
 * the request switches to discarding: the rest of the body is read and thrown away, up to
 * {@link DEFAULT_DISCARD_BYTES} and {@link DEFAULT_LINGER_MS}, while the answer goes out; past either the
 * connection is cut (the answer was sent long before).
 */
export class DiscardableRequest extends IncomingMessage {
  #discarding = false;
  #discarded = 0;
  #timer: NodeJS.Timeout | undefined;
  #whenReceived: (() => void)[] = [];

  /** Whether a body was announced (a length above 0, or chunked). */
  get expectsBody(): boolean {
    const length = this.headers["content-length"];
    return this.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
  }

  /** Whether the body is still arriving (announced, and not received whole yet). */
  get bodyOutstanding(): boolean {
    return !this.complete && this.expectsBody && !this.socket.destroyed;
  }

  /** Read and throw away the rest of the body from now on (bounded); idempotent. */
  discardBody(): void {
    if (this.#discarding) return;
    this.#discarding = true;
    this.#timer = setTimeout(() => this.#cut(), DEFAULT_LINGER_MS);
    this.#timer.unref();
    // The parser may have paused the socket while this stream's buffer was full.
    this.socket.resume();
  }

  /** Call `callback` once the body has been received whole (at once if it has), or the connection is gone. */
  whenBodyReceived(callback: () => void): void {
    if (!this.bodyOutstanding) callback();
    else this.#whenReceived.push(callback);
  }

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (!this.#discarding) return super.push(chunk, encoding);
    if (chunk === null) this.#received();
    else {
      this.#discarded += (chunk as Buffer).byteLength;
      if (this.#discarded > DEFAULT_DISCARD_BYTES) this.#cut();
    }
    return true;
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // A consumer that gives up on a body still arriving (the socket is alive: the client has not gone) would
    // otherwise destroy the socket under the answer. Discard the rest instead.
    if (this.bodyOutstanding) {
      this.discardBody();
      process.nextTick(callback, null);
      return;
    }
    super._destroy(error, callback);
  }

  #received(): void {
    clearTimeout(this.#timer);
    for (const callback of this.#whenReceived.splice(0)) callback();
  }

  #cut(): void {
    clearTimeout(this.#timer);
    this.socket.destroy();
    for (const callback of this.#whenReceived.splice(0)) callback();
  }
}

/**
 * A response that, when it is written before its request's body has arrived whole, says `Connection: close`,
 * sends the answer at once, and finishes (which closes the connection) only after the rest of the body was
 * discarded: see {@link DiscardableRequest}.
 */
export class LingeringResponse<
  Request extends IncomingMessage = DiscardableRequest,
> extends ServerResponse<Request> {
  #request(): DiscardableRequest | undefined {
    return this.req instanceof DiscardableRequest ? this.req : undefined;
  }

  override writeHead(
    statusCode: number,
    statusMessage?: string,
    headers?: OutgoingHttpHeaders | OutgoingHttpHeader[],
  ): this;
  override writeHead(statusCode: number, headers?: OutgoingHttpHeaders | OutgoingHttpHeader[]): this;
  override writeHead(statusCode: number, ...rest: unknown[]): this {
    if (this.#request()?.bodyOutstanding && !this.headersSent) this.setHeader("connection", "close");
    return Reflect.apply(super.writeHead, this, [statusCode, ...rest]) as this;
  }

  override end(...args: unknown[]): this {
    const request = this.#request();
    if (!request?.bodyOutstanding || this.writableEnded) {
      return super.end(...(args as [() => void]));
    }
    if (!this.headersSent) this.setHeader("connection", "close");
    const [chunk, encoding, callback] = args;
    const done = [chunk, encoding, callback].find((arg) => typeof arg === "function") as
      | (() => void)
      | undefined;
    if (chunk !== null && chunk !== undefined && typeof chunk !== "function") {
      this.write(
        chunk as string | Uint8Array,
        (typeof encoding === "string" ? encoding : "utf8") as BufferEncoding,
      );
    } else if (!this.headersSent) {
      this.flushHeaders();
    }
    request.discardBody();
    request.whenBodyReceived(() => {
      if (!this.writableEnded) super.end(done);
    });
    return this;
  }
}
