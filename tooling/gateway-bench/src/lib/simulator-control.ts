// The control API (`/simulator/*`) of a gateway's embedded simulator, as P9 drives it: place recorded calls,
// move the platform's virtual clock so that they end, and set push faults. A few hundred plain requests per
// run, none of them timed.

/** What P9 keeps of one placed call: its CDR (a `feeLst` entry, as the platform pushes it) and the recording it names. */
export interface PlacedCall {
  cdr: Record<string, unknown>;
  icid: string;
  recordDomain: string;
  fileName: string;
}

/** The simulator's push faults (rates 0 … 1), the fields P9 uses. */
export interface PushFaults {
  /** Rate at which a push attempt is lost (never sent). */
  drop: number;
}

/** One call to place (the simulator's `simulateCall` input, the fields P9 uses). */
export interface CallToPlace {
  caller: string;
  virtualNum: string;
  digits: string;
  talkSeconds: number;
  ringSeconds: number;
}

/** The embedded simulator of one gateway. */
export interface SimulatorControl {
  /** Place an answered call; rejects when the simulator refuses it or plans no recording for it. */
  placeCall(call: CallToPlace): Promise<PlacedCall>;
  /** Move the virtual clock forward by `ms`: tasks due on the way (call ends, pushes) run now. */
  advanceClock(ms: number): Promise<void>;
  /** Set the faults of the simulator's pushes (its API and download faults are left as they are). */
  setPushFaults(faults: PushFaults): Promise<void>;
}

/** Longest one control request may take, in ms. */
const CONTROL_TIMEOUT_MS = 30_000;

/** A client of the control API at `simulatorUrl` (the embedded simulator listens on 127.0.0.1 only). */
export function simulatorControl(simulatorUrl: string): SimulatorControl {
  const base = new URL(simulatorUrl);
  if (base.protocol !== "http:" || base.hostname !== "127.0.0.1") {
    throw new Error(`the bench drives a simulator on http://127.0.0.1 (got ${base.origin})`);
  }
  async function send<T>(method: "POST" | "PUT", path: string, body: unknown): Promise<T> {
    const response = await fetch(new URL(path, base), {
      method,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(CONTROL_TIMEOUT_MS),
    });
    const answer = (await response.json().catch(() => undefined)) as T | undefined;
    if (response.status !== 200 || answer === undefined) {
      // Only the status and the fields at issue: the simulator's messages may quote the numbers of the call.
      const issues =
        (answer as { error?: { issues?: { path?: string }[] } } | undefined)?.error?.issues ?? [];
      const fields = issues.map((issue) => issue.path).filter(Boolean);
      throw new Error(
        `simulator ${path} answered HTTP ${response.status}${fields.length > 0 ? ` (fields: ${fields.join(", ")})` : ""}`,
      );
    }
    return answer;
  }
  return {
    async placeCall(call) {
      const placed = await send<{ cdr: Record<string, unknown> }>("POST", "/simulator/calls", call);
      const { icid, recordDomain, recordObjectName } = placed.cdr;
      if (
        typeof icid !== "string" ||
        typeof recordDomain !== "string" ||
        typeof recordObjectName !== "string"
      ) {
        throw new Error("the simulator planned the call without a recording (is the binding recorded?)");
      }
      return { cdr: placed.cdr, icid, recordDomain, fileName: recordObjectName };
    },
    async advanceClock(ms) {
      await send("POST", "/simulator/clock/advance", { ms });
    },
    async setPushFaults(faults) {
      await send("PUT", "/simulator/faults", { push: faults });
    },
  };
}
