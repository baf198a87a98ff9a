import { IncomingMessage, type OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Socket } from "node:net";

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
  /** The connection, kept: Node's stream `destroyer` clears `socket` on a server request it destroys. */
  readonly #connection: Socket;
  #discarding = false;
  #discarded = 0;
  #timer: NodeJS.Timeout | undefined;
  #whenReceived: (() => void)[] = [];

  constructor(socket: Socket) {
    super(socket);
    this.#connection = socket;
  }

  /** Whether a body was announced (a length above 0, or chunked). */
  get expectsBody(): boolean {
    const length = this.headers["content-length"];
    return this.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
  }

  /** Whether the body is still arriving (announced, and not received whole yet). */
  get bodyOutstanding(): boolean {
    return !this.complete && this.expectsBody && !this.#connection.destroyed;
  }

  /** Read and throw away the rest of the body from now on (bounded); idempotent. */
  discardBody(): void {
    if (this.#discarding) return;
    this.#discarding = true;
    this.#timer = setTimeout(() => this.#cut(), DEFAULT_LINGER_MS);
    this.#timer.unref();
    // The parser may have paused the socket while this stream's buffer was full.
    this.#connection.resume();
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
    // The client went away (or the body had arrived): nothing more to wait for.
    this.#received();
    super._destroy(error, callback);
  }

  #received(): void {
    clearTimeout(this.#timer);
    for (const callback of this.#whenReceived.splice(0)) callback();
  }

  #cut(): void {
    clearTimeout(this.#timer);
    this.#connection.destroy();
    for (const callback of this.#whenReceived.splice(0)) callback();
  }
}

/**
 * A response that, when it starts before its request's body has arrived whole, is held until it is complete
 * and then sent at once with `Content-Length` and `Connection: close`, so that the client can read it whole
 * while it is still sending; the response finishes (which closes the connection) only after the rest of
 * the body was discarded: see {@link DiscardableRequest}.
 */
export class LingeringResponse<
  Request extends IncomingMessage = IncomingMessage,
> extends ServerResponse<Request> {
  /** The status line and headers of a held response; undefined while nothing is held. */
  #heldHead: { statusCode: number; statusMessage?: string; headers?: OutgoingHttpHeaders } | undefined;
  #heldBody: Buffer[] = [];

  #outstanding(): DiscardableRequest | undefined {
    const request: IncomingMessage = this.req;
    return request instanceof DiscardableRequest && request.bodyOutstanding ? request : undefined;
  }

  override writeHead(statusCode: number, ...rest: unknown[]): this {
    const [first, second] = rest;
    const statusMessage = typeof first === "string" ? first : undefined;
    const headers = typeof first === "string" ? second : first;
    if (!this.#outstanding() || this.headersSent || Array.isArray(headers)) {
      return Reflect.apply(super.writeHead, this, [statusCode, ...rest]) as this;
    }
    this.#heldHead = {
      statusCode,
      ...(statusMessage !== undefined ? { statusMessage } : {}),
      ...(headers ? { headers: headers as OutgoingHttpHeaders } : {}),
    };
    return this;
  }

  override write(chunk: unknown, ...rest: unknown[]): boolean {
    if (this.#heldHead === undefined && !(this.#outstanding() && !this.headersSent)) {
      return Reflect.apply(super.write, this, [chunk, ...rest]) as boolean;
    }
    this.#heldHead ??= { statusCode: this.statusCode };
    this.#hold(chunk, rest[0]);
    const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
    if (callback) process.nextTick(callback);
    return true;
  }

  override end(...args: unknown[]): this {
    const request = this.#outstanding();
    if ((this.#heldHead === undefined && (!request || this.headersSent)) || this.writableEnded) {
      return Reflect.apply(super.end, this, args) as this;
    }
    const [chunk, encoding] = args;
    const done = args.find((arg) => typeof arg === "function") as (() => void) | undefined;
    if (typeof chunk !== "function") this.#hold(chunk, encoding);
    const head = this.#heldHead ?? { statusCode: this.statusCode };
    this.#heldHead = undefined;
    const body = Buffer.concat(this.#heldBody.splice(0));
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(head.headers ?? {})) {
      if (!["content-length", "transfer-encoding", "connection"].includes(name.toLowerCase())) {
        headers[name] = value;
      }
    }
    this.removeHeader("transfer-encoding");
    headers["content-length"] = String(body.byteLength);
    headers.connection = "close";
    if (head.statusMessage !== undefined) super.writeHead(head.statusCode, head.statusMessage, headers);
    else super.writeHead(head.statusCode, headers);
    super.write(body);
    const finish = () => {
      if (!this.writableEnded) super.end(done);
    };
    if (request) {
      request.discardBody();
      request.whenBodyReceived(finish);
    } else {
      finish();
    }
    return this;
  }

  #hold(chunk: unknown, encoding: unknown): void {
    if (chunk === null || chunk === undefined || typeof chunk === "function") return;
    this.#heldBody.push(
      typeof chunk === "string"
        ? Buffer.from(chunk, typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8")
        : Buffer.from(chunk as Uint8Array),
    );
  }
}
