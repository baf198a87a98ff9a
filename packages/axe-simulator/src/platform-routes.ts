import type { HttpBindings } from "@hono/node-server";
import type { Context, Hono } from "hono";
import { drawApiFault } from "./api-faults.js";
import { firstIssueField, recordingQuerySchema } from "./binding-schemas.js";
import type { QueryParams } from "./binding-service.js";
import { limitBody } from "./body-limit.js";
import type { SimulatorCore } from "./core.js";
import { NOT_AUDIO_PAGE, sendCutMidway } from "./recording-download.js";
import { drawRecordingFault } from "./recording-faults.js";
import { invalidRequest, platformResult } from "./result-codes.js";
import type { PlatformResult, ResolvedAppConfig } from "./types.js";
import { generateWav } from "./wav.js";

/** Largest accepted request body (a bind body is well under 2 KB). */
export const MAX_PLATFORM_BODY_BYTES = 64 * 1024;
/** Seconds of tone in a served recording file, whatever the talk time: the file only has to be a real WAV. */
const MAX_WAV_SECONDS = 5;

type Env = { Bindings: HttpBindings };
type Operation = (
  app: ResolvedAppConfig,
  input: { body?: unknown; query: QueryParams },
) => PlatformResult | Response;

/** Hung requests, released (connection destroyed) when their time is up or the simulator stops. */
export class HangRegistry {
  private readonly pending = new Set<() => void>();

  hold(ms: number, destroy: () => void): Promise<void> {
    return new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer);
        this.pending.delete(release);
        destroy();
        resolve();
      };
      const timer = setTimeout(release, ms);
      this.pending.add(release);
    });
  }

  releaseAll(): void {
    for (const release of [...this.pending]) release();
  }
}

/** The caller's address, IPv4-mapped IPv6 reduced to IPv4. */
export function remoteAddress(c: Context<Env>): string {
  const address = c.env?.incoming?.socket?.remoteAddress ?? "unknown";
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

function json(c: Context<Env>, result: PlatformResult): Response {
  // The platform closes its connections itself (docs/axe-platform.md §1.1).
  return c.body(JSON.stringify(result.body), result.httpStatus as 200, {
    "Content-Type": "application/json;charset=UTF-8",
    Connection: "close",
  });
}

/**
 * Registers the platform API (docs/axe-platform.md §4–§7, §9, §13.1): lock-out → API faults → authentication
 * → body → the operation. Every path and method not listed answers 404.
 */
export function registerPlatformRoutes(app: Hono<Env>, core: SimulatorCore, hangs: HangRegistry): void {
  const limit = limitBody({
    maxSize: MAX_PLATFORM_BODY_BYTES,
    onError: (c) => json(c as Context<Env>, invalidRequest("body")),
  });

  const handle = (op: Operation, withBody: boolean) => async (c: Context<Env>) => {
    const address = remoteAddress(c);
    const finish = (result: PlatformResult | Response, appKey?: string): Response => {
      // Every request may change the state: bindings, lock-out counts, the fault generator.
      core.changed();
      const response = result instanceof Response ? result : json(c, result);
      const resultcode = result instanceof Response ? undefined : result.body.resultcode;
      core.config.logger?.({
        type: "request",
        method: c.req.method,
        path: c.req.path,
        status: response.status,
        ...(resultcode !== undefined ? { resultcode } : {}),
        ...(appKey !== undefined ? { appKey } : {}),
      });
      return response;
    };

    if (core.lockout.isLocked(address)) return finish(platformResult("lockedOut"));
    // Rejections by fault happen before any processing: nothing changes, no nonce is spent.
    const fault = drawApiFault(core.currentFaults.api ?? {}, core.apiRandom);
    if (fault === "error500") return finish(platformResult("internalError"));
    if (fault === "flowControl") return finish(platformResult("flowControl"));

    const auth = await core.authenticator.authenticate(c.req.raw.headers, address);
    if (!auth.ok) return finish(auth.result);

    let body: unknown;
    if (withBody) {
      const text = await c.req.text();
      try {
        body = JSON.parse(text);
      } catch {
        return finish(invalidRequest("body"), auth.app.appKey);
      }
    }
    const result = op(auth.app, { body, query: c.req.query() });

    if (fault === "hang") {
      // The request took effect but its answer never arrives: the connection is dropped after hangMs.
      await hangs.hold(core.currentFaults.api?.hangMs ?? 30_000, () => c.env.incoming.socket.destroy());
    }
    return finish(result, auth.app.appKey);
  };

  // Hono answers HEAD through GET routes; the platform has no HEAD interface, so it is "anything else": 404.
  app.use("/rest/*", async (c, next) => {
    if (c.req.method === "HEAD") return c.body(null, 404);
    await next();
  });

  const path = "/rest/caas/extendnumber/v1.0";
  app.post(
    path,
    limit,
    handle((a, i) => core.bindings.bind(a, i.body), true),
  );
  app.put(
    path,
    limit,
    handle((a, i) => core.bindings.modify(a, i.body), true),
  );
  app.delete(
    path,
    handle((a, i) => core.bindings.unbind(a, i.query), false),
  );
  app.get(
    path,
    handle((a, i) => core.bindings.query(a, i.query), false),
  );
  app.get(
    "/rest/caas/extendnumber/v2.0",
    handle((a, i) => core.bindings.list(a, i.query), false),
  );
  app.get(
    "/rest/provision/voice/record/v1.0",
    handle((a, i) => {
      const parsed = recordingQuerySchema.safeParse(i.query);
      if (!parsed.success) return invalidRequest(firstIssueField(parsed.error));
      if (!a.recordingEnabled) return platformResult("recordingNotOpen");
      const rec = core.recordings.find(parsed.data.fileName);
      if (!rec || rec.appKey !== a.appKey || rec.recordDomain !== parsed.data.recordDomain) {
        return platformResult("recordNotExist");
      }
      // 301 with Location and no body fields (docs/axe-platform.md §9).
      return new Response(null, {
        status: 301,
        headers: {
          Location: `${core.baseUrl}/recordings/${encodeURIComponent(rec.fileName)}`,
          Connection: "close",
        },
      });
    }, false),
  );

  // The download target of the 301: plain storage, like the platform's object store, with its download faults.
  app.get("/recordings/:fileName", (c) => {
    const rec = core.recordings.find(c.req.param("fileName"));
    if (!rec) return c.body(null, 404);
    const wav = new Uint8Array(generateWav(Math.min(rec.seconds, MAX_WAV_SECONDS)));
    const headers = {
      "Content-Type": "audio/wav",
      "Content-Disposition": `attachment; filename="${rec.fileName}"`,
    };
    // One draw per download (a HEAD transfers nothing, so it is never faulted); the drawn stream is state.
    if (c.req.method !== "GET") return c.body(wav, 200, headers);
    const fault = drawRecordingFault(core.currentFaults.recording ?? {}, core.recordingRandom);
    core.changed();
    if (fault === "cutMidway") return sendCutMidway(c.env.outgoing, headers, wav);
    if (fault === "notAudio")
      return c.body(NOT_AUDIO_PAGE, 200, { "Content-Type": "text/html; charset=utf-8" });
    return c.body(wav, 200, headers);
  });
}
