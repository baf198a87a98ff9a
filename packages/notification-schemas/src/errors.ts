/** Why {@link CallSessionError} was thrown. */
export type CallSessionErrorCode = "empty" | "mixed-sessions";

/**
 * Thrown by `foldCallSession` when its input cannot describe one call: nothing to fold, or events and
 * records of more than one `sessionId`. Both are mistakes of the caller, not of the platform.
 */
export class CallSessionError extends Error {
  override readonly name = "CallSessionError";
  /** What went wrong. */
  readonly code: CallSessionErrorCode;

  constructor(code: CallSessionErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * Thrown by the parse functions and `createNotificationSchema` for an option that is not a positive safe
 * integer (or, for `lenient`, not a boolean): a mistake of the caller. Bodies never cause a throw.
 */
export class ParseOptionsError extends Error {
  override readonly name = "ParseOptionsError";
  /** Always `invalid-option`. */
  readonly code = "invalid-option";
  /** The option at fault. */
  readonly option: string;

  constructor(option: string, message: string) {
    super(message);
    this.option = option;
  }
}
