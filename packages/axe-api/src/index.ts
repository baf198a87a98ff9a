// The one mask of privnum, owned by @privnum/notification-schemas; re-exported under the names this package has
// always had.
export { maskPhoneNumber, maskPhoneNumbersInText } from "@privnum/notification-schemas";
export type { Scheme } from "@privnum/wsse-auth";
export { DEFAULT_RETRY_OPTIONS, type RetryOptions } from "./backoff.js";
export { DEFAULT_BASE_URL } from "./base-url.js";
export { type AxeClient, type AxeClientOptions, createAxeClient } from "./client.js";
export {
  AXE_ERROR_CATEGORIES,
  AxeApiError,
  type AxeApiErrorInit,
  AxeAuthenticationError,
  type AxeErrorCategory,
  AxeFlowControlError,
  AxeInvalidRequestError,
  AxeNetworkError,
  AxeNoResourcesError,
  AxeNotFoundError,
  AxePlatformError,
  AxeTimeoutError,
  AxeValidationError,
  isAxeApiError,
  type ValidationIssue,
} from "./errors.js";
export type {
  AxeEventBase,
  AxeHooks,
  AxeLogFn,
  AxeLogger,
  AxeRequestEvent,
  AxeResponseEvent,
  AxeRetryEvent,
} from "./hooks.js";
export type {
  AreaMatchMode,
  AxeOperation,
  Binding,
  BindingChanges,
  BindingRef,
  CallOptions,
  CreateBindingInput,
  CreatedBinding,
  DisplayNumMode,
  ListBindingsInput,
  RecordingRef,
  TimeUnit,
} from "./types.js";
