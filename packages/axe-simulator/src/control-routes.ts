import { timingSafeEqual } from "node:crypto";
import type { HttpBindings } from "@hono/node-server";
import type { Context, Hono } from "hono";
import { z } from "zod";
import { limitBody } from "./body-limit.js";
import type { SimulatorCore } from "./core.js";
import { SimulatorInputError } from "./errors.js";
import { isoTime } from "./time-format.js";
import type { PushKind } from "./types.js";

type Env = { Bindings: HttpBindings };

/** Largest control request body (seeding 10 000 bindings takes about 1.5 MB). */
export const MAX_CONTROL_BODY_BYTES = 16 * 1024 * 1024;
/** Longest single clock move through the control API: 10 years. */
const MAX_ADVANCE_MS = 10 * 365 * 86_400_000;

const advanceSchema = z.strictObject({ ms: z.number().int().min(0).max(MAX_ADVANCE_MS) });
const setClockSchema = z.strictObject({ time: z.iso.datetime({ offset: true }) });
const seedSchema = z.strictObject({
  appKey: z.string().min(1).max(128).optional(),
  bindings: z.array(z.record(z.string(), z.unknown())).max(100_000),
});
const KINDS: readonly PushKind[] = ["callEvent", "fee", "numStatus"];

function problem(
  c: Context<Env>,
  status: 400 | 401 | 413,
  message: string,
  issues: unknown[] = [],
): Response {
  return c.json({ error: { message, issues } }, status);
}

/**
 * The control API under `/simulator`: drive calls, number status, faults and the clock, inspect state and
 * deliveries, and preload bindings. Unauthenticated unless a token is configured; keep it on localhost.
 */
export function registerControlRoutes(
  app: Hono<Env>,
  core: SimulatorCore,
  ops: { advance(ms: number): Promise<void>; set(date: Date): Promise<void>; flush(): Promise<void> },
): void {
  const token = core.config.control.token;
  app.use("/simulator/*", async (c, next) => {
    if (token !== undefined) {
      const given = Buffer.from(c.req.header("authorization") ?? "");
      const expected = Buffer.from(`Bearer ${token}`);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return problem(c, 401, "control API token missing or wrong");
      }
    }
    await next();
  });
  app.use(
    "/simulator/*",
    limitBody({
      maxSize: MAX_CONTROL_BODY_BYTES,
      onError: (c) => problem(c as Context<Env>, 413, "body too large"),
    }),
  );

  // Reads a JSON body and validates it; answers 400 with the issues otherwise.
  async function readJson<T>(
    c: Context<Env>,
    schema: z.ZodType<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; response: Response }> {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      return { ok: false, response: problem(c, 400, "body must be JSON") };
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({
        path: i.path.map(String).join("."),
        message: i.message,
      }));
      return { ok: false, response: problem(c, 400, "invalid body", issues) };
    }
    return { ok: true, value: parsed.data };
  }

  const guard = (c: Context<Env>, fn: () => Response | Promise<Response>): Promise<Response> =>
    Promise.resolve()
      .then(fn)
      .catch((error: unknown) => {
        if (error instanceof SimulatorInputError) return problem(c, 400, error.message, error.issues);
        throw error;
      });

  app.get("/simulator/state", (c) => c.json(core.state()));

  app.get("/simulator/deliveries", (c) => {
    const kind = c.req.query("kind");
    if (kind !== undefined && !KINDS.includes(kind as PushKind)) {
      return problem(c, 400, `kind must be one of ${KINDS.join(", ")}`);
    }
    const all = core.dispatcher.deliveries();
    return c.json({ deliveries: kind ? all.filter((d) => d.kind === kind) : all });
  });

  app.post("/simulator/calls", (c) =>
    guard(c, async () => {
      const body = await readJson(c, z.record(z.string(), z.unknown()));
      if (!body.ok) return body.response;
      return c.json(core.simulateCall(body.value as never));
    }),
  );

  app.post("/simulator/number-status", (c) =>
    guard(c, async () => {
      const body = await readJson(c, z.record(z.string(), z.unknown()));
      if (!body.ok) return body.response;
      core.setNumberStatus(body.value as never);
      return c.json({ ok: true });
    }),
  );

  app.get("/simulator/faults", (c) => c.json(core.currentFaults));
  app.put("/simulator/faults", (c) =>
    guard(c, async () => {
      const body = await readJson(c, z.record(z.string(), z.unknown()));
      if (!body.ok) return body.response;
      core.setFaults(body.value);
      return c.json(core.currentFaults);
    }),
  );

  app.get("/simulator/clock", (c) => c.json({ now: isoTime(core.clock.nowMs()) }));
  app.post("/simulator/clock/advance", async (c) => {
    const body = await readJson(c, advanceSchema);
    if (!body.ok) return body.response;
    await ops.advance(body.value.ms);
    return c.json({ now: isoTime(core.clock.nowMs()) });
  });
  app.post("/simulator/clock/set", async (c) => {
    const body = await readJson(c, setClockSchema);
    if (!body.ok) return body.response;
    await ops.set(new Date(body.value.time));
    return c.json({ now: isoTime(core.clock.nowMs()) });
  });

  app.post("/simulator/flush", async (c) => {
    await ops.flush();
    return c.json({ now: isoTime(core.clock.nowMs()) });
  });

  app.post("/simulator/bindings", (c) =>
    guard(c, async () => {
      const body = await readJson(c, seedSchema);
      if (!body.ok) return body.response;
      const results = core.seedBindings({
        ...(body.value.appKey !== undefined ? { appKey: body.value.appKey } : {}),
        bindings: body.value.bindings as never,
      });
      return c.json({ results: results.map((r) => ({ httpStatus: r.httpStatus, ...r.body })) });
    }),
  );
}
