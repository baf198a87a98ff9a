import { createApiKeyVerifier } from "../../src/auth/api-keys.js";
import { createAuthenticator } from "../../src/auth/authenticator.js";
import { type HttpAuthentication, useAuthentication } from "../../src/http/authentication.js";
import { TEST_API_KEYS, testConfig } from "../../src/shared/config.js";

/** The `Authorization` value of the test admin key. */
export const ADMIN_AUTHORIZATION = `Bearer ${TEST_API_KEYS.admin}`;

/** HTTP authentication as a gateway of `testConfig()` has it (its test keys), for a Yoga built apart. */
export function testAuthentication(): HttpAuthentication {
  return useAuthentication(createAuthenticator({ apiKeys: createApiKeyVerifier(testConfig().auth.apiKeys) }));
}
