import type { NumberStatus, NumberStatusCause, ResolvedAppConfig } from "./types.js";

/** One X number with its owner and current status. */
export interface NumberEntry {
  app: ResolvedAppConfig;
  number: string;
  cityCode?: string;
  province?: string;
  status: NumberStatus;
  cause?: NumberStatusCause;
}

/** The X numbers of every app, indexed by number. Status changes are written through to `app.virtualNumbers`. */
export class NumberRegistry {
  private readonly entries = new Map<string, NumberEntry>();

  constructor(apps: readonly ResolvedAppConfig[]) {
    for (const app of apps) {
      for (const n of app.virtualNumbers) {
        this.entries.set(n.number, {
          app,
          number: n.number,
          ...(n.cityCode ? { cityCode: n.cityCode } : {}),
          ...(n.province ? { province: n.province } : {}),
          status: n.status,
        });
      }
    }
  }

  get(number: string): NumberEntry | undefined {
    return this.entries.get(number);
  }

  /** The numbers of one app, in configuration order. */
  ofApp(appKey: string): NumberEntry[] {
    return [...this.entries.values()].filter((e) => e.app.appKey === appKey);
  }

  /** The status of every number, for the state file. */
  statuses(): Array<{ number: string; status: NumberStatus; cause?: NumberStatusCause }> {
    return [...this.entries.values()].map((e) => ({
      number: e.number,
      status: e.status,
      ...(e.cause ? { cause: e.cause } : {}),
    }));
  }

  setStatus(number: string, status: NumberStatus, cause?: NumberStatusCause): void {
    const entry = this.entries.get(number);
    if (!entry) return;
    entry.status = status;
    if (cause) entry.cause = cause;
    else delete entry.cause;
    const configured = entry.app.virtualNumbers.find((n) => n.number === number);
    if (configured) configured.status = status;
  }
}

/** Paused (`9`) and unavailable (`10`) numbers stop binding, calls and SMS (docs/axe-platform.md §16.2). */
export function isOutOfService(status: NumberStatus): boolean {
  return status === "9" || status === "10";
}
