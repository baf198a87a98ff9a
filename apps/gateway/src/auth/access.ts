import type { GatewayConfig } from "../shared/config.js";
import { isLoopbackHost } from "../shared/loopback-host.js";
import { createApiKeyVerifier } from "./api-keys.js";
import { type Authenticator, createAuthenticator } from "./authenticator.js";
import { type DevKeys, devKeyEntries, loadOrCreateDevKeys } from "./dev-keys.js";
import { createJwtVerifier } from "./jwt.js";

/** Who may call a started gateway. */
export interface Access {
  authenticator: Authenticator;
  /** The development keys, when no credential is configured (printed at start); else undefined. */
  devKeys: DevKeys | undefined;
  /**
   * The `Authorization` value GraphiQL's page carries: the development operator key, on a loopback host only
   * (a page nobody else can load); else undefined.
   */
  graphiqlAuthorization: string | undefined;
}

/**
 * The gateway's credentials from its configuration: the configured API keys and JWT settings, or, when none
 * is configured (outside production only, see config.ts), development keys kept under `dataDir`.
 */
export async function loadAccess({
  auth,
  dataDir,
  host,
}: Pick<GatewayConfig, "auth" | "dataDir" | "host">): Promise<Access> {
  const devKeys = auth.devKeys ? await loadOrCreateDevKeys(dataDir) : undefined;
  const entries = devKeys ? [...auth.apiKeys, ...devKeyEntries(devKeys)] : auth.apiKeys;
  return {
    authenticator: createAuthenticator({
      ...(entries.length > 0 ? { apiKeys: createApiKeyVerifier(entries) } : {}),
      ...(auth.jwt ? { jwt: createJwtVerifier(auth.jwt) } : {}),
    }),
    devKeys,
    graphiqlAuthorization: devKeys && isLoopbackHost(host) ? `Bearer ${devKeys.operator}` : undefined,
  };
}
