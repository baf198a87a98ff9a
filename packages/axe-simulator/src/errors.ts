/** One problem found in an input: where it is and what is wrong. */
export interface InputIssue {
  /** Dotted path of the offending field (empty for the whole input). */
  path: string;
  message: string;
}

/** Thrown by `createSimulator` (and the CLI) for a configuration that cannot work. */
export class SimulatorConfigError extends Error {
  override readonly name = "SimulatorConfigError";
  readonly code = "invalid-config";
  /** Every problem found. */
  readonly issues: InputIssue[];

  constructor(issues: InputIssue[]) {
    super(
      `Invalid simulator configuration: ${issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ")}`,
    );
    this.issues = issues;
  }
}

/** Thrown by control operations (`simulateCall`, `setNumberStatus`, …) for input they cannot act on. */
export class SimulatorInputError extends Error {
  override readonly name = "SimulatorInputError";
  readonly code = "invalid-input";
  readonly issues: InputIssue[];

  constructor(issues: InputIssue[]) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; "));
    this.issues = issues;
  }
}

/** Thrown when an operation needs a state the simulator is not in (e.g. reading `url` before `start()`). */
export class SimulatorStateError extends Error {
  override readonly name = "SimulatorStateError";
  readonly code = "invalid-state";
}

/**
 * Thrown by `createSimulator` when the state file in `dataDir` cannot be used (unreadable, not JSON, an unknown
 * format version or invalid content). The simulator never starts empty over such a file: move it away to start
 * afresh.
 */
export class SimulatorStateFileError extends Error {
  override readonly name = "SimulatorStateFileError";
  readonly code = "invalid-state-file";
  /** Path of the state file. */
  readonly file: string;
  /** What is wrong with it. */
  readonly reason: string;

  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(
      `Cannot restore the simulator state from ${file}: ${reason}. Move the file away to start with an empty state.`,
      options,
    );
    this.file = file;
    this.reason = reason;
  }
}

/**
 * Thrown by `start()` when the configured port is taken (`EADDRINUSE`). The message is `port N is in use`, so that
 * a program can add how to choose another port, e.g. `${error.message} (set --port)`.
 */
export class PortInUseError extends Error {
  override readonly name = "PortInUseError";
  readonly code = "PORT_IN_USE";
  /** The port that is taken. */
  readonly port: number;
  /** The interface the simulator tried to listen on. */
  readonly host: string;

  constructor(port: number, host: string, options?: { cause?: unknown }) {
    super(`port ${port} is in use`, options);
    this.port = port;
    this.host = host;
  }
}
