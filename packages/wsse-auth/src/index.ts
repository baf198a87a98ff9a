export { formatCreated, parseCreated } from "./created.js";
export { computePasswordDigest } from "./digest.js";
export {
  type AuthorizationErrorCode,
  describeVerifyError,
  type ErrorDescription,
  type InputErrorCode,
  type ParseErrorCode,
  type UsernameTokenErrorCode,
  VERIFY_ERRORS,
  type VerifyErrorCode,
  type VerifyHttpStatus,
  WsseInputError,
} from "./errors.js";
export type { HeaderSource } from "./headers.js";
export { generateNonce, isValidNonce, MAX_NONCE_LENGTH } from "./nonce.js";
export {
  createMemoryNonceStore,
  type MemoryNonceStore,
  type MemoryNonceStoreOptions,
  type NonceStore,
} from "./nonce-store.js";
export {
  DEFAULT_MAX_HEADER_LENGTH,
  type ParsedAuthorization,
  type ParsedUsernameToken,
  type ParseOptions,
  type ParseResult,
  parseAuthorization,
  parseUsernameToken,
} from "./parse.js";
export {
  type AuthorizationKind,
  isScheme,
  SCHEMES,
  type Scheme,
  type TokenHeaderName,
} from "./schemes.js";
export {
  CONTENT_TYPE,
  MAX_APP_KEY_LENGTH,
  type SignedUsernameToken,
  type SignUsernameTokenOptions,
  signUsernameToken,
} from "./sign.js";
export {
  createVerifier,
  type Verifier,
  type VerifierOptions,
  type VerifyFailure,
  type VerifyResult,
  type VerifySuccess,
} from "./verify.js";
