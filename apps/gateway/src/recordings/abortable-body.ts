import { Readable } from "node:stream";

/**
 * A response body streaming `source` (a file being read) that lets the file go as soon as the client does.
 * The HTTP server cancels no body when its connection closes; it only aborts the request's `signal`. On that
 * signal the file is closed at once and the body simply ends (an error there would only be logged by the
 * server as an unexpected one). A read error of `source` itself is told to `onError`, and the body fails:
 * the client sees a cut-off answer, shorter than its `Content-Length`.
 */
export function abortableBody(
  source: Readable,
  signal: AbortSignal,
  onError: (error: unknown) => void,
): ReadableStream<Uint8Array> {
  const reader = (Readable.toWeb(source) as ReadableStream<Uint8Array>).getReader();
  let finished = false;
  let abort = () => {};
  const finish = () => {
    finished = true;
    signal.removeEventListener("abort", abort);
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        abort = () => {
          if (finished) return;
          finish();
          // Cancelling destroys `source`, which closes the file; a read still pending resolves as done.
          reader.cancel().catch(() => {});
          controller.close();
        };
        if (signal.aborted) abort();
        else signal.addEventListener("abort", abort, { once: true });
      },
      async pull(controller) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          if (finished) return;
          finish();
          onError(error);
          controller.error(error);
          return;
        }
        if (finished) return;
        if (chunk.done) {
          finish();
          controller.close();
        } else {
          controller.enqueue(chunk.value);
        }
      },
      cancel(reason) {
        finish();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
