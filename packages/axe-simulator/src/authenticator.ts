import { createMemoryNonceStore, createVerifier, SCHEMES, type Verifier } from "@privnum/wsse-auth";
import type { Lockout } from "./lockout.js";
import { platformResult } from "./result-codes.js";
import type { PlatformResult, ResolvedAppConfig } from "./types.js";

/** What authentication decided about a request. */
export type AuthOutcome = { ok: true; app: ResolvedAppConfig } | { ok: false; result: PlatformResult };

interface Options {
  apps: readonly ResolvedAppConfig[];
  maxAgeSeconds: number;
  maxFutureSeconds: number;
  /** The clock that judges `Created`. */
  now: () => Date;
  lockout: Lockout;
}

/**
 * Authenticates platform requests with `@privnum/wsse-auth` (docs/axe-platform.md §2, §13.2, §16.4): per-app
 * schemes, the freshness window and nonce replay; failures count towards the address lock-out (checked by the
 * caller before anything else); then the app's IP whitelist.
 */
export class Authenticator {
  private readonly verifier: Verifier;
  private readonly apps: Map<string, ResolvedAppConfig>;

  constructor(private readonly options: Options) {
    this.apps = new Map(options.apps.map((a) => [a.appKey, a]));
    this.verifier = createVerifier({
      lookupSecret: (appKey) => this.apps.get(appKey)?.appSecret,
      schemes: (appKey) => this.apps.get(appKey)?.schemes ?? SCHEMES,
      maxAgeSeconds: options.maxAgeSeconds,
      maxFutureSeconds: options.maxFutureSeconds,
      nonceStore: createMemoryNonceStore({ now: options.now }),
      now: options.now,
    });
  }

  async authenticate(headers: Headers, address: string): Promise<AuthOutcome> {
    const { lockout } = this.options;
    const verified = await this.verifier.verify(headers);
    if (!verified.ok) {
      lockout.recordFailure(address);
      return {
        ok: false,
        result: {
          httpStatus: verified.httpStatus,
          body: { resultcode: verified.resultcode, resultdesc: verified.resultdesc },
        },
      };
    }
    lockout.recordSuccess(address);
    const app = this.apps.get(verified.appKey)!;
    if (app.ipWhitelist && !app.ipWhitelist.includes(address)) {
      return { ok: false, result: platformResult("ipNotWhitelisted") };
    }
    return { ok: true, app };
  }
}
