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
