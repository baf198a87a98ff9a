/** The state of one readiness check. Only `unready` makes `/readyz` answer 503. */
export type CheckState = "ok" | "degraded" | "unready";

/** What a check found: its state and, when not ok, one short sentence that reveals nothing sensitive. */
export interface CheckOutcome {
  state: CheckState;
  detail?: string;
}

/** One thing `/readyz` looks at. */
export interface ReadinessCheck {
  /** Shown in the report, e.g. `database`. */
  name: string;
  /**
   * `critical`: the gateway cannot serve without it (the database), so a failure is `unready` (503).
   * `optional`: it serves without it, less well (a message broker, a recordings disk), so the worst this
   * check can report is `degraded` (200, said in the body), and a load balancer keeps sending traffic.
   */
  severity: "critical" | "optional";
  /** Look; a throw counts as a failure. */
  run(): Promise<CheckOutcome>;
}

/** One line of the report. */
export interface CheckReport extends CheckOutcome {
  name: string;
}

/** What `/readyz` answers: the overall status (the worst check) and each check. */
export interface ReadinessReport {
  status: "ready" | "degraded" | "unready";
  checks: CheckReport[];
}

/** Options for {@link createReadiness}. */
export interface ReadinessOptions {
  checks: readonly ReadinessCheck[];
  /** How long a check may take before it counts as failed, in ms. @default 2000 */
  timeoutMs?: number;
}

/** Runs the readiness checks; see {@link createReadiness}. */
export interface Readiness {
  /** Run every check (at once, each bounded by the timeout) and report. Never rejects. */
  report(): Promise<ReadinessReport>;
}

const RANK: Record<CheckState, number> = { ok: 0, degraded: 1, unready: 2 };

/**
 * Readiness as a list of checks, each bounded in time so that `/readyz` answers within the timeout whatever
 * the database does. A check still running when the next probe comes is joined rather than started again
 * (a load balancer probing a stalled database does not pile up statements), but only until it times out:
 * a check stuck for good is then left behind and the next probe starts a fresh one, so that readiness comes
 * back as soon as the database does.
 */
export function createReadiness(options: ReadinessOptions): Readiness {
  const timeoutMs = options.timeoutMs ?? 2000;
  const running = new Map<ReadinessCheck, Promise<CheckOutcome>>();

  function runBounded(check: ReadinessCheck): Promise<CheckOutcome> {
    const current = running.get(check);
    if (current) return current;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<CheckOutcome>((resolve) => {
      timer = setTimeout(
        () => resolve({ state: "unready", detail: `no answer within ${timeoutMs} ms` }),
        timeoutMs,
      );
    });
    const outcome = Promise.race([
      check.run().catch((): CheckOutcome => ({ state: "unready", detail: "the check failed" })),
      timedOut,
    ]).finally(() => {
      clearTimeout(timer);
      if (running.get(check) === outcome) running.delete(check);
    });
    running.set(check, outcome);
    return outcome;
  }

  return {
    async report() {
      const checks = await Promise.all(
        options.checks.map(async (check): Promise<CheckReport> => {
          const outcome = await runBounded(check);
          const state =
            check.severity === "optional" && outcome.state === "unready" ? "degraded" : outcome.state;
          return {
            name: check.name,
            state,
            ...(outcome.detail !== undefined ? { detail: outcome.detail } : {}),
          };
        }),
      );
      const worst = checks.reduce<CheckState>((w, c) => (RANK[c.state] > RANK[w] ? c.state : w), "ok");
      return { status: worst === "ok" ? "ready" : worst, checks };
    },
  };
}
